"""Where the time of `artifact-lint check` goes, on a synthetic corpus (issue 7).

    .venv/bin/python bench/hotspots.py                 # N = 1,000, phase table + cProfile top 30
    .venv/bin/python bench/hotspots.py -n 1000 --pyinstrument bench/pyinstrument-1000.txt

Runs the same code path as `artifact-lint check --format json -q --jobs 1` (the CLI's
typer app) inside this process, three ways (one process, so that every stage is seen
here; with workers the per-file stages split over the cores):

1. phases (first run, as cold as the CLI): wall time of each stage (imports, session, load = read + libyaml compose +
   value/position build + pydantic validation, registry document, each rule, report),
   measured by wrapping the stage functions with `perf_counter`; no profiler overhead;
2. cProfile, top functions by own time and by cumulative time;
3. pyinstrument (a sampling profiler, if installed), written as text.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus  # noqa: E402

T0 = time.perf_counter()
import artifact_lint.commands.cli as cli  # noqa: E402
from artifact_lint.commands import process  # noqa: E402

process.start()  # as the console entry point starts, without ending the process after a check
T_CLI = time.perf_counter() - T0
T1 = time.perf_counter()
from artifact_lint.analysis import claims  # noqa: E402  (what `check` imports)
from artifact_lint.commands import check as runner  # noqa: E402
from artifact_lint.engine import session  # noqa: E402
from artifact_lint.model import build, load  # noqa: E402
from artifact_lint.sources import files, loader  # noqa: E402

T_RUNNER = time.perf_counter() - T1

ARGV = ["check", "--format", "json", "-q", "--jobs", "1"]  # one process: every phase is seen here


def _run_cli(corpus: Path) -> None:
    old_cwd, old_argv = Path.cwd(), sys.argv
    os.chdir(corpus)
    sys.argv = ["artifact-lint", *ARGV]
    try:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            cli.app()  # `cli.main` without its end, which ends the process (os._exit)
    except SystemExit as done:
        if done.code not in (0, 1, None):
            raise
    finally:
        os.chdir(old_cwd)
        sys.argv = old_argv


class Phases:
    """Accumulated wall time and call count per label, from wrapped functions."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._patches: list[tuple[Any, str, Any]] = []
        self.missing: list[str] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        """Time `owner.name` under `label`; skipped when the code no longer has it."""
        original = getattr(owner, name, None)
        if original is None:
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.calls[label] += 1

        self._patches.append((owner, name, original))
        setattr(owner, name, timed)

    def wrap_rules(self) -> None:
        """Time every rule's `check`, wherever it runs (the loader runs the per-artifact ones)."""
        original = session.load_rules

        def timed_rules() -> list[Any]:
            return [rule._replace(check=self._timed_check(rule)) for rule in original()]

        self._patches.append((session, "load_rules", original))
        session.load_rules = timed_rules  # type: ignore[assignment]

    def _timed_check(self, rule: Any) -> Callable[..., Iterator[Any]]:
        check, label = rule.check, f"rule {rule.code} {rule.name}"

        def timed(*args: Any) -> Iterator[Any]:
            start = time.perf_counter()
            problems = list(check(*args))
            self.seconds[label] += time.perf_counter() - start
            self.calls[label] += 1
            return iter(problems)

        return timed

    def wrap_everywhere(self, function: Callable[..., Any], label: str) -> None:
        """Wrap a function in every artifact_lint module that imported it by name."""
        for module in list(sys.modules.values()):
            if (getattr(module, "__name__", "") or "").startswith("artifact_lint") and \
                    getattr(module, function.__name__, None) is function:
                self.wrap(module, function.__name__, label)

    def restore(self) -> None:
        for owner, name, original in reversed(self._patches):
            setattr(owner, name, original)
        self._patches.clear()


