"""Win-claim detection in public copy (artifact-format §3): table-driven cases."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_dir
from hypothesis import given, settings
from hypothesis import strategies as st

from artifact_lint.analysis.claims import (
    ClaimContext,
    CopyField,
    baseline_words,
    find_win_claims,
    public_copy,
    win_claims_in,
)
from artifact_lint.analysis.cues import find_cues, may_hold_cues
from artifact_lint.analysis.gates import claim_delta, gate_difference, win_claim_labels
from artifact_lint.analysis.measures import Number, find_deltas
from artifact_lint.analysis.rows import (
    RowMatcher,
    _term_re,
    distinctive_tokens,
    is_distinctive,
    name_tokens,
    named_rows,
    resolve_against,
)
from artifact_lint.analysis.sentences import split_sentences
from artifact_lint.engine.session import check
from artifact_lint.model.formats import Artifact, CompetitionRow, Policy

SELF, T5, SQLCODER, ARCTIC, HAIKU, QWEN, MLX = range(7)


def _artifact(**extra: Any) -> Artifact:
    data: dict[str, Any] = {
        "id": "demo",
        "public_value": "A routed demo.",
        "evidence": [
            {"gate": "Public exact, 64 rows", "value": 0.531},
            {"gate": "Breadth suite", "value": "65%", "baseline": "59.6%", "baseline_name": "Stock Qwen3-4B"},
            {"gate": "Hard gate", "value": 1.0, "baseline": 0.58, "baseline_name": "Stock Qwen3-4B"},
        ],
        "competition": [
            {"system": "TinyGPT router v1", "metric": "exact", "score": 0.531, "label": "Direct",
             "self": True, "readout": "This artifact."},
            {"system": "T5-small local baseline", "metric": "exact", "score": 0.484, "label": "Direct",
             "gate": "Public exact, 64 rows", "readout": "Same slice."},
            {"system": "Defog SQLCoder-7B-2", "metric": "vendor suite", "score": "77.1-96%",
             "label": "Directional", "readout": "Context only."},
            {"system": "Arctic-Text2SQL-R1-7B", "metric": "execution", "score": "68.47%",
             "label": "Not comparable", "readout": "High bar."},
            {"system": "Claude-3-Haiku", "metric": "latency", "score": "n/a", "label": "Directional",
             "readout": "Context."},
            {"system": "Stock Qwen3-4B", "metric": "breadth", "score": "59.6%", "label": "Direct",
             "gate": "Breadth suite", "aliases": ["stock Qwen"], "readout": "Before training."},
            {"system": "MLX reference", "metric": "parity", "score": "-", "label": "Not comparable",
             "readout": "Not run."},
        ],
    }
    data.update(extra)
    return Artifact.model_validate(data)


MODEL = _artifact()

# (sentence, context row or None, is it a win claim?, the rows it is about)
CASES: list[tuple[str, int | None, bool, tuple[int, ...]]] = [
    # claims, and the rows they name
    ("The adapter beats a small T5 baseline on the frozen slice.", None, True, (T5,)),
    ("It beats SQLCoder-7B-2 on extraction.", None, True, (SQLCODER,)),
    ("Ours outperforms Defog SQLCoder-7B-2.", None, True, (SQLCODER,)),
    ("It outperformed Claude-3-Haiku on the same prompts.", None, True, (HAIKU,)),
    ("Outperforming T5-small was the first gate.", None, True, (T5,)),
    ("It is better than Arctic-Text2SQL-R1-7B on exact match.", None, True, (ARCTIC,)),
    ("We are ahead of sqlcoder on this gate.", None, True, (SQLCODER,)),
    ("It wins over T5-small local baseline.", None, True, (T5,)),
    ("A win against Claude-3-Haiku on latency.", None, True, (HAIKU,)),
    ("TinyGPT vs T5-small: 0.531 and 0.484.", None, True, (T5,)),
    ("TinyGPT vs. SQLCoder on the public slice.", None, True, (SQLCODER,)),
    ("TinyGPT versus Arctic-Text2SQL-R1-7B, same prompts.", None, True, (ARCTIC,)),
    ("It is +4.7 points over the T5 baseline.", None, True, (T5,)),
    ("It is +4.7 pp over T5.", None, True, (T5,)),
    ("+19pp over SQLCoder-7B-2 on exact match.", None, True, (SQLCODER,)),
    ("A +4.7 pts lead over T5-small.", None, True, (T5,)),
    ("It runs 515x faster than Claude-3-Haiku.", None, True, (HAIKU,)),
    ("The package is 3x smaller than SQLCoder-7B-2.", None, True, (SQLCODER,)),
    ("It surpassed Qwen3-4B on breadth.", None, True, (QWEN,)),
    ("It surpasses the stock Qwen on breadth.", None, True, (QWEN,)),
    ("SQLCoder-7B-2 was beaten on our slice.", None, True, (SQLCODER,)),
    ("It beats SQLCoder-7B, a larger model.", None, True, (SQLCODER,)),
    ("It beats t5 and sqlcoder alike.", None, True, (T5, SQLCODER)),
    ("It beats the MLX reference on parity.", None, True, (MLX,)),
    # the row of a readout, unless the sentence names another one
    ("Same 64-row public slice; TinyGPT is +4.7 points.", T5, True, (T5,)),
    ("Ours is ahead of it on exact match.", SQLCODER, True, (SQLCODER,)),
    ("It beats T5-small instead.", SQLCODER, True, (T5,)),
    ("The adapter beats it and T5-small.", SQLCODER, True, (T5,)),
    # claims that name no row
    ("It beats the reference parser.", None, True, ()),
    ("Ours beats every MLX build.", None, True, ()),
    ("TinyGPT beats everything on the slice.", None, True, ()),
    ("It is +9.0 points on exact.", None, True, ()),
    # not claims
    ("A heartbeat check runs every hour.", None, False, ()),
    ("The upstream-vs-MLX comparison is still open.", None, False, ()),
    ("Breadth recovered to 65% vs stock 59.6%.", None, False, ()),
    ("Breadth 65% vs 59.6% before training.", None, False, ()),
    ("Stock vs specialist on the hard gate.", None, False, ()),
    ("58% -> 100% on the hard gate.", None, False, ()),
    ("Breadth is +5.4 points after training.", None, False, ()),
    ("Scores 77.1-96% on the vendor suite, per SQLCoder-7B-2.", None, False, ()),
    ("The 64-row slice uses one scorer.", None, False, ()),
    ("It does not beat SQLCoder-7B-2 yet.", None, False, ()),
    ("Run the same benchmark before claiming it beats SQLCoder-7B-2.", None, False, ()),
    ("The goal is to beat Claude-3-Haiku next quarter.", None, False, ()),
    ("Field exact 0.531, up from 0.484.", None, False, ()),
    ("Compare T5-small and SQLCoder-7B-2 on the same fixture.", None, False, ()),
    ("The beatbox demo is unrelated.", None, False, ()),
    ("A surpassingly clean run on T5-small.", None, False, ()),
    ("The outperformance report is pending.", None, False, ()),
    ("Accuracy went from 0.58 to 1.00 on the hard gate.", None, False, ()),
    ("Latency fell -5 ms on the hard gate.", None, False, ()),
    ("A hard-to-beat T5-small baseline.", None, False, ()),
    ("The vs_t5 column stays empty.", None, False, ()),
]


@pytest.mark.parametrize(("sentence", "context", "is_claim", "rows"), CASES,
                         ids=[case[0][:40] for case in CASES])
def test_win_claim_detection(sentence: str, context: int | None, is_claim: bool, rows: tuple[int, ...]) -> None:
    path: tuple[str | int, ...] = ("competition", context, "readout") if context is not None else ("summary",)
    claims = win_claims_in(CopyField(path, sentence, context), MODEL)
    assert bool(claims) is is_claim, claims
    if claims:
        (claim,) = claims
        assert claim.rows == rows
        assert claim.path == path


def test_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert sum(1 for case in CASES if not case[2]) >= 15


# --------------------------------------------------------------------------- cues


@pytest.mark.parametrize(("sentence", "kinds"), [
    ("it beats T5", ["word"]),
    ("T5 vs SQLCoder", ["vs"]),
    ("T5 vs. SQLCoder", ["vs"]),
    ("T5 versus SQLCoder", ["vs"]),
    ("upstream-vs-MLX", []),
    ("heartbeat", []),
    ("+4.7 points over T5", ["delta"]),
    ("515x faster", ["ratio"]),
    ("515x", []),
    ("3x smaller and +2 pp, better than T5", ["ratio", "delta", "word"]),
    ("does not beat T5", []),
    ("does not beat T5 vs SQLCoder", ["vs"]),
])
def test_find_cues(sentence: str, kinds: list[str]) -> None:
    assert [cue.kind for cue in find_cues(sentence)] == kinds


def test_delta_cue_carries_the_delta() -> None:
    (cue,) = find_cues("Same slice; we are +4.7 points.")
    assert cue.delta == find_deltas("Same slice; we are +4.7 points.")[0]


# --------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(("text", "expected"), [
    ("One. Two.", ["One.", "Two."]),
    ("Exact 0.531 on the slice. Next gate.", ["Exact 0.531 on the slice.", "Next gate."]),
    ("Compare e.g. T5 vs. SQLCoder at approx. 0.531 exact. Next one.",
     ["Compare e.g. T5 vs. SQLCoder at approx. 0.531 exact.", "Next one."]),
    ("It works, i.e. Mostly. Then more.", ["It works, i.e. Mostly.", "Then more."]),
    ("Done! Really? Yes.", ["Done!", "Really?", "Yes."]),
    ("Lower case. continues here.", ["Lower case. continues here."]),
    ("First paragraph\n\nSecond paragraph", ["First paragraph", "Second paragraph"]),
    ("Same 64-row public slice; TinyGPT is +4.7 points.", ["Same 64-row public slice; TinyGPT is +4.7 points."]),
    ("", []),
])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_sentence_offsets_point_into_the_text() -> None:
    text = "  First one.  Second one."
    for sentence in split_sentences(text):
        assert text[sentence.start:sentence.start + len(sentence.text)] == sentence.text


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(("token", "distinctive"), [
    ("T5", True), ("Qwen3", True), ("SQLCoder-7B-2", True), ("7B", True), ("v1", True),
    ("TinyGPT", True), ("SQLCoder", True), ("SQL", False), ("GPT", False), ("3", False),
    ("baseline", False), ("local", False), ("Haiku", False), ("Defog", False), ("stock", False),
])
def test_is_distinctive(token: str, distinctive: bool) -> None:
    assert is_distinctive(token) is distinctive


def test_name_tokens_split_words_and_parts() -> None:
    assert name_tokens("Arctic-Text2SQL-R1-14B / 32B") == [
        "Arctic-Text2SQL-R1-14B", "Arctic", "Text2SQL", "R1", "14B", "32B"]
    assert distinctive_tokens("T5-small local baseline") == ["T5-small", "T5"]
    assert distinctive_tokens("Claude-3-Haiku") == ["Claude-3-Haiku"]


def test_a_token_inside_another_rows_name_gives_way() -> None:
    rows = list(MODEL.competition or [])
    assert named_rows("It beats SQLCoder-7B-2.", rows) == (SQLCODER,)
    assert named_rows("A 7B model.", rows) == (SQLCODER, ARCTIC)  # `7B` alone is ambiguous


def test_self_row_is_never_named() -> None:
    assert named_rows("TinyGPT router v1 beats it.", list(MODEL.competition or [])) == ()


def test_a_claim_naming_only_the_artifacts_own_row_says_so() -> None:
    rows = list(MODEL.competition or [])
    assert RowMatcher(rows, self_rows=True).named("TinyGPT router v1 beats T5-small.") == (SELF,)
    model = _artifact(public_value="TinyGPT router v1 beats the rest by +4.7 points.")
    (claim,) = find_win_claims(model)
    assert claim.named == () and claim.names_self
    (other,) = find_win_claims(_artifact(public_value="It beats T5-small by +4.7 points."))
    assert other.named == (T5,) and not other.names_self


# --------------------------------------------------------------------------- row matcher


def _reference_named_rows(sentence: str, rows: Sequence[CompetitionRow]) -> tuple[int, ...]:
    """`named_rows` as first written: every term's pattern searched everywhere, every word rescanned."""
    term_re = _term_re

    matches: list[tuple[int, int, int, bool]] = []  # row, start, end, full
    for i, row in enumerate(rows):
        if row.is_self or not row.system or not row.system.strip():
            continue
        for name in [row.system, *(alias for alias in row.aliases or [] if alias and alias.strip())]:
            matches += [(i, m.start(), m.end(), True) for m in term_re(name).finditer(sentence)]
        for token in distinctive_tokens(row.system):
            matches += [(i, m.start(), m.end(), False) for m in term_re(token).finditer(sentence)]

    def inside(m: tuple[int, int, int, bool], o: tuple[int, int, int, bool]) -> bool:
        return o[1] <= m[1] and m[2] <= o[2] and o[2] - o[1] > m[2] - m[1]

    matches = [m for m in matches if not any(o[0] != m[0] and inside(m, o) for o in matches)]
    kept = [m for m in matches if m[3]]
    for word in re.finditer(r"\S+", sentence):
        within = [m for m in matches if not m[3] and word.start() <= m[1] and m[2] <= word.end()]
        cover: dict[int, set[int]] = {}
        for m in within:
            cover.setdefault(m[0], set()).update(range(m[1], m[2]))
        if cover:
            best = max(len(chars) for chars in cover.values())
            kept += [m for m in within if len(cover[m[0]]) == best]
    ordered: dict[int, int] = {}
    for m in sorted(kept, key=lambda m: m[1]):
        ordered.setdefault(m[0], m[1])
    return tuple(ordered)


