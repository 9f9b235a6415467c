"""One module per rule; see `artifact_lint.rule` for the module contract."""