def phase_table(corpus: Path) -> list[tuple[str, float, int]]:
    phases = Phases()
    phases.wrap(runner, "open_session", "session: config, policy, rule modules")
    phases.wrap(runner, "build_repository", "load repository (all of it)")
    phases.wrap_everywhere(files.read_limited, "  read bytes")
    phases.wrap(loader, "compose", "  libyaml compose")
    phases.wrap(loader, "parse_yaml", "  compose + build values/positions")
    phases.wrap(load, "validate", "  pydantic validation (validate())")
    phases.wrap(build, "load_registry", "  registry document (cache, else markdown-it)")
    phases.wrap(build, "collect", "  collect paths (os.walk)")
    phases.wrap_everywhere(files.lstat_below, "  containment and file kind (lstat per part)")
    phases.wrap(runner, "lint", "lint (all rules, sort)")
    phases.wrap_rules()
    phases.wrap_everywhere(claims.find_win_claims, "  find_win_claims (inside rules)")
    phases.wrap(runner, "report", "report (json)")
    start = time.perf_counter()
    try:
        _run_cli(corpus)
    finally:
        phases.restore()
    total = time.perf_counter() - start
    if phases.missing:
        print(f"(not timed, absent from this version: {', '.join(phases.missing)})")
    rows = [("total (in process, after imports)", total, 1)]
    rows += [(label, phases.seconds[label], phases.calls[label]) for label in phases.seconds]
    return rows


def print_phases(rows: list[tuple[str, float, int]], stream: Any = sys.stdout, top_rules: int = 12) -> None:
    total = rows[0][1]
    print(f"imports before the run: artifact_lint.commands.cli {T_CLI:.3f} s, artifact_lint.commands.check and friends"
          f" {T_RUNNER:.3f} s", file=stream)
    fixed = [r for r in rows if not r[0].startswith("rule ")]
    rules = sorted((r for r in rows if r[0].startswith("rule ")), key=lambda r: -r[1])
    compose = next((r[1] for r in rows if r[0] == "  libyaml compose"), 0.0)
    parse = next((r[1] for r in rows if r[0] == "  compose + build values/positions"), 0.0)
    print(f"{'phase':<52} {'seconds':>8} {'share':>6} {'calls':>7}", file=stream)
    for label, seconds, calls in fixed:
        print(f"{label:<52} {seconds:8.3f} {100 * seconds / total:5.1f}% {calls:7d}", file=stream)
        if label == "  compose + build values/positions":
            build = parse - compose
            print(f"{'    of which _Builder (values + SourceMap)':<52} {build:8.3f} {100 * build / total:5.1f}%",
                  file=stream)
    rule_total = sum(r[1] for r in rules)
    print(f"{'rules, sum':<52} {rule_total:8.3f} {100 * rule_total / total:5.1f}%", file=stream)
    for label, seconds, _calls in rules[:top_rules]:
        print(f"  {label:<50} {seconds:8.3f} {100 * seconds / total:5.1f}%", file=stream)


def cprofile(corpus: Path, limit: int, stream: Any = sys.stdout) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    _run_cli(corpus)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats(order).print_stats(limit)
        body = text.getvalue()
        body = body[body.find("   ncalls"):]
        print(f"--- cProfile, top {limit} by {order} (cProfile inflates call-heavy code)", file=stream)
        print(body.replace(str(Path(sys.prefix)), "<venv>").replace(str(HERE.parent), "<repo>"), file=stream)


def pyinstrument_report(corpus: Path, out: Path) -> bool:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return False
    profiler = Profiler(interval=0.001)
    profiler.start()
    _run_cli(corpus)
    profiler.stop()
    out.write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="corpus size (default 1000)")
    parser.add_argument("--corpus", type=Path, default=None, help="profile this corpus instead of writing one")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=30, help="cProfile rows (default 30)")
    parser.add_argument("--no-cprofile", action="store_true")
    parser.add_argument("--pyinstrument", type=Path, default=None, help="write a pyinstrument text report here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="artifact-lint-profile-") as scratch:
        corpus = args.corpus or Path(scratch) / f"corpus-{args.n}"
        if args.corpus is None:
            make_corpus(corpus, args.n, seed=args.seed)
        print(f"corpus: {corpus} ({args.n} artifacts); `artifact-lint {' '.join(ARGV)}` run in this"
              " process (first run: phases, as cold as the CLI; then the profilers)\n")
        print_phases(phase_table(corpus))
        if not args.no_cprofile:
            print()
            cprofile(corpus, args.top)
        if args.pyinstrument:
            done = pyinstrument_report(corpus, args.pyinstrument)
            print(f"pyinstrument: {'written to ' + str(args.pyinstrument) if done else 'not installed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
