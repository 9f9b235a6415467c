"""A release reviewer's verdicts on the real upstream factory repository.

The upstream tree (`../shared/corpus/upstream-tree@174cd32/`) and the two older versions
of its registry document are checked the way the factory would check them: in a `git
init`ed copy, `artifact-lint check` with no arguments (document mode: the repository has
no artifact metadata files) and `artifact-lint check docs/factory/public-artifacts.md`.

Every finding either run gives must have a verdict below, and every verdict must name
the words of the document that justify it (short fragments, checked to be in the
document, so a verdict cannot outlive the text it rests on). A "true" verdict must be
reported; a finding without a verdict fails the test, so nothing unreviewed slips in.
`FALSE` lists what a careful reviewer calls false on these files: none may be reported.

The older versions exist only as documents; their copies get the package folders their
surface names from the tree, as the repository had them.

Public copy beyond the document (artifact-format §7) is judged too: a verdict about a
sentence of a model card, an eval report or the package index names that file and line
(`subject` is the artifact, `field` is `path:line`), and its words are checked in that file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import shared_dir
from test_cli import cli

DOC = "docs/factory/public-artifacts.md"
VERSIONS = ["00a7e3f", "b1d8637", "174cd32"]
TREE = "upstream-tree@174cd32"


@dataclass(frozen=True)
class Verdict:
    code: str
    subject: str  # the artifact id, or the path for findings about a folder or file
    field: str | None  # the finding's field path (None: about the whole subject)
    verdict: str  # "true" or "debatable"
    because: tuple[str, ...]  # fragments of the document (or of `field`'s file) that justify the verdict


@dataclass(frozen=True)
class Wrong:
    """A class of finding a reviewer calls false: no finding may match it."""

    code: str
    subject: str | None
    field: str | None
    because: tuple[str, ...]


def _true(code: str, subject: str, field: str | None, *because: str) -> Verdict:
    return Verdict(code, subject, field, "true", because)


def _debatable(code: str, subject: str, field: str | None, *because: str) -> Verdict:
    return Verdict(code, subject, field, "debatable", because)


# Said of every entry: the document's own release rule asks each entry for "what can be
# published now", and its list table has no such column. True of the letter of the rule,
# debatable as a reviewer reads it (the state says what may be released).
def _publishable(ids: list[str]) -> list[Verdict]:
    return [_debatable("AL002", i, "publishable_now", "what can be published now", f"`{i}`") for i in ids]


CARD = "specialists/pace-intent-router-v8/model_card.md"
REPORT = "specialists/pace-intent-router-v8/eval_report.json"
LOCK = "specialists/pace-intent-router-v8/tinygpt.lock.json"
SQL = "qwen06-sql-routed-v1"
FILE_OPS = "qwen3-4b-file-ops-distilled"
SCHEMA = "factory-run-schema-v1"
PLAYGROUND = "browser-playground"
ROUTER = "pace-intent-router-v8"
REST = "qwen3-4b-rest-fused"
MULTI = "qwen3-4b-multibackend-distilled"
MLX = "vibethinker-3b-mlx"
AGENTIC = "vibethinker-3b-agentic-distilled"
ARCHIVE = "hf-specialist-model-archive-v1"

# Two entries every version lists in its table and never details: no evidence, blockers,
# comparison or provenance.
_LISTED_ONLY = [
    _true("AL002", SCHEMA, "competition", "`factory-run-schema-v1` | Process artifact"),
    _true("AL002", SCHEMA, "provenance", "`factory-run-schema-v1` | Process artifact"),
    _true("AL103", SCHEMA, "evidence", "`factory-run-schema-v1` | Process artifact | `report-only`"),
    _true("AL301", SCHEMA, "blockers", "`factory-run-schema-v1` | Process artifact | `report-only`"),
    _true("AL002", PLAYGROUND, "competition", "`browser-playground` | Demo artifact"),
    _true("AL002", PLAYGROUND, "provenance", "`browser-playground` | Demo artifact"),
    _true("AL301", PLAYGROUND, "blockers", "`browser-playground` | Demo artifact | `parked`"),
]

# Verdicts shared by the two older versions (their first four entries are the same).
_OLDER = [
    *_publishable([FILE_OPS, SQL, SCHEMA, PLAYGROUND]),
    _true("AL002", FILE_OPS, "competition", "| Gate | Stock | Specialist |"),  # only its own baseline
    _true("AL002", FILE_OPS, "provenance", "### `qwen3-4b-file-ops-distilled`"),  # no prose: tables only
    _true("AL506", FILE_OPS, "performance", "publish/host the multi-GB fused weights"),
    _true("AL401", f"specialists/{FILE_OPS}", None, f"`specialists/{FILE_OPS}/model_card.md`"),
    *_LISTED_ONLY,
]

VERDICTS: dict[str, list[Verdict]] = {
    "00a7e3f": _OLDER,
    "b1d8637": [
        *_OLDER,
        _true("AL101", SQL, "state", "Status: `report-ready-candidate`"),
    ],
    "174cd32": [
        *_publishable([ROUTER, FILE_OPS, REST, MULTI, MLX, AGENTIC, ARCHIVE, SQL, SCHEMA, PLAYGROUND]),
        _true("AL101", SQL, "state", "Status: `report-ready-candidate`"),
        # the evidence table puts three other systems beside the router, with no label
        _true("AL002", ROUTER, "competition[0].label", "| Gate | Pace v8 | Qwen3 4B | Apple FM | Frontier |"),
        # its package has no decision record, and the entry records a rejection
        _true("AL401", f"specialists/{ROUTER}", None, "production decision: `reject-production-winner`"),
        _true("AL401", f"specialists/{FILE_OPS}", None, f"`specialists/{FILE_OPS}/model_card.md`"),
        _true("AL401", f"specialists/{REST}", None, f"`specialists/{REST}/model_card.md`"),
        _true("AL002", FILE_OPS, "competition", "| Gate | Stock | Specialist |"),
        _true("AL506", FILE_OPS, "performance", f"`https://huggingface.co/posttrainllm/{FILE_OPS}`"),
        _true("AL002", REST, "competition", "| Gate | Stock | ReST candidate |"),
        _true("AL002", MULTI, "competition", "| Attempt | File-ops depth | Out-of-domain breadth | Decision |"),
        _true("AL301", MULTI, "blockers", "Status: `report-only`; model decision: `reject`"),
        _true("AL506", MULTI, "performance", f"`https://huggingface.co/posttrainllm/{MULTI}`"),
        _true("AL002", MLX, "competition", "Status: `report-only`; artifact decision: `conversion-only`"),
        _true("AL506", MLX, "performance", f"`https://huggingface.co/posttrainllm/{MLX}`"),
        _true("AL002", AGENTIC, "competition", "Status: `blocked`; model decision: `inconclusive`"),
        _true("AL103", AGENTIC, "evidence", "does not preserve a"),
        _true("AL506", AGENTIC, "performance", f"`https://huggingface.co/posttrainllm/{AGENTIC}`"),
        _true("AL002", ARCHIVE, "competition", "| Local cache | HF repo | Status | Evidence / readout |"),
        *_LISTED_ONLY,
        # public copy (artifact-format §7): the router's model card, eval report and lock file, and
        # its package-index headline, against the rows its evidence table gives (no labels)
        _true("AL202", ROUTER, f"{CARD}:171", "also beats Apple Foundation Models"),  # on another slice
        _true("AL202", ROUTER, f"{CARD}:24", "does **not** survive"),  # disclaimed: a warning
        _true("AL202", ROUTER, f"{CARD}:70", "Head-to-head vs Qwen3-4B-Instruct"),
        _true("AL202", ROUTER, f"{CARD}:74", "**+10.8 pp**"),  # 14,995 rows against a 997-row sample
        _true("AL202", ROUTER, f"{CARD}:76", "**77x faster**"),
        _true("AL202", ROUTER, f"{CARD}:77", "**4x smaller**"),
        _true("AL202", ROUTER, f"{CARD}:95", "+10.8 pp over Qwen3-4B"),
        _debatable("AL202", ROUTER, f"{CARD}:80", "(v8 vs v5 vs Qwen3-4B)"),  # a table's title
        _true("AL203", ROUTER, f"{CARD}:98", "**77x faster**: 3.1ms vs 240ms"),  # over Qwen, unnamed
        _true("AL203", ROUTER, f"{CARD}:176", "it's faster (3ms vs 1600ms)"),  # over Apple FM, unnamed
        _debatable("AL203", ROUTER, f"{CARD}:100", "vs Qwen's"),  # names Qwen, not as its row does
        _debatable("AL203", ROUTER, f"{CARD}:104", "slightly outperforms v8"),  # its own checkpoints
        _debatable("AL203", ROUTER, f"{CARD}:170", "could beat the rules"),  # a rule-based baseline
        _debatable("AL203", ROUTER, f"{CARD}:191", "(33.3% vs 93.4%"),  # two classes of another model
        _true("AL202", ROUTER, f"{REPORT}:95", "despite lower measured accuracy (76.5% vs 95.5%)"),
        _debatable("AL203", ROUTER, f"{REPORT}:60", "(33.3% vs 93.4%)"),
        _debatable("AL203", ROUTER, f"{REPORT}:79", "but beats it on every class"),  # about the vendor
        _true("AL203", ROUTER, f"{REPORT}:84", "4x smaller"),  # its key names the row, the text does not
        _debatable("AL203", ROUTER, f"{LOCK}:80", "slightly outperforms v8"),
        _true("AL202", ROUTER, "packages[0].headline.vs_apple_fm_accuracy_pp", "| Apple FM |"),
        _true("AL202", ROUTER, "packages[0].headline.vs_apple_fm_latency_speedup", "| Apple FM |"),
        _true("AL202", ROUTER, "packages[0].headline.vs_qwen3_4b_accuracy_pp", "| Qwen3 4B |"),
        _true("AL202", ROUTER, "packages[0].headline.vs_qwen3_4b_latency_speedup", "| Qwen3 4B |"),
        # headline figures the registry's rows do not hold: its unknown recall is 55.6%, its latency 3.8ms mean
        _true("AL206", ROUTER, "packages[0].headline.unknown_class_accuracy", "| Sealed V1 unknown recall | 55.6% |"),
        _true("AL206", ROUTER, "packages[0].headline.latency_p50_ms", "| Mean warm latency | 3.8ms |"),
    ],
}

# What a reviewer calls false on these files (artifact-format §1.1, §4, §6.1).
FALSE: list[Wrong] = [
    Wrong("", "artifacts/design/design-review.json", None, ()),  # a design review, not artifact metadata
    Wrong("AL601", None, None, ()),  # no metadata file at all: nothing to drift from
    Wrong("AL405", None, None, ("- `specialists/",)),  # each package is named by its entry's surface
    Wrong("AL502", FILE_OPS, None, ("HF staging command:",)),  # a shell command, not a path
    Wrong("AL101", ROUTER, None, ("| `release-ready-weights` |",)),  # the document declares the state
    Wrong("AL101", FILE_OPS, None, ("| `release-ready-weights` |",)),
    Wrong("AL101", REST, None, ("| `release-ready-weights` |",)),
    Wrong("AL602", None, None, ("| `release-ready-weights` |",)),  # the built-in policy has it too
    Wrong("AL205", SQL, None, ("| Current local candidate. |",)),  # its own row needs no gate
    Wrong("AL204", SQL, None, ("+4.7 points",)),  # 0.531 - 0.484 on the public exact slice
    Wrong("AL103", MLX, None, ("scored 40/40",)),  # evidence stated in prose
    Wrong("AL002", MLX, "evidence", ("scored 40/40",)),
    Wrong("AL103", ARCHIVE, None, ("Evidence / readout",)),  # evidence in a readout table
    Wrong("AL002", ARCHIVE, "evidence", ("Evidence / readout",)),
    Wrong("AL506", ROUTER, None, ("| Mean warm latency | 3.8ms |",)),  # latency in the evidence table
    Wrong("AL506", REST, None, ("did not preserve latency",)),  # says it was not recorded
    Wrong("AL002", ROUTER, "provenance", ("zero normalized exact overlap",)),  # told in prose
    Wrong("AL002", REST, "provenance", ("Release decision: ship",)),
    Wrong("AL002", MLX, "provenance", ("This is an MLX conversion",)),
    Wrong("AL002", MULTI, "provenance", ("This is a negative-transfer case study.",)),
    Wrong("AL002", ARCHIVE, "provenance", ("Purpose: public storage index",)),
    Wrong("AL002", SQL, "provenance", ("`cssupport/t5-small-awesome-text-to-sql` is the direct",)),
    Wrong("AL002", None, "evidence", ()),  # AL103 speaks for absent evidence (one defect, one finding)
    Wrong("AL002", None, "blockers", ()),  # AL301 speaks for absent blockers
    Wrong("AL102", None, None, ()),  # the package rules speak for packages without a ship decision
    Wrong("AL2", FILE_OPS, None, ("58% -> 100%",)),  # before/after wording, not a win claim
    Wrong("AL2", REST, None, ("65% vs stock 59.6%",)),
]
# Honest before/after wording of the Hugging Face cards: no finding at all about them.
HUB_CARDS = ("docs/hf-cards/qwen3-4b-file-ops-distilled.md", "docs/hf-cards/qwen3-4b-rest-fused.md")


# --------------------------------------------------------------------------- the runs


def _document(version: str) -> str:
    return (shared_dir() / "corpus" / "upstream" / f"public-artifacts@{version}.md").read_text(encoding="utf-8")


def _repository(version: str, tmp_path: Path) -> Path:
    """A `git init`ed copy of the upstream repository at `version`."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    tree = shared_dir() / "corpus" / TREE
    root = tmp_path / f"upstream-{version}"
    if version == "174cd32":
        shutil.copytree(tree, root)
    else:
        (root / "docs" / "factory").mkdir(parents=True)
        (root / DOC).write_text(_document(version), encoding="utf-8")
        (root / "specialists").mkdir()
        index = shared_dir() / "corpus" / "upstream" / f"registry@{version}.json"
        shutil.copy(index if index.is_file() else tree / "specialists" / "registry.json",
                    root / "specialists" / "registry.json")
        for folder in (tree / "specialists").iterdir():  # the packages this version's surface names
            if folder.is_dir() and f"`specialists/{folder.name}/" in _document(version):
                shutil.copytree(folder, root / "specialists" / folder.name)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, timeout=60)
    return root


