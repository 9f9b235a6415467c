"""Engine: run rules over a repository, then select, suppress and compare to a baseline.

`session` is the one pipeline every entry point uses; `rule_set` loads the rules,
`lint` runs them and makes findings, `parallel` spreads per-artifact work over processes,
`suppression`, `baseline` and `revision` decide which findings are reported.
"""
