"""`artifact-lint site` and `artifact-lint export`: structure, numbers, fail-closed, JSON index, a real browser."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import build_fixture_repo
from typer.testing import CliRunner

from artifact_lint.commands.cli import app
from artifact_lint.commands.site import bar

ROOT = Path(__file__).resolve().parents[1]
OWN = sorted((ROOT / "artifacts").glob("*.yaml"))
CHROMIUM = Path("/usr/bin/chromium")
ENV = {"NO_COLOR": "1", "COLUMNS": "200", "GITHUB_ACTIONS": None, "FORCE_COLOR": None}
GEMMA = "artifacts/gemma-2b-invoice-fields.yaml"
CONTEXT_MARK = "context, not a win"
# Attributes that load something (an asset) rather than navigate.
ASSET_ATTRIBUTES = {"src", "srcset", "poster", "data", "xlink:href", "background"}
ASSET_HREF_TAGS = {"link", "use", "image", "script", "img", "source", "iframe", "embed", "object"}
HEADING = re.compile(r"^h([1-6])$")


# --------------------------------------------------------------------------- helpers


@dataclass
class Table:
    caption: str = ""
    headers: list[dict[str, str | None]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # the text of each cell, th and td alike
    in_caption: bool = False


class Page(HTMLParser):
    """What the tests need from a page: headings, tables, tags, links and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.headings: list[tuple[int, str]] = []
        self.tables: list[Table] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.lang: str | None = None
        self.style = ""
        self.chunks: list[str] = []
        self._heading: list[str] | None = None
        self._level = 0
        self._stack: list[Table] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {k: v or "" for k, v in attrs}
        for key, value in values.items():
            self.attributes.append((tag, key, value))
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "style":
            self._in_style = True
        if match := HEADING.match(tag):
            self._level, self._heading = int(match.group(1)), []
        if tag == "table":
            self._stack.append(Table())
        elif self._stack and tag == "caption":
            self._stack[-1].in_caption = True
        elif self._stack and tag == "tr":
            self._row = []
        elif self._stack and tag in ("th", "td"):
            self._cell = []
            if tag == "th":
                self._stack[-1].headers.append({"scope": values.get("scope")})
        if tag in ("br", "p", "li", "td", "th", "dd", "dt", "tr", "caption"):
            self.chunks.append(" ")
        if tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if HEADING.match(tag) and self._heading is not None:
            self.headings.append((self._level, " ".join("".join(self._heading).split())))
            self._heading = None
        if not self._stack:
            return
        table = self._stack[-1]
        if tag == "caption":
            table.in_caption = False
        elif tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self.tables.append(self._stack.pop())
        if tag in ("td", "th", "p", "li", "dd", "caption"):
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
            return
        self.chunks.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._stack and self._stack[-1].in_caption:
            self._stack[-1].caption += data
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())

    def table(self, caption_start: str) -> Table:
        found = [t for t in self.tables if t.caption.strip().startswith(caption_start)]
        assert len(found) == 1, [t.caption for t in self.tables]
        return found[0]


def norm(text: str) -> str:
    return " ".join(text.split())