def _run(root: Path, *paths: str) -> list[dict]:
    run = cli(root, "check", "--format", "json", "--no-cache", *paths)
    assert run.code in (0, 1), run.stderr  # never 2 on real input
    return run.json["findings"]


def _subject(finding: dict) -> str:
    return finding["artifact"] or finding["path"]


def _key(finding: dict) -> tuple[str, str, str | None]:
    field = finding["field"]
    if finding["path"] != DOC and finding["artifact"] and not field:
        field = f"{finding['path']}:{finding['line']}"  # public copy in another file
    return finding["code"], _subject(finding), field


@pytest.fixture(scope="module", params=VERSIONS)
def version_runs(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict], list[dict]]:
    version = request.param
    root = _repository(version, tmp_path_factory.mktemp("review"))
    return version, _run(root), _run(root, DOC)


# --------------------------------------------------------------------------- the verdicts


def test_the_verdicts_quote_the_document(version_runs: tuple[str, list[dict], list[dict]]) -> None:
    version = version_runs[0]
    text = _document(version)
    for verdict in VERDICTS[version]:
        source = text
        if verdict.field and ":" in verdict.field:  # a sentence of another file
            path, line = verdict.field.rsplit(":", 1)
            lines = (shared_dir() / "corpus" / TREE / path).read_text(encoding="utf-8").splitlines()
            source = " ".join(lines[int(line) - 1:int(line) + 2])
        for words in verdict.because:
            assert words in source, f"{version}: {verdict} rests on words its file does not hold there"


