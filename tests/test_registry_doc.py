"""The registry document reader: small inline documents, then the real upstream versions."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from artifact_lint.model.findings import Position
from artifact_lint.model.formats import Artifact
from artifact_lint.sources.loader import Document
from artifact_lint.sources.registry.markdown import cell_text, parser, reduce_inline
from artifact_lint.sources.registry.reader import DocArtifact, RegistryDocument, read_registry
from artifact_lint.sources.registry.reading import is_command, is_self_row, prose_figure


def _doc(text: str) -> RegistryDocument:
    return read_registry(textwrap.dedent(text).lstrip("\n"))


def _one(doc: RegistryDocument, artifact_id: str) -> DocArtifact:
    found = [a for a in doc.artifacts if a.id == artifact_id]
    assert len(found) == 1, [a.id for a in doc.artifacts]
    return found[0]


def _line(text: str, needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after `start` that holds `needle`."""
    lines = textwrap.dedent(text).lstrip("\n").split("\n")
    for number in range(start, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    raise AssertionError(f"{needle!r} not found")


def _check_positions(artifact: DocArtifact) -> None:
    """Every value has a position; every mapping key has a key position; lines exist."""
    values = dict(artifact.document.positions.items())
    keys = dict(artifact.document.positions.items(key=True))
    n_lines = len(re.split(r"\r\n|\r|\n", artifact.document.text))

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        if path:
            assert path in values, (artifact.id, path)
            assert 1 <= values[path].line <= n_lines
            assert values[path].column >= 1
        if isinstance(value, dict):
            for key, item in value.items():
                assert path + (key,) in keys, (artifact.id, path + (key,))
                walk(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path + (index,))

    walk(artifact.document.data, ())


def _check_shape(doc: RegistryDocument) -> None:
    """Keys are artifact-format keys and the data validates against the strict model."""
    for artifact in doc.artifacts:
        assert isinstance(artifact.document, Document)
        assert set(artifact.data) <= set(Artifact.model_fields), artifact.data.keys()
        Artifact.model_validate(artifact.data)
        _check_positions(artifact)


# --- every section kind -----------------------------------------------------------------

FULL = ("""
# Registry

## Current Public Artifact List

| Artifact | Type | State | Public value | Next release action |
|---|---|---|---|---|
| `tiny-router-v2` | Routed specialist | `candidate-current-best` |"""
        """ Router hits 0.812 on the toy slice. | Write the report. |
| `demo-site` | Demo | `parked` | A demo. | Nothing for now. |

## Artifact Details

### `tiny-router-v2`

Status: `report-only`

Committed surface:

- `specialists/tiny-router-v2/model_card.md`
- Hub copy: `https://example.org/tiny-router-v2`

Measured evidence:

| Gate | Result |
|---|---:|
| Toy exact, 40 rows | 0.812 |
| Toy recall | 58% |
| Smoke | all green |
| Not yet run | - |

Competitive context:

| System | Metric | Score | Comparable? | Readout |
|---|---|---:|---|---|
| Toy baseline | toy exact | 0.700 | `Direct` | Same forty rows. |
| BigModel-70B | vendor suite | 77.1-90% | Directional | Different suite. |

Release blockers:

| Blocker | Why it matters | Unblock action |
|---|---|---|
| No latency run | Users need speed numbers. | Time one `generate` call. |

Next release action:

Publish the **toy report** with `tiny-router-v2` numbers.

Then ask for review.

Website page: `/artifacts/tiny-router-v2`

Rejected alternatives:

| Attempt | Toy exact | Toy recall | Decision |
|---|---:|---:|---|
| Single adapter | 0.640 | - | reject |

External source notes:

- `toy/baseline` is rerun locally;
  numbers are ours.
- Vendor numbers are self-reported.

## Release Priority

1. `tiny-router-v2` first.
""")


def test_every_section_kind_is_read() -> None:
    doc = _doc(FULL)
    assert [a.id for a in doc.artifacts] == ["tiny-router-v2", "demo-site"]
    router = _one(doc, "tiny-router-v2")
    assert router.list_state == "candidate-current-best"
    assert router.status_line_state == "report-only"
    assert router.data == {
        "id": "tiny-router-v2",
        "type": "Routed specialist",
        "state": "report-only",
        "public_value": "Router hits 0.812 on the toy slice.",
        "evidence": [
            {"gate": "Toy exact, 40 rows", "value": "0.812"},
            {"gate": "Toy recall", "value": "58%"},
            {"gate": "Smoke", "value": "all green"},
            {"gate": "Not yet run"},
        ],
        "competition": [
            {"system": "Toy baseline", "metric": "toy exact", "score": "0.700", "label": "Direct",
             "readout": "Same forty rows.", "gate": "Toy exact, 40 rows"},
            {"system": "BigModel-70B", "metric": "vendor suite", "score": "77.1-90%",
             "label": "Directional", "readout": "Different suite."},
        ],
        "blockers": [
            {"blocker": "No latency run", "why": "Users need speed numbers.",
             "unblock": "Time one generate call."},
        ],
        "next_release_action": "Publish the toy report with tiny-router-v2 numbers. "
                               "Then ask for review.",
        "surface": ["specialists/tiny-router-v2/model_card.md",
                    "https://example.org/tiny-router-v2"],
        "rejected_alternatives": [
            {"attempt": "Single adapter", "results": {"Toy exact": "0.640"}, "decision": "reject"},
        ],
        "source_notes": ["toy/baseline is rerun locally; numbers are ours.",
                         "Vendor numbers are self-reported."],
        # no prose paragraph: the source notes are the entry's prose (the "rerun" one says
        # how it was evaluated; neither speaks to source or readiness, which take both)
        "provenance": {"source": "toy/baseline is rerun locally; numbers are ours. Vendor numbers are self-reported.",
                       "evaluation": "toy/baseline is rerun locally; numbers are ours.",
                       "readiness": "toy/baseline is rerun locally; numbers are ours."
                                    " Vendor numbers are self-reported."},
        "website": "/artifacts/tiny-router-v2",
    }
    _check_shape(doc)


def test_list_only_artifact_has_only_list_fields() -> None:
    demo = _one(_doc(FULL), "demo-site")
    assert demo.status_line_state is None and demo.list_state == "parked"
    assert demo.data == {"id": "demo-site", "type": "Demo", "state": "parked",
                         "public_value": "A demo.", "next_release_action": "Nothing for now."}


def test_positions_point_into_the_markdown() -> None:
    doc = _doc(FULL)
    router = _one(doc, "tiny-router-v2")
    values, keys = dict(router.document.positions.items()), dict(router.document.positions.items(key=True))
    row = _line(FULL, "| `tiny-router-v2` |")
    assert doc.list_table_line == _line(FULL, "| Artifact |")
    assert doc.list_rows[0].line == row
    assert values[("id",)] == Position(row, 3)  # where the cell starts
    assert values[("type",)].line == row
    status = _line(FULL, "Status:")
    assert values[("state",)] == Position(status, 10)
    assert keys[("state",)].line == status
    table = _line(FULL, "| Gate | Result |")
    assert values[("evidence",)] == keys[("evidence",)] == Position(table, 1)
    recall = _line(FULL, "| Toy recall |")
    assert values[("evidence", 1)].line == recall
    assert values[("evidence", 1, "gate")] == Position(recall, 3)
    assert values[("evidence", 1, "value")].line == recall
    assert values[("blockers",)].line == _line(FULL, "| Blocker |")
    assert values[("blockers", 0, "unblock")].line == _line(FULL, "| No latency run |")
    assert values[("competition", 1, "label")].line == _line(FULL, "| BigModel-70B |")
    nra = _line(FULL, "Publish the **toy report**")
    assert values[("next_release_action",)].line == nra
    assert values[("website",)].line == _line(FULL, "Website page:")
    assert values[("surface", 1)] == Position(_line(FULL, "Hub copy"), 14)
    assert values[("source_notes", 0)].line == _line(FULL, "`toy/baseline`")
    rejected = _line(FULL, "| Single adapter |")
    assert values[("rejected_alternatives", 0, "results", "Toy exact")].line == rejected
    assert router.document.text == textwrap.dedent(FULL).lstrip("\n")


# --- evidence columns ---------------------------------------------------------------------

def _evidence(table: str) -> list[dict[str, Any]]:
    text = f"### `probe`\n\nStatus: `blocked`\n\nMeasured evidence:\n\n{textwrap.dedent(table)}"
    return _one(read_registry(text), "probe").data["evidence"]


def test_before_after_columns() -> None:
    rows = _evidence("""\
        | Gate | Stock | Specialist |
        |---|---:|---:|
        | Hard gate | 0.58 | 1.00 |
        | Heldout | - | 0.95 |
        | Recall | 41% | 63% |
        """)
    assert rows == [
        {"gate": "Hard gate", "value": "1.00", "baseline": "0.58", "baseline_name": "Stock"},
        {"gate": "Heldout", "value": "0.95"},
        {"gate": "Recall", "value": "63%", "baseline": "41%", "baseline_name": "Stock"},
    ]


def test_baseline_column_is_found_by_its_name() -> None:
    rows = _evidence("""\
        | Gate | Candidate | Baseline |
        |---|---|---|
        | Exact | 0.7 | 0.6 |
        """)
    assert rows == [{"gate": "Exact", "value": "0.7", "baseline": "0.6", "baseline_name": "Baseline"}]


def test_two_unnamed_columns_are_before_then_after() -> None:
    rows = _evidence("""\
        | Gate | v1 | v2 |
        |---|---|---|
        | Exact | 0.5 | 0.6 |
        """)
    assert rows == [{"gate": "Exact", "value": "0.6", "baseline": "0.5", "baseline_name": "v1"}]


def _probe(body: str, artifact_id: str = "probe") -> DocArtifact:
    text = f"### `{artifact_id}`\n\nStatus: `blocked`\n\n{textwrap.dedent(body)}"
    doc = read_registry(text)
    _check_shape(doc)
    return _one(doc, artifact_id)


def test_a_table_of_systems_gives_own_evidence_and_unlabelled_competitor_rows() -> None:
    probe = _probe("""\
        Measured evidence:

        | Gate | Ours | Rival A | Rival B | Delta | n |
        |---|---|---|---|---|---|
        | Exact | 57% | 93% | not run | -36 | 63 |
        | Latency | 3ms | - | 500ms | | x |
        """)
    assert probe.data["evidence"] == [
        {"gate": "Exact", "value": "57%", "n": 63, "note": "Delta: -36"},  # a delta column is no system
        {"gate": "Latency", "value": "3ms"},
    ]
    assert probe.data["competition"] == [
        {"system": "Rival A", "metric": "Exact", "score": "93%", "gate": "Exact"},
        {"system": "Rival B", "metric": "Latency", "score": "500ms", "gate": "Latency"},
    ]
    assert probe.data["performance"]["latency_ms"] == 3.0


def test_a_baseline_column_beside_systems_stays_the_baseline() -> None:
    probe = _probe("""\
        Measured evidence:

        | Gate | Stock | Adapter | GPT-4o mini |
        |---|---:|---:|---:|
        | Exact, 80 rows | 0.565 | 0.612 | 0.70 |
        """)
    assert probe.data["evidence"] == [{"gate": "Exact, 80 rows", "value": "0.612", "baseline": "0.565",
                                       "baseline_name": "Stock"}]
    assert probe.data["competition"] == [
        {"system": "GPT-4o mini", "metric": "Exact, 80 rows", "score": "0.70", "gate": "Exact, 80 rows"}]


def test_the_first_system_column_names_the_self_row_of_a_competition_table() -> None:
    probe = _probe("""\
        Measured evidence:

        | Gate | Ours v2 | Rival A | Rival B |
        |---|---|---|---|
        | Exact | 0.61 | 0.55 | 0.50 |

        Competitive context:

        | System | Metric | Score | Comparable? | Readout |
        |---|---|---:|---|---|
        | Ours v2 | exact | 0.61 | Direct | Kept for reference. |
        """)
    assert probe.data["competition"][-1]["self"] is True
    assert "gate" not in probe.data["competition"][-1]


def test_attempt_ledger_is_flattened() -> None:
    rows = _evidence("""\
        | Attempt | Depth | Breadth | Decision |
        |---|---:|---:|---|
        | Stock | 58% | 59.6% | baseline |
        | Ours | 100% | - | reject |
        """)
    assert rows == [
        {"gate": "Stock / Depth", "value": "58%", "note": "Decision: baseline"},
        {"gate": "Stock / Breadth", "value": "59.6%", "note": "Decision: baseline"},
        {"gate": "Ours / Depth", "value": "100%", "note": "Decision: reject"},
    ]


def test_numbers_convert_and_odd_values_stay_text() -> None:
    rows = _evidence("""\
        | Gate | Result |
        |---|---|
        | a | 0.531 |
        | b | -2 |
        | c | 1e999 |
        | d | 0.531 / 0.860 |
        | e | — |
        | f | n/a |
        | g | |
        """)
    assert [row.get("value") for row in rows] == ["0.531", "-2", "1e999", "0.531 / 0.860",
                                                   None, "n/a", None]


# --- reading an entry as a reviewer would (artifact-format §6.1) --------------------------------

def test_a_figure_stated_in_prose_is_an_evidence_row() -> None:
    probe = _probe("""\
        This is a quantized copy of an upstream model. A local toy sanity screen scored 38/40 on
        the frozen slice. Breadth fell 4.1 points below stock; the earlier 0.91 result is not reused.

        Release blockers:

        | Blocker | Why it matters | Unblock action |
        |---|---|---|
        | No parity run | A 40-row screen proves little. | Run parity. |
        """)
    assert probe.data["evidence"] == [{
        "gate": "Local toy sanity screen", "value": "38/40",
        "note": "Stated in prose, not in an evidence table: A local toy sanity screen scored 38/40 on"
                " the frozen slice."}]
    position = probe.document.positions.find(("evidence", 0, "value"))
    assert position is not None
    assert probe.document.text.split("\n")[position.line - 1][position.column - 1:].startswith("38/40")


def test_a_prose_figure_already_in_a_table_is_not_repeated() -> None:
    probe = _probe("""\
        Measured evidence:

        | Gate | Result |
        |---|---:|
        | Toy exact | 0.812 |

        The toy exact gate reached 0.812 on forty rows.
        """)
    assert probe.data["evidence"] == [{"gate": "Toy exact", "value": "0.812"}]


@pytest.mark.parametrize("sentence,expected", [
    ("A historical local sanity screen scored 40/40, confirming a signal.",
     ("Historical local sanity screen", "40/40")),
    ("On the sealed set, recall was 55.6%.", ("Recall", "55.6%")),
    ("The router reached 0.93 exact on the public slice.", ("Router", "0.93")),
    ("Breadth fell another 11.3 points below stock.", None),  # a difference, not a figure
    ("The 63-instance sealed set was run twice.", None),
    ("It is 3B parameters and was 2x faster.", None),
    ("The earlier 95.5% result remains valid only for that slice.", None),  # no verb of measuring
])
def test_prose_figures(sentence: str, expected: tuple[str, str] | None) -> None:
    found = prose_figure(sentence)
    assert (tuple(found) if found else None) == expected


def test_a_readout_table_under_any_label_is_evidence_where_it_states_numbers() -> None:
    probe = _probe("""\
        Uploaded copies:

        | Local cache | Hub repo | Status | Evidence / readout |
        |---|---|---|---|
        | `toy-a` | `https://huggingface.co/org/toy-a` | Public | 57.1% exact at 3.8ms mean. |
        | `toy-b` | `https://huggingface.co/org/toy-b` | Archive | Local conversion of `Org/Toy-3B`. |

        Deleted caches:

        | Local cache | Upstream repo | Reason |
        |---|---|---|
        | `toy-c` | `https://huggingface.co/org/toy-c` | No delta of ours. |
        """)
    assert probe.data["evidence"] == [{
        "gate": "toy-a", "value": "57.1% exact at 3.8ms mean.",
        "note": "Hub repo: https://huggingface.co/org/toy-a; Status: Public"}]
    assert "weights" not in probe.data and "performance" not in probe.data  # "3.8ms mean" names no latency


def test_provenance_comes_from_the_prose_by_cue_words() -> None:
    probe = _probe("""\
        Status note: the adapter was distilled from a larger teacher on synthetic rows.

        Measured evidence:

        | Gate | Result |
        |---|---:|
        | Toy exact | 0.812 |

        It was evaluated on the frozen toy slice with the exact scorer. Do not package it until the
        breadth gate passes.

        Next release action:

        Publish the report.
        """)
    assert probe.data["provenance"] == {
        "source": "Status note: the adapter was distilled from a larger teacher on synthetic rows.",
        "evaluation": "It was evaluated on the frozen toy slice with the exact scorer. Do not package it until"
                      " the breadth gate passes.",
        "readiness": "Do not package it until the breadth gate passes.",
    }
    assert "Publish" not in " ".join(probe.data["provenance"].values())  # a field's value is no prose
    assert probe.document.positions.value(("provenance", "source")).line == 5


def test_provenance_falls_back_to_the_whole_prose_and_is_absent_without_prose() -> None:
    probe = _probe("""\
        Kept as a curiosity.
        """)
    assert probe.data["provenance"] == {key: "Kept as a curiosity." for key in ("source", "evaluation", "readiness")}
    bare = _probe("""\
        Measured evidence:

        | Gate | Result |
        |---|---:|
        | Toy exact | 0.812 |
        """)
    assert "provenance" not in bare.data


def test_performance_from_figures_from_a_not_recorded_sentence_and_from_a_blocker() -> None:
    figures = _probe("""\
        Measured evidence:

        | Gate | Result |
        |---|---:|
        | Mean warm latency | 0.25 s |
        | Peak RAM | 5.1 GB |

        Generation ran at 38 tok/s.
        """)
    assert figures.data["performance"] == {
        "latency_ms": 250.0, "ram_gb": 5.1, "tokens_per_s": 38.0, "eval_time_s": None,
        "note": "The registry entry does not state eval_time_s."}
    unrecorded = _probe("""\
        Release decision: ship it. The run did not preserve latency, RAM or tok/s; the package says so.
        """)
    assert unrecorded.data["performance"] == {
        "latency_ms": None, "ram_gb": None, "tokens_per_s": None, "eval_time_s": None,
        "note": "The run did not preserve latency, RAM or tok/s; the package says so."}
    blocked = _probe("""\
        Release blockers:

        | Blocker | Why it matters | Unblock action |
        |---|---|---|
        | Performance numbers missing | Readers need latency. | Measure it. |
        """)
    assert blocked.data["performance"]["note"] == (
        "Release blocker: Performance numbers missing: Readers need latency.")
    assert "performance" not in _probe("Nothing about speed here.\n").data


def test_weights_surface_commands_and_artifact_shape() -> None:
    probe = _probe("""\
        Committed surface:

        - `specialists/toy/model_card.md`
        - HF repo: `https://huggingface.co/org/toy`
        - Staging command:
          `python3 scripts/stage.py specialists/toy --repo-id org/toy`
        - Docs: `https://example.org/toy`
        - `uv run pytest -q`

        Current artifact shape:

        - Public adapter:
          `runs/2026-01-01-toy/toy.lora`
        - Router:
          `scripts/route.py`
        """)
    assert probe.data["surface"] == ["specialists/toy/model_card.md", "https://example.org/toy"]
    assert probe.data["weights"] == {"location": "https://huggingface.co/org/toy"}
    assert probe.data["notes"] == [
        "Staging command: python3 scripts/stage.py specialists/toy --repo-id org/toy",
        "uv run pytest -q",
        "Public adapter: runs/2026-01-01-toy/toy.lora",  # the public location is set already
        "Router: scripts/route.py",
    ]
    private = _probe("""\
        Current artifact shape:

        - Public adapter:
          `runs/2026-01-01-toy/toy.lora`
        - Second adapter: `~/.cache/toy/second.lora`
        - Eval fixture: `evals/toy/`
        """)
    assert private.data["weights"] == {"location": "runs/2026-01-01-toy/toy.lora"}
    assert private.data["notes"] == ["Second adapter: ~/.cache/toy/second.lora", "Eval fixture: evals/toy/"]
    assert "surface" not in private.data
    line = _probe("""\
        HF repo: `https://huggingface.co/org/toy`

        A bare hub link in the surface counts too.
        """)
    assert line.data["weights"] == {"location": "https://huggingface.co/org/toy"}
    bare = _probe("""\
        Committed surface:

        - `https://huggingface.co/org/toy`
        - `https://huggingface.co/datasets/org/toy-data`
        """)
    assert bare.data["weights"] == {"location": "https://huggingface.co/org/toy"}
    assert bare.data["surface"] == ["https://huggingface.co/datasets/org/toy-data"]


@pytest.mark.parametrize("value,command", [
    ("python3 scripts/x.py --out y", True), ("bash evals/smoke.sh", True), ("uv run x", True),
    ("$ pip install x", True), ("PYTHONPATH=. python -m x", True), ("./run.sh fast", True),
    ("scripts/x.py", False), ("docs/my notes.md", False), ("python3", False),
])
def test_shell_commands(value: str, command: bool) -> None:
    assert is_command(value) is command


def test_self_rows_and_the_gate_of_a_direct_row() -> None:
    probe = _probe("""\
        Measured evidence:

        | Gate | Result |
        |---|---:|
        | Public toy exact, 64 rows | 0.531 |
        | Tiny-T5 public baseline, same 64 rows | 0.484 |
        | Synthetic toy exact, 50 rows | 0.840 |

        Competitive context:

        | System | Metric | Score | Comparable? | Readout |
        |---|---|---:|---|---|
        | Our toy router | toy exact | 0.531 | Direct | Current candidate. |
        | Toy router v1 | toy exact | 0.531 | Direct | The same build. |
        | Tiny-T5 local baseline | toy exact | 0.484 | Direct | Same 64-row public slice; we are +4.7 points. |
        | Mystery model | toy exact | 0.5 | Direct | Unclear slice. |
        | Big model | other suite | 77% | Directional | Context only. |
        """, artifact_id="toy-router-v1")
    rows = probe.data["competition"]
    assert [row.get("self", False) for row in rows] == [True, True, False, False, False]
    # metric words hold for both `... toy exact ...` gates; "64-row public slice" tells them apart, and
    # the evidence line of the baseline's own score is never its gate
    assert rows[2]["gate"] == "Public toy exact, 64 rows"
    assert "gate" not in rows[3]  # two gates hold its metric and nothing else tells them apart
    assert "gate" not in rows[4]  # not Direct


@pytest.mark.parametrize("artifact_id,system,self_row", [
    ("pace-intent-router-v8", "Pace v8", True),
    ("pace-intent-router-v8", "pace intent router v8", True),
    ("pace-intent-router-v8", "pace intent router v7", False),
    ("pace-intent-router-v8", "Stock pace router v8", False),
    ("pace-intent-router-v8", "Router", False),
    ("qwen3-4b-file-ops-distilled", "Qwen3 4B", False),
    ("qwen3-4b-file-ops-distilled", "Qwen3-4B file-ops prompt-only", False),  # not its last word
    ("qwen3-4b-file-ops-distilled", "File-ops distilled Qwen3-4B", True),
    ("toy-router-v1", "GPT v1", False),
])
def test_a_system_name_sharing_the_ids_words_is_the_artifact(artifact_id: str, system: str, self_row: bool) -> None:
    assert is_self_row({"system": system}, artifact_id, []) is self_row


@pytest.mark.parametrize("readout,self_row", [
    ("Current local candidate.", True), ("Current candidate; kept for reference.", True),
    ("This artifact, for reference.", True), ("Current public high bar is execution accuracy.", False),
    ("Current SOTA model on the suite.", False), ("Our router is +4.7 points on this slice.", False),
    ("This model is 10x larger.", False),
])
def test_a_readout_saying_it_is_the_artifact(readout: str, self_row: bool) -> None:
    assert is_self_row({"system": "Some system", "readout": readout}, "toy-router-v1", []) is self_row


# --- labels, order, unknown and missing sections -----------------------------------------------

def test_labels_may_be_bold_headings_in_any_order_and_unknown_ones_are_ignored() -> None:
    doc = _doc("""
        ## Details

        ### `alpha-one`

        #### Release blockers

        | Blocker | Why it matters | Unblock action |
        |---|---|---|
        | Slow | Too slow | Profile it |

        **Status:** `blocked`

        Something else entirely:

        | Thing | Result |
        |---|---|
        | ignored | 1 |

        - ignored bullet

        **Next release action**

        Fix the `loader`.

        Canonical command:

        ```bash
        run it
        ```

        **Measured evidence:**

        | Gate | Result |
        |---|---|
        | kept | 0.5 |

        Website page: [/artifacts/alpha-one](https://example.org/x)
        """)
    alpha = _one(doc, "alpha-one")
    assert alpha.data == {
        "id": "alpha-one",
        "state": "blocked",
        "evidence": [{"gate": "kept", "value": "0.5"}],
        "blockers": [{"blocker": "Slow", "why": "Too slow", "unblock": "Profile it"}],
        "next_release_action": "Fix the loader.",
        "website": "https://example.org/x",
    }
    assert alpha.list_state is None and alpha.status_line_state == "blocked"
    assert doc.list_rows == [] and doc.list_table_line is None
    _check_shape(doc)


def test_status_line_with_trailing_decision_and_without_backticks() -> None:
    doc = _doc("""
        ### `a-1`

        Status: `report-only`; model decision: `reject`

        ### `b-2`

        Status: blocked, waiting on data

        ### `c-3`

        Status:

        `parked`
        """)
    assert [(a.id, a.data.get("state")) for a in doc.artifacts] == [
        ("a-1", "report-only"), ("b-2", "blocked"), ("c-3", "parked")]


def test_detail_state_wins_over_the_list_and_both_are_kept() -> None:
    text = """
        | Artifact | Type | State | Public value | Next release action |
        |---|---|---|---|---|
        | `x-1` | Demo | `parked` | v | n |

        ### `x-1`

        Status: `blocked`
        """
    doc = _doc(text)
    x1 = _one(doc, "x-1")
    assert (x1.list_state, x1.status_line_state, x1.data["state"]) == ("parked", "blocked",
                                                                      "blocked")
    assert x1.document.positions.value(("state",)).line == _line(text, "Status:")
    assert doc.list_table_line == 1  # found by its header, no heading needed


def test_missing_sections_are_absent_and_explicit_none_is_empty() -> None:
    doc = _doc("""
        ### `quiet-one`

        Status: `parked`

        Release blockers: none

        Competitive context:

        None.
        """)
    quiet = _one(doc, "quiet-one")
    assert quiet.data == {"id": "quiet-one", "state": "parked", "blockers": [], "competition": []}
    for absent in ("evidence", "next_release_action", "surface", "type", "public_value"):
        assert absent not in quiet.data


def test_detail_only_ids_follow_the_list_ids_and_duplicates_stay_separate() -> None:
    doc = _doc("""
        ## Current Public Artifact List

        | Artifact | Type | State | Public value | Next release action |
        |---|---|---|---|---|
        | `one` | T | `parked` | v | n |
        | `one` | T | `blocked` | v | n |

        ### `extra`

        Status: `parked`

        ### `one`

        Status: `report-only`
        """)
    assert [(a.id, a.list_state, a.status_line_state) for a in doc.artifacts] == [
        ("one", "parked", "report-only"), ("one", "blocked", None), ("extra", None, "parked")]


def test_list_table_under_its_heading_with_other_columns() -> None:
    doc = _doc("""
        | Artifact | Type | State |
        |---|---|---|
        | `decoy` | T | `parked` |

        ## Current public artifact list

        | State | Artifact | Type | Next release action |
        |---|---|---|---|
        | `blocked` | [`real-one`](#real-one) | Kind | Go |
        """)
    assert [(r.id, r.type, r.state, r.public_value, r.next_release_action)
            for r in doc.list_rows] == [("real-one", "Kind", "blocked", "", "Go")]
    real = _one(doc, "real-one")
    assert "public_value" not in real.data


def test_states_and_labels_tables() -> None:
    doc = _doc("""
        | Label | Meaning |
        |---|---|
        | `Direct` | Same everything. |
        | **Context** | Not the same. |

        ## Artifact States

        | State | Meaning |
        |---|---|
        | `release-ready-weights` | Public weights. |
        | `parked` | Idle. |
        """)
    assert [(r.name, r.meaning, r.line) for r in doc.labels] == [
        ("Direct", "Same everything.", 3), ("Context", "Not the same.", 4)]
    assert [(r.name, r.line) for r in doc.states] == [("release-ready-weights", 10),
                                                      ("parked", 11)]
    assert doc.artifacts == [] and doc.list_rows == []


def test_state_names_as_code_headings_are_not_artifacts() -> None:
    doc = _doc("""
        | State | Meaning |
        |---|---|
        | `parked` | Idle. |

        ### `parked`

        Details about the state.
        """)
    assert doc.artifacts == []


# --- malformed and hostile input ---------------------------------------------------------------

def test_malformed_tables_lose_only_what_cannot_be_read() -> None:
    doc = _doc("""
        | Artifact | Type | State | Public value | Next release action |
        |---|---|---|---|---|
        | `short-row` | T |
        | `long-row` | T | `parked` | v | n | extra | cells |
        | | T | `parked` | v | n |
        | `esc\\|aped` | T | `parked` | v | n |

        ### `short-row`

        Measured evidence:

        | Gate | Result |
        |---|---|---|
        | not a table | 1 |

        Release blockers:

        | Blocker |
        |---|
        | Only a name |
        """)
    assert [r.id for r in doc.list_rows] == ["short-row", "long-row", "esc|aped"]
    short = _one(doc, "short-row")
    assert short.data["type"] == "T" and "state" not in short.data
    assert "evidence" not in short.data  # the delimiter row does not match: no table
    assert short.data["blockers"] == [{"blocker": "Only a name"}]
    assert _one(doc, "long-row").data["next_release_action"] == "n"


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", "\ufeff", "|", "###", "Status:",
                                  "| a |\n|---|\n"])