def run(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, list(args), env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {result.exception!r}")
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def written(path: Path) -> dict[str, Any]:
    """The artifact as written: BaseLoader keeps every scalar as its source text (`0.860`, `1.00`)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def numbers_of(data: dict[str, Any]) -> list[str]:
    """Every value of the evidence, rejected-alternative and competition rows as written."""
    found = []
    for row in data.get("evidence") or []:
        found += [row[key] for key in ("value", "baseline", "n") if row.get(key) not in (None, "", "null")]
    for row in data.get("competition") or []:
        found += [row[key] for key in ("score", "n") if row.get(key) not in (None, "", "null")]
    for row in data.get("rejected_alternatives") or []:
        found += [value for value in (row.get("results") or {}).values() if value not in (None, "", "null")]
    return [norm(value) for value in found]


def assert_accessible_structure(page: Page) -> None:
    assert page.html.lstrip().lower().startswith("<!doctype html>")
    assert page.lang == "en"
    levels = [level for level, _ in page.headings]
    assert levels and levels[0] == 1 and levels.count(1) == 1, page.headings
    for before, after in pairwise(levels):
        assert after <= before + 1, f"heading skips a level: {page.headings}"
    assert all(text for _, text in page.headings)
    assert page.tables, "every page shows at least one table"
    for table in page.tables:
        assert table.caption.strip(), "a table without <caption>"
        assert table.headers, f"table `{table.caption}` has no <th>"
        assert all(h["scope"] in ("col", "row") for h in table.headers), table.caption
        assert table.rows and len({len(row) for row in table.rows}) == 1, f"ragged table `{table.caption}`"


def assert_self_contained(page: Page) -> None:
    assert "script" not in page.tags
    for tag, attribute, value in page.attributes:
        assert not attribute.startswith("on"), f"event handler <{tag} {attribute}>"
        loads = attribute in ASSET_ATTRIBUTES or (attribute == "href" and tag in ASSET_HREF_TAGS)
        if loads:
            assert not re.match(r"\s*(https?:)?//", value, re.I), f"external asset <{tag} {attribute}={value}>"
        if attribute == "href":
            assert not value.lower().startswith("javascript:")
    assert "url(" not in page.style and "@import" not in page.style
    assert "@media print" in page.style


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site for this repository's own artifacts/."""
    out = tmp_path_factory.mktemp("own") / "site"
    mp = pytest.MonkeyPatch()
    try:
        code, stdout, stderr = run(ROOT, "site", "--out", str(out), monkeypatch=mp)
    finally:
        mp.undo()
    assert code == 0, stderr
    assert "wrote 5 page(s)" in stdout
    return out


def page_of(site: Path, artifact_id: str | None = None) -> Page:
    path = site / "index.html" if artifact_id is None else site / "artifacts" / artifact_id / "index.html"
    return Page(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- our own artifacts


def test_own_artifacts_are_the_four_real_ones() -> None:
    assert len(OWN) == 4


def test_index_lists_every_artifact_with_state_value_headline_and_blockers(own_site: Path) -> None:
    page = page_of(own_site)
    assert_accessible_structure(page)
    assert_self_contained(page)
    table = page.table("Published artifacts")
    assert table.rows[0] == ["Artifact", "Type", "State", "Public value", "Headline (before → after)", "Blockers"]
    rows = {row[0]: row for row in table.rows[1:]}
    assert sorted(rows) == sorted(path.stem for path in OWN)
    for path in OWN:
        data = written(path)
        row = rows[data["id"]]
        assert row[1] == norm(data["type"])
        assert data["state"] in row[2]  # the state as text, not only as a colour
        assert row[3] == norm(data["public_value"])
        assert row[5].split()[0] == str(len(data["blockers"]))
        with_baseline = [r for r in data["evidence"] if r.get("baseline")]
        if with_baseline:
            assert with_baseline[0]["baseline"] in row[4] and with_baseline[0]["value"] in row[4]
            assert row[4].index(with_baseline[0]["baseline"]) < row[4].index(with_baseline[0]["value"])
        else:
            assert "no before/after measured" in row[4]
    links = {value for tag, attribute, value in page.attributes if tag == "a" and attribute == "href"}
    for path in OWN:
        assert f"artifacts/{path.stem}/index.html" in links
        assert (own_site / "artifacts" / path.stem / "index.html").is_file()


def test_headline_is_the_first_evidence_row_with_a_baseline(own_site: Path) -> None:
    row = next(r for r in page_of(own_site).table("Published artifacts").rows if r[0] == "qwen3-4b-file-ops-distilled")
    assert row[4].startswith("0.58 → to 1.00 File-ops hard gate")


@pytest.mark.parametrize("path", OWN, ids=[p.stem for p in OWN])
def test_detail_page_shows_every_number_blocker_and_label(own_site: Path, path: Path) -> None:
    data = written(path)
    page = page_of(own_site, data["id"])
    assert_accessible_structure(page)
    assert_self_contained(page)
    text = page.text
    assert page.headings[0] == (1, data["id"])
    sections = [heading for level, heading in page.headings if level == 2]
    assert sections[:8] == ["Public value", "What can be published now", "Evidence", "Competitive context",
                            "Blockers", "Provenance", "Next release action", "Surface"]
    for key in ("public_value", "publishable_now", "next_release_action", "type"):
        assert norm(data[key]) in text, key
    for key in ("source", "evaluation", "readiness"):
        assert norm(data["provenance"][key]) in text
    assert data["state"] in text
    for number in numbers_of(data):
        assert number in text, number
    for blocker in data["blockers"]:
        for key in ("blocker", "why", "unblock"):
            assert norm(blocker[key]) in text
    if data["blockers"]:
        blockers = page.table("Release blockers")
        assert blockers.rows[0] == ["Blocker", "Why", "Unblock action"]
        assert [row[0] for row in blockers.rows[1:]] == [norm(b["blocker"]) for b in data["blockers"]]
    for item in data.get("surface") or []:
        assert item in text
    if data.get("website"):
        assert data["website"] in text
    if data["evidence"]:
        evidence = page.table("Measured evidence")
        assert evidence.rows[0][:3] == ["Gate", "Before", "After"]
        assert len(evidence.rows) == len(data["evidence"]) + 1
        for row, source in zip(evidence.rows[1:], data["evidence"], strict=True):
            assert row[0] == norm(source["gate"])
            assert row[2] == norm(source["value"])
            if source.get("baseline"):
                assert row[1].startswith(source["baseline"])
    if data["competition"]:
        competition = page.table("Competitive context")
        assert len(competition.rows) == len(data["competition"]) + 1
        for row, source in zip(competition.rows[1:], data["competition"], strict=True):
            assert row[0].startswith(norm(source["system"]))
            assert row[2] == norm(source["score"])
            assert row[3].startswith(source["label"])
            assert (CONTEXT_MARK in row[3]) == (source["label"] != "Direct"), row


def test_detail_page_draws_one_svg_bar_per_numeric_evidence_row(own_site: Path) -> None:
    html = (own_site / "artifacts" / "qwen3-4b-file-ops-distilled" / "index.html").read_text()
    bars = re.findall(r'<svg class="bar".*?</svg>', html, re.S)
    assert len(bars) == 3
    assert 'aria-label="Before 0.58, after 1.00, on a 0 to 100% scale"' in bars[0]
    widths = [float(w) for w in re.findall(r'width="([\d.]+)" height="12" fill="#(?:666666|1f4e8c)"', bars[0])]
    assert widths == [pytest.approx(116.0), pytest.approx(200.0)]
    sql = page_of(own_site, "qwen06-sql-routed-v1")
    assert "no bar: not a single number" in sql.text  # "64 public / 50 synthetic"


def test_non_direct_rows_are_marked_on_our_sql_page(own_site: Path) -> None:
    rows = page_of(own_site, "qwen06-sql-routed-v1").table("Competitive context").rows[1:]
    marked = [row[0] for row in rows if CONTEXT_MARK in row[3]]
    assert marked == ["Defog SQLCoder-7B-2", "Arctic-Text2SQL-R1-7B", "Arctic-Text2SQL-R1-14B / 32B"]
    for label in ("Direct", "Directional", "Not comparable"):
        assert any(row[3].startswith(label) for row in rows)


def test_rendering_is_deterministic(own_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, _ = run(ROOT, "site", "--out", str(tmp_path / "again"), monkeypatch=monkeypatch)
    assert code == 0
    for page in own_site.rglob("*.html"):
        assert (tmp_path / "again" / page.relative_to(own_site)).read_bytes() == page.read_bytes()


# --------------------------------------------------------------------------- untrusted data


def test_user_data_is_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / GEMMA
    text = path.read_text()
    text = text.replace("public_value: >-\n  A routed invoice-field adapter:",
                        "public_value: >-\n  <script>alert('x')</script> A routed invoice-field adapter:")
    text = text.replace("readout: The public high bar for the lane, not a comparison.",
                        'readout: \'<img src=x onerror="alert(1)"> "quoted" & more\'')
    path.write_text(text)
    code, _, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 0, stderr
    for html_path in (root / "site" / "index.html",
                      root / "site" / "artifacts" / "gemma-2b-invoice-fields" / "index.html"):
        html = html_path.read_text()
        page = Page(html)
        assert_self_contained(page)
        assert "img" not in page.tags
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "<script>alert('x')</script> A routed invoice-field adapter:" in page.text
    detail = (root / "site" / "artifacts" / "gemma-2b-invoice-fields" / "index.html").read_text()
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &#34;quoted&#34; &amp; more" in detail


# --------------------------------------------------------------------------- fail closed


def test_an_artifact_in_error_gets_no_page_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    out = root / "site"
    assert run(root, "site", "--out", "site", monkeypatch=monkeypatch)[0] == 0
    assert (out / "artifacts" / "gemma-2b-invoice-fields" / "index.html").is_file()  # from the earlier build
    path = root / GEMMA
    path.write_text(path.read_text().replace("state: candidate-current-best", "state: reportonly"))

    code, stdout, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)

    assert code == 1
    assert "no page for `gemma-2b-invoice-fields`" in stderr
    assert f"AL101 {GEMMA}:3:8: [error] state `reportonly` is not a policy state" in stderr
    assert "1 artifact(s) withheld" in stdout
    assert not (out / "artifacts" / "gemma-2b-invoice-fields").exists(), "the stale page must go"
    for other in ("mistral-7b-ticket-triage", "terminal-replay"):
        assert (out / "artifacts" / other / "index.html").is_file()
    index = (out / "index.html").read_text()
    assert "gemma-2b-invoice-fields" not in index
    assert "mistral-7b-ticket-triage" in index and "terminal-replay" in index
    # The registry document now disagrees with the file (AL601), which blocks no page.
    assert "docs/factory/public-artifacts.md" in stderr and "block no page" in stderr


def test_a_baselined_artifact_gets_its_page_with_its_known_issues(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / GEMMA
    path.write_text(path.read_text().replace("state: candidate-current-best", "state: reportonly"))
    assert run(root, "check", "--write-baseline", "baseline.json", monkeypatch=monkeypatch)[0] == 0

    code, stdout, _ = run(root, "site", "--out", "site", "--baseline", "baseline.json", monkeypatch=monkeypatch)

    assert code == 0, stdout
    page = (root / "site" / "artifacts" / "gemma-2b-invoice-fields" / "index.html").read_text()
    assert 'id="known-issues"' in page and "AL101" in page and "reportonly" in page
    clean_page = (root / "site" / "artifacts" / "terminal-replay" / "index.html").read_text()
    assert 'id="known-issues"' not in clean_page
    code, stdout, _ = run(root, "export", "--baseline", "baseline.json", monkeypatch=monkeypatch)
    exported = {a["id"]: a for a in json.loads(stdout)["artifacts"]}
    assert code == 0 and exported["gemma-2b-invoice-fields"]["publishable"]
    assert [i["code"] for i in exported["gemma-2b-invoice-fields"]["known_issues"]] == ["AL101"]
    # without the baseline the same error withholds the page
    assert run(root, "export", monkeypatch=monkeypatch)[0] == 1
    # a new error beyond the baseline still withholds it
    path.write_text(path.read_text().replace("label: Direct", "label: direct", 1))
    assert run(root, "export", "--baseline", "baseline.json", monkeypatch=monkeypatch)[0] == 1


def test_document_mode_publishes_the_document_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository whose registry is the Markdown document alone: its entries are the
    site's artifacts, withheld for their errors until a baseline accepts them."""
    root = build_fixture_repo(tmp_path)
    for path in (root / "artifacts").iterdir():
        path.unlink()
    code, _, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 1 and "no page for `terminal-replay` (docs/factory/public-artifacts.md)" in stderr
    assert run(root, "check", "--write-baseline", "baseline.json", monkeypatch=monkeypatch)[0] == 0

    code, stdout, _ = run(root, "site", "--out", "site", "--baseline", "baseline.json", monkeypatch=monkeypatch)

    assert code == 0, stdout
    pages = sorted(p.parent.name for p in (root / "site" / "artifacts").glob("*/index.html"))
    assert pages == ["gemma-2b-invoice-fields", "mistral-7b-ticket-triage", "terminal-replay"]
    page = (root / "site" / "artifacts" / "terminal-replay" / "index.html").read_text()
    assert 'id="known-issues"' in page and "AL301" in page  # its own findings, not the others'
    assert "gemma-2b-invoice-fields" not in page.split('id="known-issues"')[1]


def test_unparseable_artifact_is_withheld(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "artifacts" / "broken.yaml").write_text("id: broken\nstate: [unclosed\n")
    code, _, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 1
    assert "no page for `broken` (artifacts/broken.yaml)" in stderr and "AL001 artifacts/broken.yaml:" in stderr
    assert not (root / "site" / "artifacts" / "broken").exists()
    assert len(list((root / "site" / "artifacts").iterdir())) == 3


def test_fail_on_warning_withholds_an_artifact_with_a_warning(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / GEMMA
    path.write_text(path.read_text() + "datasets:\n  - name: invoices\n")  # AL507 (warning)
    assert run(root, "site", "--out", "site", monkeypatch=monkeypatch)[0] == 0
    code, _, stderr = run(root, "site", "--out", "site", "--fail-on", "warning", monkeypatch=monkeypatch)
    assert code == 1 and "AL507" in stderr
    assert not (root / "site" / "artifacts" / "gemma-2b-invoice-fields").exists()


def test_a_package_finding_blocks_the_artifact_that_names_the_package(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    decision = root / "specialists" / "mistral-7b-ticket-triage" / "decision.json"
    decision.write_text(decision.read_text().replace('["eval_report.json"]', '["missing.json"]'))  # AL404
    code, _, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 1
    assert "no page for `mistral-7b-ticket-triage`" in stderr and "AL404 specialists/" in stderr
    assert not (root / "site" / "artifacts" / "mistral-7b-ticket-triage").exists()
    assert (root / "site" / "artifacts" / "gemma-2b-invoice-fields" / "index.html").is_file()


def test_findings_that_belong_to_no_artifact_block_no_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "specialists" / "orphan").mkdir()
    (root / "specialists" / "orphan" / "README.md").write_text("no decision\n")  # AL401 error, AL405
    doc = root / "docs" / "factory" / "public-artifacts.md"
    doc.write_text(doc.read_text().replace("| `parked` |", "| `blocked` |"))  # AL601 error
    code, stdout, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 0, stderr
    assert "wrote 4 page(s)" in stdout
    assert "block no page" in stderr and "specialists/orphan" in stderr
    assert run(root, "check", monkeypatch=monkeypatch)[0] == 1  # `check` still gates them


@pytest.mark.parametrize("out", [".", "artifacts", "artifacts/site", ".."])
def test_out_may_not_overwrite_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str) -> None:
    root = build_fixture_repo(tmp_path)
    code, _, stderr = run(root, "site", "--out", out, monkeypatch=monkeypatch)
    assert code == 2 and "--out" in stderr


# --------------------------------------------------------------------------- writes stay in --out (issue 15)


def _outside_folder(tmp_path: Path) -> Path:
    """A folder outside the repository with a page of its own: nothing may touch it."""
    outside = tmp_path / "outside"
    (outside / "proj").mkdir(parents=True)
    (outside / "proj" / "index.html").write_text("theirs\n")
    (outside / "index.html").write_text("theirs too\n")
    return outside


def _untouched(outside: Path) -> None:
    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*")) == [
        "index.html", "proj", "proj/index.html"]
    assert (outside / "proj" / "index.html").read_text() == "theirs\n"
    assert (outside / "index.html").read_text() == "theirs too\n"


def test_a_pages_folder_linked_outside_is_refused_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    outside = _outside_folder(tmp_path)
    (root / "site").mkdir()
    (root / "site" / "artifacts").symlink_to(outside)
    code, stdout, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 2 and "internal error" not in stderr
    assert stderr.strip() == ("artifact-lint: error: site folder `site/artifacts` leads outside the output folder"
                              " `site` through a link; nothing was written or removed")
    _untouched(outside)
    assert not (root / "site" / "index.html").exists()  # checked before anything was written


def test_a_page_folder_linked_outside_is_refused_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    outside = _outside_folder(tmp_path)
    (root / "site" / "artifacts").mkdir(parents=True)
    (root / "site" / "artifacts" / "terminal-replay").symlink_to(outside)
    code, _, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 2
    assert stderr.strip() == ("artifact-lint: error: page `site/artifacts/terminal-replay/index.html` leads outside"
                              " the output folder `site` through a link; nothing was written there")
    _untouched(outside)
    assert list((root / "site" / "artifacts").iterdir()) == [root / "site" / "artifacts" / "terminal-replay"]


def test_a_stale_page_link_is_removed_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    outside = _outside_folder(tmp_path)
    (root / "site" / "artifacts").mkdir(parents=True)
    (root / "site" / "artifacts" / "proj").symlink_to(outside / "proj")  # no artifact `proj`: stale
    code, _, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 0, stderr
    assert not os.path.lexists(root / "site" / "artifacts" / "proj")
    _untouched(outside)


def test_a_page_link_inside_the_output_folder_is_written_through(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    pages = root / "site" / "artifacts" / "terminal-replay"
    pages.mkdir(parents=True)
    (root / "site" / "kept.html").write_text("old")
    (pages / "index.html").symlink_to("../../kept.html")
    code, _, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 0, stderr
    assert (pages / "index.html").is_symlink() and "terminal-replay" in (root / "site" / "kept.html").read_text()


@pytest.mark.parametrize("thing", ["folder", "pipe"])
def test_a_page_that_is_not_a_file_is_refused_by_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       thing: str) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "site").mkdir()
    if thing == "folder":
        (root / "site" / "index.html").mkdir()
    else:
        os.mkfifo(root / "site" / "index.html")
    code, _, stderr = run(root, "site", "--out", "site", monkeypatch=monkeypatch)
    assert code == 2 and "page `site/index.html` is not a regular file" in stderr
    assert not (root / "site" / "artifacts").exists()


def test_export_output_is_checked_like_check_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "out").mkdir()
    code, stdout, stderr = run(root, "export", "-o", "out", monkeypatch=monkeypatch)
    assert code == 2 and stderr.strip() == ("artifact-lint: error: output file `out` is not a regular file"
                                            " (it is a folder); nothing was written")
    outside = tmp_path / "outside.json"
    (root / "index.json").symlink_to(outside)
    code, _, stderr = run(root, "export", "-o", "index.json", monkeypatch=monkeypatch)
    assert code == 2 and "leads outside the repository root" in stderr and not outside.exists()