def test_both_runs_give_the_same_findings(version_runs: tuple[str, list[dict], list[dict]]) -> None:
    _, no_arguments, on_document = version_runs
    assert Counter(map(_key, no_arguments)) == Counter(map(_key, on_document))


def test_every_true_finding_is_reported(version_runs: tuple[str, list[dict], list[dict]]) -> None:
    version, no_arguments, on_document = version_runs
    for findings in (no_arguments, on_document):
        reported = set(map(_key, findings))
        missed = [v for v in VERDICTS[version] if v.verdict == "true" and (v.code, v.subject, v.field) not in reported]
        assert not missed, f"{version}: true findings not reported: {missed}"


def test_every_finding_has_a_verdict_and_none_is_false(version_runs: tuple[str, list[dict], list[dict]]) -> None:
    version, no_arguments, on_document = version_runs
    judged = {(v.code, v.subject, v.field) for v in VERDICTS[version]}
    for findings in (no_arguments, on_document):
        for finding in findings:
            for wrong in FALSE:
                assert not _matches(finding, wrong), f"{version}: false finding {finding} ({wrong})"
            assert _key(finding) in judged, f"{version}: a finding nobody reviewed: {finding}"


def test_one_defect_gives_one_finding(version_runs: tuple[str, list[dict], list[dict]]) -> None:
    _, no_arguments, _ = version_runs
    counts = Counter(map(_key, no_arguments))
    assert all(count == 1 for count in counts.values()), [k for k, c in counts.items() if c > 1]