def test_empty_and_trivial_input(text: str) -> None:
    doc = read_registry(text)
    assert doc == RegistryDocument([], None, [], [], [])


def test_bom_and_line_endings_keep_line_numbers() -> None:
    body = ["\ufeff## Current Public Artifact List", "", "| Artifact | Type | State |",
            "|---|---|---|", "| `a` | T | `parked` |", "", "### `a`", "", "Status: `blocked`"]
    for newline in ("\n", "\r\n", "\r"):
        doc = read_registry(newline.join(body))
        a = _one(doc, "a")
        assert doc.list_rows[0].line == 5
        assert a.document.positions.find(("state",)) == Position(9, 10)


WEIRD = [
    "\udcff\udcfe broken bytes \ud800",
    "### `\udcff`\n\nStatus: `\ud800`\n\nMeasured evidence:\n\n"
    "| Gate | x |\n|---|---|\n| \x00 | \x7f |",
    "\x00" * 200,
    "> " * 5000 + "| a |",
    "[" * 5000 + "`" * 5000,
    "".join("  " * i + "- `x`\n" for i in range(300)),
    "| Artifact | Type | State |\n|---|---|---|\n" + "| `a` | \\| | ` |\n" * 100,
    "### `a`\nCommitted surface:\n-\n- ``\n- `` ` ``\n",
    "\u2028\u2029\x0b\x0c\x1c### `a`\x85Status: `b`",
]