_ROWS = list(MODEL.competition or [])
_FRAGMENTS = sorted({
    *(row.system or "" for row in _ROWS), *(a for row in _ROWS for a in row.aliases or []),
    *(t for row in _ROWS for t in name_tokens(row.system or "")),
    "beats", "vs", "+4.7 points", "3x smaller", "the", "stock", "a", "7B", "t5", "SQLCODER", "qwen3-4b",
    "\u017fqlcoder", "T\u0131nyGPT", "\u212a", "\u00e9t\u00e9", "e.g.", ".", ",", "-", "/", "(", ")",
} - {""})
_SENTENCES = st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=12).flatmap(
    lambda words: st.sampled_from([" ", "", "-", "  ", " / ", "."]).map(lambda sep: sep.join(words)))


@settings(max_examples=400, deadline=None)
@given(_SENTENCES)
def test_row_matcher_equals_the_plain_algorithm(sentence: str) -> None:
    assert RowMatcher(_ROWS).named(sentence) == _reference_named_rows(sentence, _ROWS)


@pytest.mark.parametrize("sentence", [case[0] for case in CASES] + [
    "It beats \u017fqlcoder-7B-2.", "TINYGPT VS T5-SMALL", "It beats SQLCoder-7B-2-T5.", "A 7B model, 7b too.",
    "It beats Stock   Qwen3-4B.", "It beats stock\tqwen on breadth.", "MLX\nreference vs T5-small local  baseline.",
    "Ahead of Defog\u00a0SQLCoder-7B-2.",
])
def test_row_matcher_equals_the_plain_algorithm_on_the_cases(sentence: str) -> None:
    assert RowMatcher(_ROWS).named(sentence) == _reference_named_rows(sentence, _ROWS) == named_rows(sentence, _ROWS)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS + ["\n\n", ". ", "! ", "approx. ", "Then", "It", "to beat",
                                              "does not beat", "58% -> 100%", "+19pp", "2.5\u00d7 faster",
                                              "-2.1 pts", "versus", "wins over", "better than"]),
                min_size=1, max_size=16).map(" ".join))
