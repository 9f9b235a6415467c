"""Reading a registry entry as a reviewer would (artifact-format §6.1): the text heuristics.

Real entries are written for people: a figure stated in a sentence, provenance told
in a paragraph, latency in an evidence row, an `HF repo:` line instead of a
`weights` field. `registry_entry` collects an entry's tables, lists and prose; the
functions here decide, on plain strings and row dicts only, what those say:

- `list_item(text, code)`: a surface or artifact-shape bullet as (label, value);
  `is_command`, `is_hub_repo`, `is_private_path`, `names_weights` classify it;
- `prose_figure(sentence)`: the gate and value of a sentence that states a measured
  figure ("... screen scored 38/40");
- `provenance(sentences)`: `source`, `evaluation`, `readiness`, picked by cue words;
- `figures(text)`, `says_not_recorded(text)`, `performance(...)`: runtime figures, or
  the sentence saying they were not recorded;
- `is_self_row(...)`: the competition row that describes the artifact itself;
- `resolve_gate(row, evidence)`: the one evidence gate a `Direct` row's metric and
  readout identify.

Nothing here names a particular system or artifact: the cues are generic words.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, NamedTuple, Sequence

from artifact_lint.analysis.measures import NOT_MEASURED, find_numbers, parse_measure

# --- sentences and list items ------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_ITEM_LABEL = re.compile(r"^([A-Za-z][\w ./'&()-]{0,48}?)\s*:\s+(\S.*)$", re.S)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (a period, `!` or `?`, a space, then a capital or digit)."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def list_item(text: str, code: Sequence[str]) -> tuple[str, str]:
    """A bullet as (label, value): `Label: `value`` or `` `value` `` or plain text.

    The value is the item's one code span when it has exactly one, else its text after
    the label; the label is "" when there is none.
    """
    match = _ITEM_LABEL.match(text)
    label, rest = (match.group(1).strip(), match.group(2).strip()) if match else ("", text.strip())
    if "/" in label or ("." in label and " " not in label):  # `docs/x.md: ...` is a path, not a label
        label, rest = "", text.strip()
    value = code[0].strip() if len(code) == 1 and code[0].strip() else rest
    return label, value


_PROGRAMS = frozenset({
    "python", "python3", "python2", "py", "pypy3", "bash", "sh", "zsh", "fish", "uv", "uvx", "pip",
    "pip3", "pipx", "poetry", "pdm", "hatch", "conda", "mamba", "micromamba", "tox", "nox",
    "pytest", "npm", "npx", "pnpm", "yarn", "node", "deno", "bun", "make", "just", "cmake",
    "cargo", "rustc", "go", "git", "gh", "docker", "podman", "kubectl", "curl", "wget", "rsync",
    "scp", "ssh", "tar", "unzip", "huggingface-cli", "hf", "aws", "gsutil", "rclone", "sudo",
    "env", "cd", "export", "source", "ruby", "perl", "java", "swift", "xcrun", "ollama",
})
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=\S*$")


def is_command(value: str) -> bool:
    """A shell command: words separated by spaces, the first (after `$ ` and `VAR=x`
    assignments) a program such as `python3`, `bash`, `uv`, `pip`, or a `./script`."""
    words = value.split()
    if words and words[0] == "$":
        words = words[1:]
    while words and _ENV_ASSIGNMENT.match(words[0]):
        words = words[1:]
    if len(words) < 2:
        return False
    first = words[0]
    return first.rsplit("/", 1)[-1].lower() in _PROGRAMS or first.startswith("./")


_HUB_REPO = re.compile(
    r"^(?:https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/|papers/)"
    r"[\w.-]+/[\w.-]+/?(?:tree/\S*)?$|hf://\S+$)", re.IGNORECASE)
_HUB_LABEL = re.compile(r"^(?:hf|hugging\s?face|hub)(?:\s+hub)?(?:\s+(?:model|weights))?"
                        r"(?:\s+(?:repo|repository|url|link|page))?$", re.IGNORECASE)
_PRIVATE_PATH = re.compile(
    r"(?:^|/)(?:runs|\.cache|caches?)/|^~|^/(?:Users|home|root|tmp|mnt|Volumes|private|var)/"
    r"|^[A-Za-z]:[\\/]|^file:", re.IGNORECASE)
_WEIGHTS_LABEL = re.compile(r"\b(?:adapters?|weights|checkpoints?|lora|fused\s+model|model\s+files?"
                            r"|gguf|safetensors)\b", re.IGNORECASE)


def is_hub_repo(value: str) -> bool:
    """A Hugging Face model repository URL (`https://huggingface.co/<org>/<name>`, `hf://...`)."""
    return bool(_HUB_REPO.match(value.strip()))


def is_hub_label(label: str) -> bool:
    """`HF repo`, `Hugging Face repo`, `Hub URL`..."""
    return bool(label) and bool(_HUB_LABEL.match(label.strip()))


def is_private_path(value: str) -> bool:
    """A path on one machine: under `runs/`, a cache, a home folder, or absolute."""
    value = value.strip()
    return " " not in value and bool(_PRIVATE_PATH.search(value))


def names_weights(label: str) -> bool:
    """A label such as `Public adapter`, `Weights`, `Fused checkpoint`."""
    return bool(_WEIGHTS_LABEL.search(label))


# --- measured figures in prose -------------------------------------------------------------

# A figure a sentence states as measured: a count out of a total (`40/40`), a percent or a
# decimal, right after a verb of measuring; never a difference (`11.3 points`) or a size.
_FIGURE = r"\d+\s?/\s?\d+(?![\d.])|\d+(?:\.\d+)?\s?%|\d*\.\d+"
_VERBS = (r"scor(?:ed|es|ing)|reach(?:ed|es)|achiev(?:ed|es)|measured(?:\s+at)?|hit|hits|got|gets"
          r"|record(?:ed|s)|land(?:ed|s)(?:\s+at)?|pass(?:ed|es)|(?:fell|falls|rose|rises|dropped|drops"
          r"|improved|improves|climbed|climbs)\s+to|was|were|is|are")
_STATED = re.compile(
    rf"(?P<subject>^.*?)\b(?:{_VERBS})\s+(?:only\s+|about\s+|around\s+|roughly\s+|exactly\s+|at\s+)?"
    rf"(?P<value>{_FIGURE})(?!\s?(?:points?|pp|pts?|percentage|x\b)|[\w-])",
    re.IGNORECASE)
_A_FIGURE = re.compile(r"\d\s?/\s?\d|\d\s?%|\.\d")
_LEADING_WORDS = re.compile(r"^(?:(?:a|an|the|our|this|that|its|their)\s+)+", re.IGNORECASE)


class ProseFigure(NamedTuple):
    gate: str
    value: str  # as written


def prose_figure(sentence: str) -> ProseFigure | None:
    """The gate and value of a sentence that states a measured figure, or None.

    "A local toy sanity screen scored 38/40, ..." gives
    ("Local toy sanity screen", "38/40").
    """
    if not _A_FIGURE.search(sentence):  # most sentences state none: skip the slower pattern
        return None
    match = _STATED.search(sentence)
    if match is None:
        return None
    subject = match["subject"].strip(" ,;:-\u2014\u2013")
    subject = re.split(r"[;:,\u2014\u2013]\s+", subject)[-1].strip()  # the clause the verb belongs to
    words = _LEADING_WORDS.sub("", subject).split()
    if not words or len(words) > 12:
        return None
    gate = " ".join(words)
    return ProseFigure(gate[0].upper() + gate[1:], " ".join(match["value"].split()))


# --- provenance --------------------------------------------------------------------------

class _Cue:
    """Cue words: whole words, word beginnings, and phrases (all lower case)."""

    def __init__(self, words: frozenset[str], starts: tuple[str, ...], phrases: tuple[str, ...]) -> None:
        self.words = words
        self.starts = re.compile(r"(?<![a-z0-9])(?:" + "|".join(starts) + ")")
        self.phrases = phrases

    def found(self, words: set[str], lowered: str) -> bool:
        return (not self.words.isdisjoint(words) or self.starts.search(lowered) is not None
                or any(phrase in lowered for phrase in self.phrases))


_PROVENANCE_CUES = {
    "source": _Cue(frozenset({
        "trained", "training", "tuned", "finetuned", "conversion", "fused", "merged", "adapter", "adapters",
        "weights", "checkpoint", "checkpoints", "upstream", "built", "generated", "derived", "sourced",
        "uploaded", "cache", "cached", "caches", "stored", "storage", "hosted", "corpora", "corpus", "dataset",
        "datasets"}), ("distill", "convert", "origin"),
        ("came from", "comes from", "come from", "base model", "artifact store", "data set")),
    "evaluation": _Cue(frozenset({
        "tested", "test", "tests", "holdout", "held", "gate", "gates", "sealed", "screen", "screens", "parity",
        "slice", "slices", "run", "ran", "rerun", "accuracy", "overlap", "verified", "baseline"}),
        ("eval", "benchmark", "measur", "scor"), ("report card",)),
    "readiness": _Cue(frozenset({
        "ready", "readiness", "production", "decision", "decided", "until", "caveat", "blocked", "blocker",
        "blockers", "claim", "claims", "outcome", "index"}), ("ship", "packag", "promot", "releas", "reject"),
        ("not yet", "do not", "don't", "should not", "must not", "case study")),
}
_PATHS = re.compile(r"\S*[/\\]\S*")


def provenance(prose: Sequence[str]) -> dict[str, str] | None:
    """`source`, `evaluation`, `readiness` from an entry's prose sentences, or None without prose.

    Each takes the sentences holding one of its cue words (not inside a path or URL:
    `x-fused.html` is no cue), in order; one that no sentence speaks to takes the
    whole prose.
    """
    prose = [sentence for sentence in prose if sentence]
    if not prose:
        return None
    whole = " ".join(prose)
    lowered = [(_PATHS.sub(" ", s) if "/" in s or "\\" in s else s).lower() for s in prose]
    found = [(set(_WORD.findall(text)), text) for text in lowered]
    result = {}
    for key, cue in _PROVENANCE_CUES.items():
        picked = [sentence for sentence, (words, text) in zip(prose, found, strict=True) if cue.found(words, text)]
        result[key] = " ".join(picked) if picked else whole
    return result


# --- performance -------------------------------------------------------------------------

FIGURES = ("latency_ms", "ram_gb", "tokens_per_s", "eval_time_s")
_NUM = r"(?<![\w.])(\d+(?:\.\d+)?)\s?"
_LATENCY = re.compile(r"\b(?:latency|latencies|response\s+time|time\s+to\s+first\s+token|ttft)\b", re.I)
_LATENCY_VALUE = re.compile(_NUM + r"(ms|milliseconds?|s|secs?|seconds?)\b", re.I)
_RAM = re.compile(r"\b(?:ram|memory|vram|rss|peak\s+mem\w*)\b", re.I)
_RAM_VALUE = re.compile(_NUM + r"(gb|gib|mb|mib)\b", re.I)
_TOKENS_VALUE = re.compile(_NUM + r"(?:tok/s|tokens?/s(?:ec)?|tokens?\s+per\s+second|t/s)(?!\w)", re.I)
_EVAL_TIME = re.compile(r"\beval(?:uation)?\s+(?:time|took|wall[- ]?time|run\s+took)\b", re.I)
_EVAL_TIME_VALUE = re.compile(_NUM + r"(s|secs?|seconds?|min|mins|minutes?|h|hours?)\b", re.I)
_PERF_CUE = re.compile(r"\b(?:latency|ram|memory|tok/s|tokens?/s|tokens\s+per\s+second|throughput|timing"
                       r"|eval(?:uation)?\s+time|performance)(?![\w/])", re.I)
_NOT_RECORDED = re.compile(
    r"\b(?:not\s+(?:been\s+)?(?:recorded|preserved|measured|captured|kept|reported|tracked|available|logged)"
    r"|(?:did|does|do)\s+not\s+(?:preserve|record|measure|capture|keep|track|log|report)|unavailable"
    r"|missing|never\s+(?:recorded|measured))\b", re.I)
_SECONDS = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "min": 60.0, "mins": 60.0,
            "minute": 60.0, "minutes": 60.0, "h": 3600.0, "hour": 3600.0, "hours": 3600.0}


_DIGIT = re.compile(r"\d")


def figures(text: str) -> dict[str, float]:
    """The runtime figures one sentence or evidence row states (`Mean warm latency: 3.8ms`)."""
    if not _DIGIT.search(text):
        return {}
    lowered = text.lower()
    found: dict[str, float] = {}
    if ("latenc" in lowered or "time" in lowered or "ttft" in lowered) and _LATENCY.search(text):
        match = _LATENCY_VALUE.search(text)
        if match:
            unit = match.group(2).lower()
            found["latency_ms"] = float(match.group(1)) * (1.0 if unit.startswith("m") else 1000.0)
    if ("ram" in lowered or "mem" in lowered or "rss" in lowered) and _RAM.search(text):
        match = _RAM_VALUE.search(text)
        if match:
            scale = 1.0 if match.group(2).lower().startswith("g") else 1 / 1024
            found["ram_gb"] = round(float(match.group(1)) * scale, 6)
    if "/s" in lowered or "per second" in lowered:
        match = _TOKENS_VALUE.search(text)
        if match:
            found["tokens_per_s"] = float(match.group(1))
    if "eval" in lowered and _EVAL_TIME.search(text):
        match = _EVAL_TIME_VALUE.search(text)
        if match:
            found["eval_time_s"] = float(match.group(1)) * _SECONDS[match.group(2).lower()]
    return found


_NOT_RECORDED_WORDS = ("not", "unavailable", "missing", "never")


def says_not_recorded(text: str) -> bool:
    """A sentence saying runtime figures were not recorded ("latency and RAM were not recorded")."""
    lowered = text.lower()
    return (any(word in lowered for word in _NOT_RECORDED_WORDS) and bool(_PERF_CUE.search(text))
            and bool(_NOT_RECORDED.search(text)))


def performance(found: dict[str, float], not_recorded: Sequence[str]) -> dict[str, Any] | None:
    """`performance` from the figures found (`figures`) and the sentences saying figures
    were not recorded; None when neither says anything.

    A figure not found is null, and `note` says why: the not-recorded sentences, else
    that the entry does not state it.
    """
    if not found and not not_recorded:
        return None
    result: dict[str, Any] = {key: found.get(key) for key in FIGURES}
    absent = [key for key in FIGURES if key not in found]
    if not_recorded:
        result["note"] = " ".join(not_recorded)
    elif absent:
        result["note"] = "The registry entry does not state " + ", ".join(absent) + "."
    return result


# --- competition rows ----------------------------------------------------------------------

# A readout that starts by saying the row is the artifact: "Current candidate.", "This
# artifact ...". Narrow on purpose: a row taken for the artifact's own is never the other side
# of a claim, so a competitor wrongly taken for it would hide claims over it.
_SELF_READOUT = re.compile(
    r"^\s*(?:(?:the|our)\s+)?current\s+(?:[\w-]+\s+){0,2}?(?:candidate|artifact|release|build)\b"
    r"|^\s*this\s+(?:artifact|entry|candidate)\b", re.IGNORECASE)
BASELINE_WORDS = frozenset({"stock", "baseline", "before", "base", "original", "upstream", "reference"})
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def is_self_row(row: dict[str, Any], artifact_id: str, own_names: Iterable[str]) -> bool:
    """Whether a competition row describes the artifact itself.

    It does when its system is one of `own_names` (the first system column of the
    entry's evidence table), when its readout starts by saying so ("Current
    candidate.", "This artifact ..."), or when its name shares the id's words: its last
    word (`v2` of `toy-intent-router-v2`), at least two and at least half of them, with
    no baseline word and no numbered word the id lacks (`Toy router v1` is not the artifact).
    """
    system = str(row.get("system") or "")
    key = " ".join(words(system))
    if not key:
        return False
    if any(key == " ".join(words(name)) for name in own_names):
        return True
    readout = row.get("readout")
    if isinstance(readout, str) and _SELF_READOUT.match(readout):
        return True
    mine, theirs = words(artifact_id), set(words(system))
    if not mine or mine[-1] not in theirs or theirs & BASELINE_WORDS:
        return False
    if any(any(ch.isdigit() for ch in word) and word not in mine for word in theirs):
        return False
    shared = set(mine) & theirs
    return len(shared) >= 2 and 2 * len(shared) >= len(set(mine))


_STOP = frozenset({"a", "an", "the", "of", "on", "in", "for", "and", "or", "to", "at", "with", "by",
                   "same", "is", "are", "we", "our", "it", "its", "vs", "than", "points", "point"})


def _content_words(text: str) -> set[str]:
    return {word[:-1] if len(word) > 3 and word.endswith("s") else word
            for word in words(text) if word not in _STOP}


def _distinctive(system: str) -> list[str]:
    """Words of a system name with a letter and a digit (`T5`, `7B`): they name it."""
    return [word for word in words(system) if any(c.isdigit() for c in word) and any(c.isalpha() for c in word)]


def _same_number(a: Any, b: Any) -> bool:
    first, second = parse_measure(a).single, parse_measure(b).single
    return first is not None and second is not None and first.matches(second) and second.matches(first)


def resolve_gate(row: dict[str, Any], evidence: Sequence[dict[str, Any]]) -> int | None:
    """The index of the one evidence row a gate-less `Direct` row was measured on, or None.

    Evidence rows that are the row's own score (same value, or a gate naming the
    system, as `T5-small public baseline` for `T5-small local baseline`) are never it.
    The gate is the one whose name holds every word of the row's metric; where none or
    several do, the one sharing the most words and numbers with metric and readout,
    when exactly one shares the most.
    """
    system = str(row.get("system") or "")
    own = set(_distinctive(system))
    candidates: list[tuple[int, set[str]]] = []
    for index, item in enumerate(evidence):
        gate = item.get("gate")
        if not isinstance(gate, str) or not gate.strip() or parse_measure(item.get("value")).kind == "missing":
            continue
        if _same_number(item.get("value"), row.get("score")) or own & set(words(gate)):
            continue
        candidates.append((index, _content_words(gate)))
    metric = _content_words(str(row.get("metric") or ""))
    if metric:
        full = [(index, gate) for index, gate in candidates if metric <= gate]
        if len(full) == 1:
            return full[0][0]
        if full:
            candidates = full
    wanted = metric | _content_words(str(row.get("readout") or ""))
    scored = sorted(((len(wanted & gate), index) for index, gate in candidates), reverse=True)
    if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1]
    return None


_NOT_SYSTEMS = frozenset({"delta", "change", "diff", "difference", "gain", "target", "threshold", "goal",
                          "status", "comment", "comments", "source", "sources", "reason", "readout",
                          "verdict", "pass", "result", "unit", "units", "notes", "evidence"})


def is_system_column(name: str) -> bool:
    """Whether an evidence table column header names a system (not `Delta`, `Target`, ...)."""
    found = words(name)
    return bool(found) and not set(found) & _NOT_SYSTEMS and not set(found) & BASELINE_WORDS


def is_score(text: str) -> bool:
    """A cell that holds a measured score: not "not run" / "-", and some number in it."""
    text = text.strip()
    return text.casefold() not in NOT_MEASURED and any(ch.isdigit() for ch in text)


def holds_numbers(text: str) -> bool:
    """Whether prose states a number (not one inside a name such as `Llama-3.2-3B`)."""
    return bool(find_numbers(text))