@pytest.mark.parametrize("text", WEIRD)
def test_weird_input_never_raises(text: str) -> None:
    doc = read_registry(text)
    assert isinstance(doc, RegistryDocument)
    for artifact in doc.artifacts:
        _check_positions(artifact)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "| Artifact | Type | State |\n", "|---|---|---|\n", "| `a` | T | `s` |\n", "### `a`\n",
    "Status: ", "`blocked`", "Measured evidence:\n", "| Gate | Stock | Ours |\n",
    "| g | 0.5 | - |\n", "Release blockers:\n", "- `x`\n", "**", "\n", "\r", "> ", "  ",
    "Next release action:\n", "```\n", "\udcff", "\x00", "|", "`", "\\",
]) | st.text(max_size=8), max_size=40))
def test_fuzzed_documents_never_raise(parts: list[str]) -> None:
    doc = read_registry("".join(parts))
    for artifact in doc.artifacts:
        assert isinstance(artifact.data, dict)
        _check_positions(artifact)


def test_a_large_document_is_read_whole() -> None:
    # Speed is measured by bench/run.py, not asserted here (issue 7: no timed unit tests).
    block = "\n".join(f"### `a{i}`\n\nStatus: `parked`\n\nMeasured evidence:\n\n"
                      f"| Gate | Result |\n|---|---|\n| g | 0.{i} |\n" for i in range(1500))
    doc = read_registry(block)
    assert len(doc.artifacts) == 1500
    assert doc.artifacts[-1].data["evidence"] == [{"gate": "g", "value": "0.1499"}]