# --------------------------------------------------------------------------- export


def test_export_json_structure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, _ = run(ROOT, "export", "--format", "json", monkeypatch=monkeypatch)
    assert code == 0
    document = json.loads(stdout)
    assert document["version"] == 1
    assert set(document) >= {"version", "tool", "generated_from", "artifacts"}
    assert document["generated_from"]["paths"] == ["artifacts"]
    assert document["generated_from"]["files"] == [p.relative_to(ROOT).as_posix() for p in OWN]
    ids = [entry["id"] for entry in document["artifacts"]]
    assert ids == [p.stem for p in OWN]
    for entry, path in zip(document["artifacts"], OWN, strict=True):
        assert entry["publishable"] is True and entry["blocking"] == []
        assert entry["page"] == f"artifacts/{path.stem}/index.html"
        assert set(entry["findings"]) == {"error", "warning", "info"}
        assert all(isinstance(n, int) for n in entry["findings"].values())
        source = yaml.safe_load(path.read_text())
        assert entry["data"]["id"] == source["id"] and entry["data"]["state"] == source["state"]
        assert len(entry["data"]["evidence"]) == len(source["evidence"])
        assert entry["display"]["blocker_count"] == len(source["blockers"])
    sql = document["artifacts"][ids.index("qwen06-sql-routed-v1")]
    assert sql["findings"] == {"error": 0, "warning": 2, "info": 1}
    assert [row["context"] for row in sql["display"]["competition"]] == [False, False, True, True, True]
    assert sql["display"]["evidence"][1]["after"] == "0.860"  # as written, not 0.86
    assert sql["data"]["competition"][0]["self"] is True  # aliases kept
    file_ops = document["artifacts"][ids.index("qwen3-4b-file-ops-distilled")]
    assert file_ops["display"]["headline"] == {"gate": "File-ops hard gate", "before": "0.58", "after": "1.00",
                                               "baseline_name": "Stock Qwen3-4B"}
    assert file_ops["data"]["performance"]["latency_ms"] is None  # set to null in the file, so kept


