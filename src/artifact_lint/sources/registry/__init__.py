"""The registry document reader: Markdown blocks and tables into artifact entries.

`reader.read_registry` is the entry point; `markdown` holds the Markdown layer (its table
rule, one token per row, in `table_rule`), `entry` and
`tables` build one entry, `reading` holds the reviewer heuristics of artifact-format §6.1,
`results` the types it returns and `cache` keeps read documents between runs.
"""
