from artifact_lint.cli import main

main()
