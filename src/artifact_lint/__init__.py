"""artifact-lint: a release-policy linter for public ML artifacts."""

__version__ = "0.1.0"