# --- the real upstream document, three versions -------------------------------------------------

VERSIONS = ("00a7e3f", "b1d8637", "174cd32")


def _upstream(version: str) -> tuple[str, RegistryDocument]:
    path: Path = shared_dir() / "corpus" / "upstream" / f"public-artifacts@{version}.md"
    text = path.read_text(encoding="utf-8")
    return text, read_registry(text)


def _real_line(text: str, needle: str, after: str | None = None) -> int:
    lines = text.split("\n")
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


EARLY_IDS = ["qwen3-4b-file-ops-distilled", "qwen06-sql-routed-v1", "factory-run-schema-v1",
             "browser-playground"]
LATE_IDS = ["pace-intent-router-v8", "qwen3-4b-file-ops-distilled", "qwen3-4b-rest-fused",
            "qwen3-4b-multibackend-distilled", "vibethinker-3b-mlx",
            "vibethinker-3b-agentic-distilled", "hf-specialist-model-archive-v1",
            "qwen06-sql-routed-v1", "factory-run-schema-v1", "browser-playground"]


@pytest.mark.parametrize("version,ids", [("00a7e3f", EARLY_IDS), ("b1d8637", EARLY_IDS),
                                         ("174cd32", LATE_IDS)])
def test_upstream_artifacts(version: str, ids: list[str]) -> None:
    text, doc = _upstream(version)
    assert [a.id for a in doc.artifacts] == ids
    assert [r.id for r in doc.list_rows] == ids
    assert doc.list_table_line == _real_line(text, "| Artifact | Type | State |")
    assert [r.name for r in doc.labels] == ["Direct", "Directional", "Not comparable"]
    _check_shape(doc)


