"""Python rules from other packages (`plugins.py`): a tiny plugin package is built in a
temporary folder, installed into another (pip's `--target`, offline), put on the path of a
real `artifact-lint` process, and its rule fires; a broken plugin is exit 2 naming it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import build_fixture_repo

from artifact_lint.custom.plugins import GROUP, declared

RULE_MODULE = '''\
"""An artifact id starts with the team's prefix.

## What it does
Checks that `id` starts with `acme-`.

## Why it matters
The hub lists every team's artifacts side by side.

## Example
```yaml
id: invoice-fields
```

## Use instead
```yaml
id: acme-invoice-fields
```
"""

CODE = "ACME001"
NAME = "team-prefix"
SEVERITY = "warning"
SCOPE = "artifact"


def check(artifact, repo):
    value = artifact.value_at(("id",))
    if isinstance(value, str) and not value.startswith("acme-"):
        yield artifact.problem(("id",), f"`id` `{value}` does not start with `acme-`")
'''


def _write_package(folder: Path, modules: dict[str, str], entry_points: dict[str, str]) -> None:
    (folder / "src" / "acme_rules").mkdir(parents=True)
    (folder / "src" / "acme_rules" / "__init__.py").write_text("")
    for name, text in modules.items():
        (folder / "src" / "acme_rules" / f"{name}.py").write_text(text)
    points = "".join(f'{name} = "{value}"\n' for name, value in entry_points.items())
    (folder / "pyproject.toml").write_text(textwrap.dedent("""\
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "acme-rules"
        version = "1.0"

        [tool.setuptools.packages.find]
        where = ["src"]

        [project.entry-points."artifact_lint.rules"]
        """) + points)


def _install(package: Path, target: Path) -> str:
    """Install `package` into `target` without the network; how it was done. pip needs
    setuptools and wheel to build without isolation; where wheel is missing, the same
    files pip would write (the module and a dist-info with entry_points.txt) are written."""
    run = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation",
                          "--no-deps", "--target", str(target), str(package)],
                         capture_output=True, text=True, timeout=300)
    if run.returncode == 0:
        return "pip"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(package / "src", target)
    info = target / "acme_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    text = (package / "pyproject.toml").read_text()
    points = text.split('[project.entry-points."artifact_lint.rules"]\n', 1)[1].replace('"', "")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{points}")  # INI, as setuptools writes it
    (info / "RECORD").write_text("")
    return "written"


def _artifact_lint(root: Path, site: Path | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    env.update({"NO_COLOR": "1", "COLUMNS": "200"})
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run([sys.executable, "-m", "artifact_lint", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = tmp_path_factory.mktemp("acme-rules")
    _write_package(package, {"acme001_team_prefix": RULE_MODULE}, {"acme001": "acme_rules.acme001_team_prefix"})
    site = tmp_path_factory.mktemp("site") / "lib"
    _install(package, site)
    return site


def test_an_installed_plugin_adds_a_rule_without_touching_our_code(plugin_site: Path, tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    run = _artifact_lint(root, plugin_site, "check", "-f", "json", "--fail-on", "warning")
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)["findings"]
    assert {f["code"] for f in findings} == {"ACME001"}
    assert {f["artifact"] for f in findings} == {"gemma-2b-invoice-fields", "mistral-7b-ticket-triage",
                                                 "terminal-replay"}
    assert all(f["severity"] == "warning" and f["field"] == "id" and f["line"] == 1 for f in findings)
    # selected, ignored and listed like any rule
    ignored = _artifact_lint(root, plugin_site, "check", "-f", "json", "--ignore", "ACME")
    assert json.loads(ignored.stdout)["findings"] == []
    rows = json.loads(_artifact_lint(root, plugin_site, "rules", "-f", "json").stdout)
    assert {"code": "ACME001", "name": "team-prefix", "severity": "warning",
            "summary": "An artifact id starts with the team's prefix.", "fix": None,
            "source": "plugin acme001"} in rows
    explained = _artifact_lint(root, plugin_site, "explain", "ACME001").stdout
    assert "The hub lists every team's artifacts side by side." in explained
    # and without the plugin on the path, the rule is gone
    assert json.loads(_artifact_lint(root, None, "check", "-f", "json").stdout)["findings"] == []


def test_the_package_is_installed_the_way_pip_installs_it(plugin_site: Path) -> None:
    infos = list(plugin_site.glob("acme_rules-1.0.dist-info"))
    assert infos and f"[{GROUP}]" in (infos[0] / "entry_points.txt").read_text()
    assert declared([str(plugin_site)])


@pytest.mark.parametrize(("module", "error"), [
    ("raise RuntimeError('no config')\n",
     "plugin rule `acme001` (`acme_rules.acme001_team_prefix`, package acme-rules 1.0) cannot be imported:"
     " RuntimeError: no config"),
    (RULE_MODULE.replace('CODE = "ACME001"', 'CODE = "AL999"'), "is not valid: a code is one to four capital"),
    (RULE_MODULE.replace('CODE = "ACME001"\n', ""), "is not a rule module: it lacks 'CODE'"),
    (RULE_MODULE.replace('SEVERITY = "warning"', 'SEVERITY = "fatal"'), "SEVERITY 'fatal' is not error"),
    (RULE_MODULE.replace('SCOPE = "artifact"', 'SCOPE = "suppression"'), "SCOPE must be artifact or repository"),
])
def test_a_broken_plugin_is_exit_2_naming_it(tmp_path: Path, module: str, error: str) -> None:
    package = tmp_path / "package"
    _write_package(package, {"acme001_team_prefix": module}, {"acme001": "acme_rules.acme001_team_prefix"})
    site = tmp_path / "site"
    _install(package, site)
    root = build_fixture_repo(tmp_path)
    for command in (["check"], ["rules"]):
        run = _artifact_lint(root, site, *command)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
        assert error in run.stderr, run.stderr


def test_a_plugin_code_that_a_rule_file_defines_too_is_exit_2(plugin_site: Path, tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    (root / "rules" / "house.yaml").write_text(
        "rules:\n  ACME001:\n    name: other\n    summary: x\n    then: [{field: id, check: required}]\n")
    run = _artifact_lint(root, plugin_site, "check")
    assert run.returncode == 2
    assert "the rule code ACME001 is also defined in rules/house.yaml" in run.stderr


def test_without_plugins_a_check_never_reads_the_installed_packages_metadata(tmp_path: Path) -> None:
    """Plugin discovery stays off the hot path: reading every package's metadata
    (`importlib.metadata.entry_points`) costs tens of milliseconds a run."""
    root = build_fixture_repo(tmp_path)
    code = ("import sys, importlib.metadata as metadata; from artifact_lint.commands import cli, process;"
            " process.start(); asked = [];"
            " metadata.entry_points = lambda *args, **kwargs: asked.append(kwargs) or ();"
            " sys.argv = ['artifact-lint', 'check'];"
            "\ntry:\n    cli.app(standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(asked)")
    run = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout + run.stderr


def test_declared_reads_only_entry_point_files(tmp_path: Path) -> None:
    assert not declared([str(tmp_path)])
    other = tmp_path / "other-1.0.dist-info"
    other.mkdir()
    (other / "entry_points.txt").write_text("[console_scripts]\nother = other:main\n")
    assert not declared([str(tmp_path), str(tmp_path / "missing")])
    egg = tmp_path / "mine.egg-info"
    egg.mkdir()
    (egg / "entry_points.txt").write_text(f"[{GROUP}]\nx = y\n")
    assert declared([str(tmp_path)])
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK")
    assert declared([str(archive)])  # only importlib.metadata can look inside an archive