def test_export_of_a_broken_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / GEMMA
    path.write_text(path.read_text().replace("state: candidate-current-best", "state: reportonly"))
    code, stdout, stderr = run(root, "export", "-o", "out/index.json", monkeypatch=monkeypatch)
    assert code == 1 and stdout == "" and "AL101" in stderr
    document = json.loads((root / "out" / "index.json").read_text())
    entries = {entry["id"]: entry for entry in document["artifacts"]}
    gemma = entries["gemma-2b-invoice-fields"]
    assert gemma["publishable"] is False and gemma["page"] is None
    assert gemma["findings"]["error"] == 1
    assert [(b["code"], b["line"], b["column"]) for b in gemma["blocking"]] == [("AL101", 3, 8)]
    assert entries["terminal-replay"]["publishable"] is True


# --------------------------------------------------------------------------- bars


def test_bar_scales() -> None:
    assert bar(0.58, 1.00) == {"scale": "percent", "before": 0.58, "after": 1.0}
    assert bar(None, "58%") == {"scale": "percent", "before": None, "after": 0.58}
    assert bar("59.6%", 0.423) == {"scale": "percent", "before": 0.596, "after": 0.423}
    assert bar(240, 120) == {"scale": "relative", "before": 1.0, "after": 0.5}
    assert bar(None, "64 public / 50 synthetic") is None
    assert bar(None, "77.1-96%") is None
    assert bar(None, "n/a") is None
    assert bar(0, 0) == {"scale": "percent", "before": 0.0, "after": 0.0}
    assert bar(None, "+150%") == {"scale": "percent", "before": None, "after": 1.0}  # clamped