@pytest.mark.parametrize("version,sql_state,undeclared,admits_weights", [
    ("00a7e3f", "candidate-current-best", set(), False),
    ("b1d8637", "report-ready-candidate", {"report-ready-candidate"}, False),
    ("174cd32", "report-ready-candidate", {"report-ready-candidate"}, True),
])
def test_upstream_states_against_their_own_states_table(
        version: str, sql_state: str, undeclared: set[str], admits_weights: bool) -> None:
    _, doc = _upstream(version)
    declared = {row.name for row in doc.states}
    used = {a.list_state for a in doc.artifacts} | {a.status_line_state for a in doc.artifacts}
    assert used - {None} - declared == undeclared
    assert ("release-ready-weights" in declared) is admits_weights
    sql = _one(doc, "qwen06-sql-routed-v1")
    assert (sql.list_state, sql.status_line_state, sql.data["state"]) == (sql_state,) * 3
    for artifact in doc.artifacts:  # no version lets the list and a Status line disagree
        if artifact.status_line_state is not None:
            assert artifact.status_line_state == artifact.list_state


def test_upstream_states_per_artifact_in_the_latest_version() -> None:
    _, doc = _upstream("174cd32")
    assert {a.id: a.data["state"] for a in doc.artifacts} == {
        "pace-intent-router-v8": "release-ready-weights",  # its Status line adds a decision
        "qwen3-4b-file-ops-distilled": "release-ready-weights",
        "qwen3-4b-rest-fused": "release-ready-weights",
        "qwen3-4b-multibackend-distilled": "report-only",
        "vibethinker-3b-mlx": "report-only",
        "vibethinker-3b-agentic-distilled": "blocked",
        "hf-specialist-model-archive-v1": "report-only",
        "qwen06-sql-routed-v1": "report-ready-candidate",
        "factory-run-schema-v1": "report-only",
        "browser-playground": "parked",
    }
    assert [r.name for r in doc.states] == [
        "release-ready-metadata", "release-ready-weights", "candidate-current-best",
        "report-only", "blocked", "parked"]


