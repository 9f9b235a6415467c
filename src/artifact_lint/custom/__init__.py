"""A factory's own rules: declarative rule files and Python plugins.

`loading` is the entry point; `rule_files` validates `rules/*.yaml`, `checks` holds the
vocabulary (`value_checks` the checks of one value), `evaluate` runs it, `safe_regex`
refuses patterns that could hang, and `plugins` reads the `artifact_lint.rules` entry
points.
"""
