"""Commands: the command line and what each subcommand does.

`cli` declares the commands (typer); `check` turns options into a report and an exit
code; `fixer`, `importer`, `site` (`site_render` writes its pages) and `policy` hold the
other subcommands.
"""