@pytest.mark.parametrize("version,blockers", [
    ("00a7e3f", {"qwen3-4b-file-ops-distilled": 3, "qwen06-sql-routed-v1": 5}),
    ("b1d8637", {"qwen3-4b-file-ops-distilled": 3, "qwen06-sql-routed-v1": 5}),
    ("174cd32", {"pace-intent-router-v8": 2, "qwen3-4b-file-ops-distilled": 2,
                 "vibethinker-3b-mlx": 2, "vibethinker-3b-agentic-distilled": 3,
                 "hf-specialist-model-archive-v1": 2, "qwen06-sql-routed-v1": 5}),
])
def test_upstream_blockers(version: str, blockers: dict[str, int]) -> None:
    _, doc = _upstream(version)
    with_table = {a.id: len(a.data["blockers"]) for a in doc.artifacts if "blockers" in a.data}
    assert with_table == blockers
    # the rest have no blockers table at all (AL301 for the non-shipped ones)
    for artifact in doc.artifacts:
        for row in artifact.data.get("blockers", []):
            assert set(row) == {"blocker", "why", "unblock"}
            assert all(row.values())


def test_upstream_without_blockers_in_the_latest_version() -> None:
    _, doc = _upstream("174cd32")
    assert sorted(a.id for a in doc.artifacts if "blockers" not in a.data) == [
        "browser-playground", "factory-run-schema-v1", "qwen3-4b-multibackend-distilled",
        "qwen3-4b-rest-fused"]


@pytest.mark.parametrize("version", VERSIONS)
def test_upstream_file_ops_evidence(version: str) -> None:
    text, doc = _upstream(version)
    file_ops = _one(doc, "qwen3-4b-file-ops-distilled")
    assert file_ops.data["evidence"] == [
        {"gate": "File-ops hard gate", "value": "1.00", "baseline": "0.58", "baseline_name": "Stock"},
        {"gate": "File-ops hardgen heldout", "value": "0.95"},
        {"gate": "Out-of-domain breadth", "value": "0.423", "baseline": "0.596",
         "baseline_name": "Stock"},
    ]
    values = dict(file_ops.document.positions.items())
    assert values[("evidence", 0, "gate")].line == _real_line(
        text, "| File-ops hard gate |", after="### `qwen3-4b-file-ops-distilled`")
    assert values[("evidence",)].line == _real_line(
        text, "| Gate | Stock |", after="### `qwen3-4b-file-ops-distilled`")
    assert values[("state",)].line == _real_line(
        text, "Status:", after="### `qwen3-4b-file-ops-distilled`")
    assert values[("type",)].line == _real_line(text, "| `qwen3-4b-file-ops-distilled` |")
    assert file_ops.data["surface"][:5] == [
        "specialists/qwen3-4b-file-ops-distilled/model_card.md",
        "specialists/qwen3-4b-file-ops-distilled/eval_report.json",
        "specialists/qwen3-4b-file-ops-distilled/tinygpt.lock.json",
        "specialists/qwen3-4b-file-ops-distilled/prompt.md",
        "specialists/registry.json",
    ]


@pytest.mark.parametrize("version,own_system", [
    ("00a7e3f", "TinyGPT routed SQL v1"),
    ("b1d8637", "TinyGPT routed SQL v1"),
    ("174cd32", "posttrainllm routed SQL v1"),
])
def test_upstream_sql_competition_and_evidence(version: str, own_system: str) -> None:
    text, doc = _upstream(version)
    sql = _one(doc, "qwen06-sql-routed-v1")
    competition = sql.data["competition"]
    assert [(r["system"], r["score"], r["label"]) for r in competition] == [
        (own_system, "0.531 / 0.860", "Direct"),
        ("T5-small local baseline", "0.484", "Direct"),
        ("Defog SQLCoder-7B-2", "77.1-96%", "Directional"),
        ("Arctic-Text2SQL-R1-7B", "68.47%", "Not comparable"),
        ("Arctic-Text2SQL-R1-14B / 32B", "70.04% / 71.83%", "Not comparable"),
    ]
    assert {r["label"] for r in competition} <= {r.name for r in doc.labels}
    assert [(r["gate"], r["value"]) for r in sql.data["evidence"]][:4] == [
        ("Public b-mc2 exact, 64 rows", "0.531"),
        ("T5-small public baseline, same 64 rows", "0.484"),
        ("Synthetic SQLite execution, 50 rows", "0.860"),
        ("Synthetic SQLite exact, 50 rows", "0.840"),
    ]
    assert isinstance(sql.data["evidence"][4]["value"], str)  # the router smoke is text
    assert [(r["attempt"], r["results"]["Public exact"], r["decision"])
            for r in sql.data["rejected_alternatives"]] == [
        ("Single public v4 adapter", "0.531", "route required"),
        ("Blended SFT v1", "0.297", "reject"),
        ("Best static LoRA composition tested", "0.516", "reject"),
        ("BIRD+b-mc2 v5", "0.438", "reject"),
    ]
    assert len(sql.data["source_notes"]) == 4
    assert sql.data["website"] == "/artifacts/qwen06-sql-routed-v1"
    nra = sql.data["next_release_action"]
    assert "qwen06-sql-routed-v1" in nra and "`" not in nra and "**" not in nra
    assert "T5" in nra  # the win claim the linter checks against the Direct T5 row
    values = dict(sql.document.positions.items())
    assert values[("competition", 1, "label")].line == _real_line(
        text, "| T5-small local baseline |")
    assert values[("next_release_action",)].line == _real_line(
        text, "Publish `qwen06-sql-routed-v1`")