# --------------------------------------------------------------------------- a real browser


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _png_is_not_blank(data: bytes) -> bool:
    """Many distinct byte values in the decompressed pixels: the page drew something."""
    offset, idat = 8, b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            idat += data[offset + 8:offset + 8 + length]
        offset += 12 + length
    return len(set(zlib.decompress(idat))) > 16


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={tmp / 'profile'}", *args]
    env = {**os.environ, "HOME": str(tmp)}
    return subprocess.run(command, capture_output=True, text=True, timeout=180, env=env,
                          stdin=subprocess.DEVNULL)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed")
@pytest.mark.parametrize("artifact_id", [None, "qwen06-sql-routed-v1"], ids=["index", "detail"])
def test_the_site_renders_in_headless_chromium(own_site: Path, tmp_path: Path, artifact_id: str | None) -> None:
    page = own_site / "index.html" if artifact_id is None else own_site / "artifacts" / artifact_id / "index.html"
    url = page.as_uri()

    dumped = chromium(tmp_path, "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = Page(dumped.stdout)
    assert dom.tables and all(table.caption and table.headers for table in dom.tables)
    assert "script" not in dom.tags
    text = dom.text
    sources = OWN if artifact_id is None else [ROOT / "artifacts" / f"{artifact_id}.yaml"]
    for path in sources:
        data = written(path)
        assert data["state"] in text
        if artifact_id is None:
            assert data["id"] in text and norm(data["public_value"]) in text
            continue
        for number in numbers_of(data):
            assert number in text, number
        for blocker in data["blockers"]:
            assert norm(blocker["blocker"]) in text and norm(blocker["unblock"]) in text
        for row in data["competition"]:
            assert row["label"] in text
        competition = dom.table("Competitive context")
        assert all((CONTEXT_MARK in row[3]) == (re.match(r"Direct\b", row[3]) is None) for row in competition.rows[1:])
        assert len(re.findall(r"<svg\b", dumped.stdout)) == 3  # the bars survive the DOM

    shot = tmp_path / "x.png"
    taken = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", url)
    assert taken.returncode == 0, taken.stderr[-2000:]
    data = shot.read_bytes()
    assert _png_size(data) == (1200, 1600)
    assert len(data) > 20_000 and _png_is_not_blank(data)