def test_cue_prefilter_never_hides_a_cue(text: str) -> None:
    if any(find_cues(sentence.text) for sentence in split_sentences(text)):
        assert may_hold_cues(text)


@pytest.mark.parametrize("text", [
    "It beats T5.", "Better than T5.", "Ahead of T5.", "Outperforms T5.", "Surpassed T5.", "\u017furpassed T5.",
    "Wins over T5.", "Win against T5.", "T5 vs SQLCoder.", "T5 VERSUS SQLCoder.", "3x smaller.", "3\u00d7 faster.",
    "(+4.7 points)", "\u22122.1 pts on breadth", "-.5 pp", "A note.\n\n+19pp over T5.", "One. +4.7 points.",
])
def test_cue_prefilter_keeps_every_kind_of_cue(text: str) -> None:
    assert any(find_cues(sentence.text) for sentence in split_sentences(text))
    assert may_hold_cues(text)


def test_cue_prefilter_skips_plain_prose() -> None:
    assert not may_hold_cues("A routed calendar specialist on the public slice.")
    assert may_hold_cues("It beats T5.") and may_hold_cues("Same slice; +4.7 points.")


@settings(max_examples=200, deadline=None)
@given(st.lists(_SENTENCES, min_size=1, max_size=4).map(". ".join))
def test_one_context_per_artifact_gives_the_claims_of_each_field(text: str) -> None:
    model = _artifact(public_value=text, summary=text + " It beats T5.", notes=[text])
    context = ClaimContext(model)
    shared = [claim for copy in public_copy(model) for claim in win_claims_in(copy, model, context)]
    alone = [claim for copy in public_copy(model) for claim in win_claims_in(copy, model)]
    assert find_win_claims(model) == shared == alone


