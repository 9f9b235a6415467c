from artifact_lint.commands.cli import main

main()
