"""Nothing a rule can see differs between the ways of running a check (issue 16).

For each top-level field of the artifact format, a repository-scope probe rule (a
plugin, declaring nothing it reads) reports every artifact where the field is present,
in its raw data and in its validated model. The probes' findings must be the same
through every entry point: `session.check` (the rule fixtures' path) in one process
and with two workers, `artifact-lint check --jobs 1` and `--jobs 2` (real processes
that find the plugin installed), the Python API and the language server's workspace.
A record slimmed behind the rules' back (as `--jobs` once did, to the fields the
built-in rules read) shows up here as missing findings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import build_fixture_repo

import artifact_lint
from artifact_lint.custom.plugins import GROUP, plugin_rules
from artifact_lint.engine.session import check as session_check
from artifact_lint.model.formats import Artifact

FIELDS = list(Artifact.model_fields)

PROBE = '''\
"""Probe: `{field}` is present."""

CODE = "PRB{number:03}"
NAME = "probe-{name}"
SEVERITY = "info"
SCOPE = "repository"
FIELD = "{field}"


def check(repo):
    for artifact in repo.artifacts:
        in_data = artifact.value_at((FIELD,)) is not None
        in_model = artifact.model is not None and getattr(artifact.model, FIELD) is not None
        if in_data or in_model:
            yield artifact.problem((FIELD,), f"`{{FIELD}}` present: data {{in_data}}, model {{in_model}}")
'''

# The fields the base fixture's artifacts leave out, with a valid value each.
MORE_FIELDS = """\
claims:
  - text: Beats the baseline.
    against: baseline
rejected_alternatives:
  - attempt: A larger model.
    decision: Dropped.
source_notes:
  - A note.
datasets:
  - name: invoices
summary: A summary.
notes:
  - A note.
"""

Key = tuple[str, str, int, int, str]


def _key(finding: dict[str, object]) -> Key:
    return (str(finding["code"]), str(finding["path"]), int(finding["line"]),  # type: ignore[call-overload]
            int(finding["column"]), str(finding["message"]))  # type: ignore[call-overload]


def _probes(findings: list[dict[str, object]]) -> list[Key]:
    return sorted(_key(f) for f in findings if str(f["code"]).startswith("PRB"))


@pytest.fixture(scope="module")
def probe_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The probe plugin installed the way pip lays it out: the modules, and a dist-info
    whose entry_points.txt names each in the group."""
    site = tmp_path_factory.mktemp("probe-site")
    package = site / "probe_rules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    points = []
    for number, field in enumerate(FIELDS, start=1):
        module = f"prb{number:03}_{field}"
        (package / f"{module}.py").write_text(PROBE.format(field=field, number=number,
                                                           name=field.replace("_", "-")))
        points.append(f"prb{number:03} = probe_rules.{module}\n")
    info = site / "probe_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: probe-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n" + "".join(points))
    (info / "RECORD").write_text("")
    return site


@pytest.fixture
def probes_installed(probe_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The plugin on this process's path (plugins are read once a process: read again)."""
    monkeypatch.syspath_prepend(str(probe_site))
    plugin_rules.cache_clear()
    yield
    monkeypatch.undo()
    plugin_rules.cache_clear()
    for name in [name for name in sys.modules if name == "probe_rules" or name.startswith("probe_rules.")]:
        del sys.modules[name]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The base fixture, plus an artifact that has the fields the others leave out."""
    root = build_fixture_repo(tmp_path)
    base = (root / "artifacts" / "terminal-replay.yaml").read_text()
    (root / "artifacts" / "terminal-replay-more.yaml").write_text(
        base.replace("id: terminal-replay\n", "id: terminal-replay-more\n", 1) + MORE_FIELDS)
    return root


def _cli(root: Path, site: Path, jobs: int) -> list[Key]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    run = subprocess.run([sys.executable, "-m", "artifact_lint", "check", "-f", "json", "--no-cache",
                          "--jobs", str(jobs)], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 1), run.stderr
    return _probes(json.loads(run.stdout)["findings"])


def _server(root: Path) -> list[Key]:
    from artifact_lint.server.workspace import Workspace

    workspace = Workspace(root)
    findings = []
    for path in sorted((root / "artifacts").glob("*.yaml")):
        findings += workspace.lint(path.relative_to(root).as_posix()) or []
    return _probes([f.to_dict() for f in findings])


@pytest.mark.usefixtures("probes_installed")
def test_every_entry_point_shows_a_rule_the_same_records(root: Path, probe_site: Path) -> None:
    assert {rule.code for rule in plugin_rules()} == {f"PRB{n:03}" for n in range(1, len(FIELDS) + 1)}
    expected = _probes([f.to_dict() for f in session_check(root, jobs=1).findings])
    # every field is present somewhere, and the model holds what the data holds
    assert {message.split("`")[1] for *_, message in expected} == set(FIELDS)
    assert all(message.endswith("data True, model True") for *_, message in expected), expected
    seen = {
        "session.check, two workers": _probes([f.to_dict() for f in session_check(root, jobs=2).findings]),
        "artifact-lint check --jobs 1": _cli(root, probe_site, 1),
        "artifact-lint check --jobs 2": _cli(root, probe_site, 2),
        "artifact_lint.check (API)": _probes([f.to_dict() for f in artifact_lint.check(root).findings]),
        "language server workspace": _server(root),
    }
    for entry_point, found in seen.items():
        assert found == expected, f"{entry_point}: {sorted(set(expected) ^ set(found))}"