# --------------------------------------------------------------------------- whole artifacts


def test_public_copy_fields_and_paths() -> None:
    model = _artifact(summary="More copy.", notes=["A note.", "  "],
                      claims=[{"text": "It beats T5.", "against": "t5-small  local baseline"}])
    paths = [copy.path for copy in public_copy(model)]
    assert paths[:2] == [("public_value",), ("summary",)]
    assert ("notes", 0) in paths and ("notes", 1) not in paths
    assert ("competition", 1, "readout") in paths
    assert ("claims", 0, "text") in paths
    contexts = {copy.path: copy.context_row for copy in public_copy(model)}
    assert contexts[("competition", SELF, "readout")] is None
    assert contexts[("competition", T5, "readout")] == T5
    assert contexts[("claims", 0, "text")] == T5


def test_find_win_claims_reports_path_sentence_cues_rows_and_deltas() -> None:
    model = _artifact(public_value="Exact 0.531 on the slice. It beats SQLCoder-7B-2 by +19pp.")
    (claim,) = find_win_claims(model)
    assert claim.path == ("public_value",) and claim.field == "public_value"
    assert claim.sentence == "It beats SQLCoder-7B-2 by +19pp."
    assert [c.text for c in claim.cues] == ["beats", "+19pp"]
    assert claim.rows == (SQLCODER,) and claim.named == (SQLCODER,)
    assert [d.value for d in claim.deltas] == [19.0]


