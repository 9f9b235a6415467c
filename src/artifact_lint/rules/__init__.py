"""One module per rule; see `artifact_lint.engine.rule_set` for the module contract."""
