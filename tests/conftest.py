"""Shared helpers: fixture repositories are copied into a temporary root."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_registry_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Registry cache entries of this run go to a folder of its own, never to ~/.cache."""
    os.environ["ARTIFACT_LINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("registry-cache"))


FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "base"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def build_fixture_repo(tmp: Path, overlay: Path | None = None) -> Path:
    """The clean base repository with `overlay`'s files laid over it.

    An overlay's `expect.json` may list `"delete": [paths]` to remove base files.
    """
    root = tmp / "repo"
    shutil.copytree(BASE, root)
    (root / ".git").mkdir()
    if overlay is not None:
        expect = load_expect(overlay)
        for rel in expect.get("delete", []):
            target = root / rel
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
        for item in sorted(overlay.rglob("*")):
            rel = item.relative_to(overlay)
            if rel.as_posix() == "expect.json":
                continue
            if item.is_dir():
                (root / rel).mkdir(parents=True, exist_ok=True)
            else:
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item, root / rel)
    return root


def load_expect(folder: Path) -> dict[str, Any]:
    path = folder / "expect.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def matches(finding: dict[str, Any], pattern: dict[str, Any]) -> bool:
    """Every key of `pattern` equals the finding's; `key~` is a regex; `field` is a prefix."""
    for key, want in pattern.items():
        if key.endswith("~"):
            got = finding.get(key[:-1])
            if not isinstance(got, str) or not re.search(want, got):
                return False
        elif key == "field":
            got = finding.get("field")
            if not isinstance(got, str) or not got.startswith(want):
                return False
        elif finding.get(key) != want:
            return False
    return True


@pytest.fixture
def base_repo(tmp_path: Path) -> Path:
    return build_fixture_repo(tmp_path)


def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (only the development workplace has it)")
    return SHARED