def test_structured_against_resolves_by_system_or_alias() -> None:
    assert resolve_against(MODEL, "Stock  qwen3-4b") == QWEN
    assert resolve_against(MODEL, "stock Qwen") == QWEN
    assert resolve_against(MODEL, "T5") is None
    assert resolve_against(MODEL, None) is None


def test_baseline_words() -> None:
    assert {"stock", "qwen3-4b", "qwen3", "4b"} <= baseline_words(MODEL)


def test_gate_difference_in_points() -> None:
    diff = gate_difference(MODEL, T5)
    assert diff is not None
    assert diff.points == pytest.approx(4.7) and diff.units == pytest.approx(0.047)
    assert diff.accepts(find_deltas("+4.7 points")[0]) and not diff.accepts(find_deltas("+9.0 points")[0])
    assert diff.accepts(Number(0.047, 3)) and not diff.accepts(Number(0.09, 2))
    assert gate_difference(MODEL, SQLCODER) is None  # no gate
    assert gate_difference(MODEL, 99) is None


def test_gate_difference_with_percent_strings_and_relative_percent() -> None:
    diff = gate_difference(MODEL, QWEN)
    assert diff is not None and diff.points == pytest.approx(5.4) and diff.units == pytest.approx(5.4)
    assert diff.accepts(find_deltas("+9% relative")[0])  # 5.4 / 59.6 is 9.1%