def test_upstream_latest_version_new_tables() -> None:
    _, doc = _upstream("174cd32")
    pace = _one(doc, "pace-intent-router-v8")
    # `| Gate | Pace v8 | Qwen3 4B | Apple FM | Frontier |`: the first system column is the entry's own
    assert [(r["gate"], r["value"]) for r in pace.data["evidence"]] == [
        ("Source-matched synthetic holdout", "95.5%"),
        ("Sealed V1 exact accuracy", "57.1%"),
        ("Sealed V1 unknown recall", "55.6%"),
        ("Mean warm latency", "3.8ms"),
    ]
    assert all("note" not in r for r in pace.data["evidence"])
    # ... and the other columns are competitors, one unlabelled row per scored gate ("not run" and
    # "batch timing not comparable" are no scores)
    rivals = [(r["system"], r["gate"], r["score"]) for r in pace.data["competition"]]
    assert rivals == [
        ("Qwen3 4B", "Sealed V1 exact accuracy", "93.7%"),
        ("Qwen3 4B", "Sealed V1 unknown recall", "77.8%"),
        ("Qwen3 4B", "Mean warm latency", "211ms"),
        ("Apple FM", "Source-matched synthetic holdout", "76.5% on a separate 200-row source-matched slice"),
        ("Apple FM", "Sealed V1 exact accuracy", "92.1%"),
        ("Apple FM", "Sealed V1 unknown recall", "77.8%"),
        ("Apple FM", "Mean warm latency", "522ms"),
        ("Frontier", "Sealed V1 exact accuracy", "100%"),
        ("Frontier", "Sealed V1 unknown recall", "100%"),
    ]
    assert all(r["metric"] == r["gate"] and "label" not in r and "self" not in r
               for r in pace.data["competition"])
    # the HF repo line of the surface list is the weights' location, not a surface path
    assert pace.data["weights"] == {"location": "https://huggingface.co/posttrainllm/pace-intent-router-v8"}
    assert not any("huggingface" in item for item in pace.data["surface"])
    assert pace.data["performance"]["latency_ms"] == 3.8  # "Mean warm latency | 3.8ms"
    assert "It is not the production result." in pace.data["provenance"]["readiness"]
    rest = _one(doc, "qwen3-4b-rest-fused")
    assert rest.data["evidence"] == [
        {"gate": "File-ops hard gate", "value": "1.00", "baseline": "0.58", "baseline_name": "Stock"},
        {"gate": "Out-of-domain breadth", "value": "0.65", "baseline": "0.596",
         "baseline_name": "Stock"},
    ]
    performance = rest.data["performance"]
    assert [performance[k] for k in ("latency_ms", "ram_gb", "tokens_per_s", "eval_time_s")] == [None] * 4
    assert performance["note"].startswith("The historical run did not preserve latency, RAM, tok/s")
    multi = _one(doc, "qwen3-4b-multibackend-distilled")
    ledger = {r["gate"]: r["value"] for r in multi.data["evidence"]}
    assert ledger["Multibackend distillation / Out-of-domain breadth"] == "31%"
    assert ledger["Stock Qwen3-4B / File-ops depth"] == "58%"
    assert len(ledger) == 8  # its prose states differences ("11.3 points below"), no new figure
    assert multi.data["weights"]["location"].endswith("/qwen3-4b-multibackend-distilled")
    # evidence stated only in prose is evidence
    mlx = _one(doc, "vibethinker-3b-mlx")
    assert [(r["gate"], r["value"]) for r in mlx.data["evidence"]] == [
        ("Historical local GSM8K sanity screen", "40/40")]
    assert "stated in prose" in mlx.data["evidence"][0]["note"].lower()
    assert "not a model trained by" in mlx.data["provenance"]["source"]
    # the archive's readout table: rows whose readout states numbers are evidence
    archive = _one(doc, "hf-specialist-model-archive-v1")
    assert [(r["gate"], r["value"][:12]) for r in archive.data["evidence"]] == [
        ("pace-intent-router-v8", "57.1% sealed"), ("mt4b_fused", "File-ops har"),
        ("mt4b_rest_fused", "ReST breadth"), ("mt4b_mb_fused", "Negative-tra")]
    assert archive.data["provenance"]["source"].startswith("Purpose:")
    agentic = _one(doc, "vibethinker-3b-agentic-distilled")
    assert "evidence" not in agentic.data  # it says its eval is missing, and states no figure
    assert set(agentic.data["provenance"]) == {"source", "evaluation", "readiness"}
    file_ops = _one(doc, "qwen3-4b-file-ops-distilled")
    assert file_ops.data["notes"] == [  # a shell command is no surface path
        "HF staging command: python3 scripts/plan_hf_artifact_upload.py specialists/qwen3-4b-file-ops-distilled"
        " --repo-id posttrainllm/qwen3-4b-file-ops-distilled"]
    assert all(" " not in item for item in file_ops.data["surface"])
    for artifact_id in ("factory-run-schema-v1", "browser-playground"):
        only_list = _one(doc, artifact_id)
        assert only_list.status_line_state is None
        assert set(only_list.data) == {"id", "type", "state", "public_value",
                                       "next_release_action"}


@pytest.mark.parametrize("version", VERSIONS)
def test_upstream_sql_self_row_gate_shape_and_performance(version: str) -> None:
    text, doc = _upstream(version)
    sql = _one(doc, "qwen06-sql-routed-v1")
    own, t5 = sql.data["competition"][:2]
    assert own["self"] is True and "gate" not in own  # "Current local candidate."
    assert not any(row.get("self") for row in sql.data["competition"][1:])
    # metric `b-mc2 exact` and "Same 64-row public slice" name one gate; the T5 line of the evidence
    # table is the baseline's own score (0.484), never its gate
    assert t5["gate"] == "Public b-mc2 exact, 64 rows"
    evidence = {row["gate"]: row["value"] for row in sql.data["evidence"]}
    assert (evidence[t5["gate"]], t5["score"]) == ("0.531", "0.484")  # +4.7 points
    # `Current artifact shape`: the public adapter under runs/ is the private weights location; the
    # rest (second adapter, routers, smokes, fixtures, reports) are notes, never surface paths
    assert sql.data["weights"] == {
        "location": "runs/2026-07-02-sql-public-bmc2/qwen06-public-bmc2-v4-joinweighted.lora"}
    assert "surface" not in sql.data
    assert sql.data["notes"][:2] == [
        "Synthetic adapter: runs/2026-07-02-sql-expanded-qwen06/qwen06-sql-expanded.lora",
        "Router: scripts/run_sql_routed_generate.py"]
    assert sql.document.positions.value(("weights", "location")).line == _real_line(
        text, "qwen06-public-bmc2-v4-joinweighted.lora")
    # its release blocker says the performance numbers are missing
    assert sql.data["performance"]["latency_ms"] is None
    assert sql.data["performance"]["note"].startswith("Release blocker: Performance numbers missing")


# --- identical results: golden snapshots taken with the full-inline-parse reader ----------------
#
# tests/fixtures/registry_doc/golden.json was written by the reader that ran markdown-it's inline
# parser over every cell (before the fast path for plain cells); `_snapshot` of today's reader
# must equal it exactly: every list and policy row, every artifact's data (value types and key
# order included) and every position, in insertion order.

REGISTRY_DOC_FIXTURES = Path(__file__).parent / "fixtures" / "registry_doc"
GOLDEN = REGISTRY_DOC_FIXTURES / "golden.json"