def test_document_findings_carry_their_artifact_id(version_runs: tuple[str, list[dict], list[dict]]) -> None:
    _, no_arguments, _ = version_runs
    about_entries = [f for f in no_arguments if f["path"] == DOC and f["code"] != "AL602"]
    assert about_entries and all(f["artifact"] for f in about_entries)


def test_the_verdict_counts(version_runs: tuple[str, list[dict], list[dict]]) -> None:
    """What the closing note reports: per version, how many findings are true or debatable."""
    version, findings, _ = version_runs
    verdicts = {(v.code, v.subject, v.field): v.verdict for v in VERDICTS[version]}
    counts = Counter(verdicts[_key(f)] for f in findings)
    assert counts["true"] == sum(1 for v in VERDICTS[version] if v.verdict == "true")
    print(json.dumps({"version": version, **counts}))


def test_no_finding_on_the_honest_hub_cards(version_runs: tuple[str, list[dict], list[dict]]) -> None:
    """"65% vs stock 59.6%" and "59.6% → 42.3% (−17.3 points)" compare the artifact with its
    own baseline, as its evidence rows do: before/after wording, not a win claim."""
    version, no_arguments, on_document = version_runs
    cards = [shared_dir() / "corpus" / TREE / card for card in HUB_CARDS]
    assert "65% vs stock 59.6%" in cards[1].read_text(encoding="utf-8")
    for findings in (no_arguments, on_document):
        assert not [f for f in findings if f["path"] in HUB_CARDS]


def _matches(finding: dict, wrong: Wrong) -> bool:
    if wrong.code and not finding["code"].startswith(wrong.code):
        return False
    if wrong.subject is not None and wrong.subject not in (finding["artifact"], finding["path"]):
        return False
    return wrong.field is None or (finding["field"] or "").startswith(wrong.field)


# --------------------------------------------------------------------------- the false classes


def test_the_false_classes_quote_the_document() -> None:
    text = _document("174cd32")
    for wrong in FALSE:
        for words in wrong.because:
            assert words in text, f"{wrong} rests on words the document does not hold"


def test_no_upstream_name_in_the_source() -> None:
    """Rules stay general: no artifact id of the upstream document appears in src/."""
    from artifact_lint.sources.registry.reader import read_registry

    ids = {entry.id for version in VERSIONS for entry in read_registry(_document(version)).artifacts}
    source = Path(__file__).resolve().parents[1] / "src" / "artifact_lint"
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = [i for i in ids if i in text]
        assert not found, f"{path.name} names upstream artifacts {found}"