@pytest.mark.parametrize(("raw", "value"), [(0.047, 0.047), ("+4.7 points", 4.7), ("0.047", 0.047), (True, None)])
def test_claim_delta(raw: object, value: float | None) -> None:
    delta = claim_delta(raw)
    assert (delta.value if delta is not None else None) == (pytest.approx(value) if value is not None else None)


def test_win_claim_labels_come_from_the_policy() -> None:
    policy = Policy.model_validate({"states": {"a": {}}, "labels": {"Direct": {"win_claims": True},
                                                                    "Directional": {}}})
    assert win_claim_labels(policy) == frozenset({"Direct"})


# --------------------------------------------------------------------------- conformance cases


def _run_case(name: str, tmp_path: Path) -> list[dict[str, Any]]:
    case = shared_dir() / "conformance" / "cases" / name / "repo"
    root = tmp_path / "repo"
    shutil.copytree(case, root)
    (root / ".git").mkdir(exist_ok=True)
    return [f.to_dict() for f in check(root).findings]


def test_conformance_clean_repo_has_no_claim_findings(tmp_path: Path) -> None:
    findings = _run_case("01-clean-repo", tmp_path)
    assert [f for f in findings if f["code"] in {"AL202", "AL203", "AL204", "AL205", "AL206"}] == []


def test_conformance_win_claim_not_direct(tmp_path: Path) -> None:
    findings = [f for f in _run_case("05-win-claim-not-direct", tmp_path) if f["code"] == "AL202"]
    assert [f["field"] for f in findings] == ["public_value"]
    assert "`Defog SQLCoder-7B-2` is labelled `Directional`" in findings[0]["message"]


def test_conformance_delta_mismatch(tmp_path: Path) -> None:
    findings = [f for f in _run_case("06-delta-mismatch", tmp_path) if f["code"] == "AL204"]
    assert [(f["line"], f["field"]) for f in findings] == [(24, "competition[0].readout")]
    assert "claimed +9.0 points; evidence gives 0.612 - 0.565 = +4.7 points" in findings[0]["message"]


# --- hostile text: bounded looks keep long inputs linear, and change nothing on prose ----


def test_a_negation_is_read_after_a_long_run_of_cues() -> None:
    run = "beat " * 20_000
    assert len(find_cues(run + "does not beat T5.")) == 20_000
    # of 20,001 cues, the three with "not" among their three previous words assert nothing
    assert len(find_cues("It does not beat " + run)) == 20_001 - 3


def test_many_rows_sharing_a_token_are_matched_by_the_longer_name() -> None:
    rows = [CompetitionRow(system=f"System{i}-7B", metric="m", score=0.4, label="Directional", readout="r")
            for i in range(3_000)]
    matcher = RowMatcher(rows)
    assert matcher.named("We beat System17-7B here.") == (17,)
    assert len(matcher.named("Every 7B model.")) == 3_000  # the shared token alone names them all