MARKUP = (r"""
# Registry &amp; friends

## Comparability Labels

| Label | Meaning |
|---|---|
| `Direct` | Same **fixture** &amp; scorer. |
| *Directional* | [Context](https://example.org/ctx) only \| not a claim. |
| Not&nbsp;comparable | <b>Public</b> high bar, see <https://example.org/bar>. |

## Artifact States

| State | Meaning |
|---|---|
| `release-ready-metadata` | Package ` committed ` and `` `ticked` ``. |
| `blocked` | Waits on __an unblocker__ &mdash; named. |
| `parked` | Not_now, snake_case_name and _underscored_ words. |

## Current Public Artifact List

| Artifact | Type | State | Public value | Next release action |
|---|---|---|---|---|
| `tiny-router-v2` | Routed **specialist** | `candidate-current-best` |"""
          r""" Router hits 0.812 on the [toy](https://x.org/toy "t") slice. | Write the report &amp; ship. |
| `pipe-cell` | Adapter \| LoRA | `blocked` | A \| B \\| C, `code \| pipe` | Escape \*stars\* and \_under\_ \`ticks\`. |
| `entity-cell` | &lt;Demo&gt; | `parked` | &copy; 2024 &#35;1 &#x41; &bogus; & alone |"""
          r""" ![logo](logo.png "Logo") and ![*alt* text][ref] |
| `spaced-code` | a` b `c | ` parked ` | ``double ` tick`` and `unclosed | x `` y |
| `emph-mix` | ***strong em*** | `report-only` | **bold *nested* bold** and *a **b** c* | ** stray and ** more ** |
| `html-cell` | <span class="t">Typed</span> | `blocked` | <!-- comment --> visible | a<br>b <x@example.org> <notalink |
| `ref-link` | [Kind][ref] | `parked` | [undefined][nope] and [ref] | [a](<b c>) `[not](link)` |
| `tabs-and-spaces` | Routed	specialist | `parked` |   lots   of    space   | trailing \ |
| `unicode` | Ünïcödé — “quotes” | `parked` | 0.5 ± 0.1 | –  |
| `plain-00001` | Distilled adapter | `candidate-current-best` | A routed unit conversion specialist. |"""
          r""" Publish as a report; package once a gate exists. |
| `escaped-backslash` | back\\slash \\ | `parked` | a\\*b\\* | \# not a heading \[x\] |
| `bang` | Wow! Really!! | `parked` | !not an image | ![]() empty |

[ref]: https://example.org/ref "Ref title"

## Artifact Details

### `tiny-router-v2`

Status: `report-only`

Committed surface:

- `specialists/tiny-router-v2/model_card.md`
- Hub copy: `https://example.org/tiny-router-v2`
- [Card](https://example.org/card) &amp; more

Measured evidence:

| Gate | Stock | Specialist | Metric | n | Note |
|---|---:|---:|---|---:|---|
| **Toy exact**, 40 rows | 0.700 | 0.812 | `exact` | 1,200 | see [notes](n.md) |
| Toy \| recall | 50% | 58% | *recall* | 40 | &ge; target |
| `Smoke` | - | all green | | | |
| Not yet run | &ndash; | &mdash; | | | |

Competitive context:

| System | Metric | Score | Comparable? | Readout |
|---|---|---:|---|---|
| [Toy baseline](https://x.org) | toy&nbsp;exact | 0.700 | `Direct` | Same **forty** rows. |
| BigModel\|70B | vendor suite | 77.1-90% | *Directional* | Different suite &amp; prompt. |

Release blockers:

| Blocker | Why it matters | Unblock action |
|---|---|---|
| No `latency` run | Users need <em>speed</em> numbers. | Time one `generate` call. |

Next release action:

Publish the **toy report** with `tiny-router-v2` numbers &amp; [a link](https://x.org).

Website page: [the page](/artifacts/tiny-router-v2)

Rejected alternatives:

| Attempt | Toy exact | Toy recall | Decision |
|---|---:|---:|---|
| Single **adapter** | 0.640 | - | reject \| retry |
| `two-stage` | 0.70 | 61% | *keep* |

External source notes:

- `toy/baseline` is rerun locally;
  numbers are ours.
- Vendor numbers are self-reported &amp; unchecked.

### `pipe-cell`

**Status:** `blocked`

**Measured evidence:**

| Attempt | Score A | Score B | Decision |
|---|---:|---:|---|
| first \| try | 0.1 | `0.2` | keep |
| **second** | - | 0.3 | *drop* |

### `entity-cell`

Status: parked &amp; waiting

Measured evidence:

| Check | Baseline | Ours | Extra |
|---|---:|---:|---|
| &lt;tag&gt; | 1 | 2 | &#35;3 |
""")


def _snapshot(doc: RegistryDocument, text: str) -> dict[str, Any]:
    """Everything a reader returns, as JSON-able values (insertion order kept)."""

    def positions(store: Iterator[tuple[Any, Position]]) -> list[list[Any]]:
        return [[list(path), pos.line, pos.column] for path, pos in store]

    return {
        "list_rows": [[r.id, r.type, r.state, r.public_value, r.next_release_action, r.line]
                      for r in doc.list_rows],
        "list_table_line": doc.list_table_line,
        "states": [[r.name, r.meaning, r.line] for r in doc.states],
        "labels": [[r.name, r.meaning, r.line] for r in doc.labels],
        "artifacts": [{
            "id": a.id,
            "status_line_state": a.status_line_state,
            "list_state": a.list_state,
            "text_is_input": a.document.text == text,
            "data": a.document.data,
            "values": positions(a.document.positions.items()),
            "keys": positions(a.document.positions.items(key=True)),
        } for a in doc.artifacts],
    }


def _golden_inputs() -> dict[str, str]:
    """Name -> document text for every golden case that needs no shared corpus."""
    markup = MARKUP.lstrip("\n")
    synthetic = (REGISTRY_DOC_FIXTURES / "synthetic-30.md").read_text(encoding="utf-8")
    return {
        "markup": markup,
        "markup-crlf-bom": "\ufeff" + markup.replace("\n", "\r\n"),
        "markup-cr": markup.replace("\n", "\r"),
        "full": textwrap.dedent(FULL).lstrip("\n"),
        "synthetic-30": synthetic,
        "nul-and-tabs": "## Artifact list\n\n| Artifact | Type |\n|---|---|\n| `a\x00b` | x\x00`y`\t*z* |\n",
    }


def _upstream_inputs() -> dict[str, str]:
    folder = shared_dir() / "corpus" / "upstream"
    return {f"upstream@{v}": (folder / f"public-artifacts@{v}.md").read_text(encoding="utf-8")
            for v in VERSIONS}


def _assert_golden(name: str, text: str) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    actual = json.loads(json.dumps(_snapshot(read_registry(text), text)))
    assert actual == expected
    # equal as JSON text too: key order, and 1 vs 1.0
    assert json.dumps(actual) == json.dumps(expected)


@pytest.mark.parametrize("name", sorted(_golden_inputs()))
def test_results_equal_the_golden_snapshot(name: str) -> None:
    _assert_golden(name, _golden_inputs()[name])


@pytest.mark.parametrize("version", VERSIONS)
def test_upstream_results_equal_the_golden_snapshot(version: str) -> None:
    _assert_golden(f"upstream@{version}", _upstream_inputs()[f"upstream@{version}"])


# --- the fast path against stock markdown-it ------------------------------------------------
#
# read_blocks inline-parses a table cell only when its text holds inline markup; that must give
# exactly what markdown-it's inline parser gives. The table rule is checked against markdown-it's
# in test_registry_table_rule.py.


_CELL_PARTS = [
    "a", "Bc", "1.5", " ", "  ", "\t", "\xa0", "`", "``", "` ", " `", "*", "**", "_", "__",
    "\\", "\\|", "\\*", "\\`", "&", "&amp;", "&#35;", "&#x41;", "&bogus;", "&nbsp;", "<", ">",
    "<b>", "</b>", "<!-- c -->", "<https://x.org>", "<a@b.org>", "[", "]", "(", ")", "[x](y)",
    "[r]", "![i](s)", "![", "!", "~", "~~", "#", "-", "—", "é", ":", "|", "\n",
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_CELL_PARTS), max_size=10))
def test_cell_text_equals_the_full_inline_parse(parts: list[str]) -> None:
    content = "".join(parts)
    [stock] = MarkdownIt("commonmark").enable("table").parseInline(content)
    assert cell_text(content, parser(), {}) == reduce_inline(stock.children or [])
