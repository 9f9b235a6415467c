"""Benchmark `artifact-lint check` against yamllint and the libyaml compose floor (issue 7).

    .venv/bin/python bench/run.py                          # N = 4, 1,000 and 10,000
    .venv/bin/python bench/run.py --sizes 4,1000 --json bench/results.json

For each size N it writes a synthetic factory repository (`bench/make_corpus.py`,
seeded) and times, each in a fresh subprocess (wall time, best of `--runs`, peak RSS
from GNU time's `%M`; the commands of one size take turns, one run each per round,
so that a slow spell of the machine hits them alike):

* `artifact-lint check --format json -q` at the corpus root (or, with `--src DIR`,
  `python -m artifact_lint` from another checkout's `src/`), and checks that the
  findings are exactly the planted ones; it runs with the registry cache filled by
  one untimed run, and again with `--no-cache`;
* `yamllint -d relaxed artifacts` over the same files (sizes up to `--yamllint-max`);
* the libyaml compose floor: `yaml.compose` with `CSafeLoader` over every artifact
  file, node marks included, in a fresh interpreter.

Once per run it also times `python -c "import typer, rich.table, pydantic, ruamel.yaml"`,
`artifact-lint --version` and `artifact-lint check` of this repository (best of at
least 10, taking turns in the same way), then prints a
table and the ratios issue 7 sets targets for (`--json` writes them all).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus  # noqa: E402

IMPORT_LINE = "import typer, rich.table, pydantic, ruamel.yaml"
COMPOSE_FLOOR = r"""
import os, sys, time, yaml
start = time.perf_counter()
folder = sys.argv[1]
count = 0
for name in sorted(os.listdir(folder)):
    if name.endswith((".yaml", ".yml")):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            node = yaml.compose(handle.read(), Loader=yaml.CSafeLoader)
        count += 1
print(count, time.perf_counter() - start)
"""

# Issue 7, "Targets": (key, description, limit). Ratios are of best wall times in one run.
TARGETS = [
    ("check_1000_vs_yamllint", "check of 1,000 artifacts / yamllint -d relaxed", 0.15),
    ("check_1000_vs_compose_floor", "check of 1,000 artifacts / libyaml compose floor", 2.5),
    ("check_10000_vs_1000", "check of 10,000 / check of 1,000 (linear)", 10.5),
    ("rss_10000_mb", "peak RSS of the 10,000 check (MB)", 400.0),
    ("own_repo_vs_import", "check of this repository / import line", 2.0),
    ("version_vs_import", "artifact-lint --version / import line (must be under the check's 2.0x)", 2.0),
]


@dataclass
class Timing:
    """Best-of-k wall time of one command, and the peak RSS of its process tree."""

    name: str
    command: list[str]
    cwd: str
    best_s: float | None = None
    runs_s: list[float] = field(default_factory=list)
    cpu_s: float | None = None  # user + system CPU time of the best run
    peak_rss_mb: float | None = None
    returncode: int | None = None
    note: str = ""

    @property
    def runs(self) -> int:
        return len(self.runs_s)


GNU_TIME = Path("/usr/bin/time")


def _run_once(command: list[str], cwd: Path, stdout: Path) -> tuple[float, float, float, int, str]:
    """Wall time, CPU time, peak RSS (MB) and exit code of one subprocess; stderr text.

    The peak RSS comes from GNU time (`%M`) when it is installed: a child forked from
    this Python process would report at least this process's own RSS, because Linux
    carries the high-water mark across fork and exec. Without GNU time, `os.wait4`
    gives that inflated figure (it only matters for small commands).
    """
    rss_file = stdout.with_suffix(".rss")
    wrapped = [str(GNU_TIME), "-f", "%M", "-o", str(rss_file), *command] if GNU_TIME.exists() else command
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode("utf-8", "replace")
    rss_kib = float(usage.ru_maxrss)  # KiB on Linux
    if GNU_TIME.exists():  # the last line is %M; a line before it may say the exit status
        rss_kib = float(rss_file.read_text().split()[-1])
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, rss_kib / 1024, process.returncode, message


@dataclass
class Job:
    """One command to time."""

    key: str
    name: str
    command: list[str]
    cwd: Path
    ok_codes: tuple[int, ...] = (0,)
    on_output: Callable[[str], None] | None = None  # sees the standard output of every run


def measure(jobs: list[Job], runs: int, budget_s: float, workdir: Path) -> dict[str, Timing]:
    """Run each job up to `runs` times and keep its best, interleaved: one run of every
    job per round, so that a slow spell of this shared machine hits every command of a
    ratio alike. A job stops repeating once its runs took `budget_s`. The standard
    output of a job's last run is in `workdir / f"{key}.out"`."""
    timings = {job.key: Timing(job.name, job.command, str(job.cwd)) for job in jobs}
    spent = dict.fromkeys(timings, 0.0)
    for _ in range(max(1, runs)):
        for job in jobs:
            timing = timings[job.key]
            if timing.runs_s and spent[job.key] >= budget_s:
                continue
            stdout = workdir / f"{job.key}.out"
            wall, cpu, rss, code, err = _run_once(job.command, job.cwd, stdout)
            if code not in job.ok_codes:
                raise SystemExit(f"bench: `{' '.join(job.command)}` in {job.cwd} exited {code}:\n{err.strip()[-2000:]}")
            if job.on_output is not None:
                job.on_output(stdout.read_text(encoding="utf-8"))
            if not timing.runs_s or wall < min(timing.runs_s):
                timing.cpu_s = round(cpu, 3)
            timing.runs_s.append(round(wall, 4))
            timing.peak_rss_mb = round(max(timing.peak_rss_mb or 0.0, rss), 1)
            timing.returncode = code
            spent[job.key] += wall
    for timing in timings.values():
        timing.best_s = min(timing.runs_s)
    return timings


def _tool(venv_bin: Path, name: str) -> str | None:
    candidate = venv_bin / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


def _ensure_yamllint(venv_bin: Path, python: str, install: bool) -> tuple[str | None, str]:
    found = _tool(venv_bin, "yamllint")
    if found or not install:
        return found, "" if found else "yamllint not installed (--no-install)"
    result = subprocess.run([python, "-m", "pip", "install", "-q", "yamllint"], capture_output=True, text=True)
    found = _tool(venv_bin, "yamllint")
    if found:
        return found, "installed into the venv by bench/run.py"
    return None, f"yamllint unavailable: pip said {result.stderr.strip()[-300:]!r}"


def _findings_match(stdout: Path, corpus: Path) -> dict[str, Any]:
    """Compare the check's JSON findings with the planted ones (code, path, field)."""
    report = json.loads(stdout.read_text(encoding="utf-8"))
    planted = json.loads((corpus / "expected-findings.json").read_text(encoding="utf-8"))["expected"]
    got = sorted((f["code"], f["path"], f["field"]) for f in report["findings"])
    want = sorted((f["code"], f["path"], f["field"]) for f in planted)
    extra = [list(x) for x in sorted(set(got) - set(want))]
    missing = [list(x) for x in sorted(set(want) - set(got))]
    return {"findings": len(got), "planted": len(want), "match": got == want,
            "unexpected": extra[:20], "missing": missing[:20]}


def _git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True,
                               text=True).stdout.strip()
        return head + ("+dirty src/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _compile_package(python: str, src: Path | None) -> str:
    """Write the package's bytecode, as `pip install` does for an installed tool.

    An editable install (and `--src`) runs from source files; where the environment
    sets PYTHONDONTWRITEBYTECODE (this machine does), every run would compile all
    of artifact-lint again, which no installed copy (pre-commit, CI) does."""
    env = {**os.environ, "PYTHONPATH": str(src)} if src is not None else None
    where = subprocess.run([python, "-c", "import artifact_lint, os; print(os.path.dirname(artifact_lint.__file__))"],
                           capture_output=True, text=True, env=env, check=True).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", where], check=True, stdout=subprocess.DEVNULL)
    return f"compiled with compileall before timing ({where})"


def _ratio(a: Timing | None, b: Timing | None) -> float | None:
    if a is None or b is None or not a.best_s or not b.best_s:
        return None
    return round(a.best_s / b.best_s, 3)


def run(sizes: list[int], runs: int, budget_s: float, workdir: Path, venv: Path, seed: int,
        yamllint_max: int, install: bool, keep: bool, own_repo: Path, src: Path | None = None) -> dict[str, Any]:
    venv_bin = venv / "bin"
    python = str(venv_bin / "python") if (venv_bin / "python").exists() else sys.executable
    if src is not None:  # another checkout's sources, with this venv's dependencies
        lint_cmd = ["env", f"PYTHONPATH={src}", python, "-m", "artifact_lint"]
    else:
        found = _tool(venv_bin, "artifact-lint")
        if found is None:
            raise SystemExit("bench: artifact-lint is not installed (pip install -e . in the venv)")
        lint_cmd = [found]
    lint = " ".join(lint_cmd)
    bytecode = _compile_package(python, src)
    yamllint, yamllint_note = _ensure_yamllint(venv_bin, python, install)
    workdir.mkdir(parents=True, exist_ok=True)
    # The registry cache of this run, apart from the user's: "check" runs warm (one
    # untimed run first), "check --no-cache" parses the registry document every time.
    cache = workdir / "registry-cache"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["ARTIFACT_LINT_CACHE_DIR"] = str(cache)
    load_before = os.getloadavg()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "loadavg_start": [round(x, 2) for x in load_before]},
        "artifact_lint": {"executable": lint, "git": _git_state() if src is None else f"sources in {src}",
                          "bytecode": bytecode},
        "yamllint": {"executable": yamllint, "note": yamllint_note},
        "settings": {"runs": runs, "budget_s": budget_s, "seed": seed, "sizes": sizes},
        "sizes": {}, "global": {},
    }
    if yamllint:
        version = subprocess.run([yamllint, "--version"], capture_output=True, text=True).stdout.strip()
        results["yamllint"]["version"] = version

    timings: dict[str, Timing] = {}
    for n in sizes:
        corpus = workdir / f"corpus-{n}"
        started = time.perf_counter()
        manifest = make_corpus(corpus, n, seed=seed)
        entry: dict[str, Any] = {"n": n, "lines": manifest.lines, "mean_lines": round(manifest.mean_lines, 1),
                                 "packages": manifest.packages, "planted": len(manifest.expected),
                                 "generate_s": round(time.perf_counter() - started, 2)}
        check_cmd = [*lint_cmd, "check", "--format", "json", "-q"]
        inner: list[float] = []
        jobs = [Job("check", "check", check_cmd, corpus, (0, 1)),
                Job("check_no_cache", "check --no-cache", [*check_cmd, "--no-cache"], corpus, (0, 1)),
                Job("compose", "compose floor", [python, "-c", COMPOSE_FLOOR, "artifacts"], corpus,
                    on_output=lambda text, inner=inner: inner.append(float(text.split()[1])))]
        if yamllint and n <= yamllint_max:
            jobs.append(Job("yamllint", "yamllint -d relaxed", [yamllint, "-d", "relaxed", "artifacts"], corpus,
                            (0, 1)))
        subprocess.run(check_cmd, cwd=corpus, stdout=subprocess.DEVNULL, check=False)  # fills the registry cache
        measured = measure(jobs, runs, budget_s, workdir)
        check, cold, compose = measured["check"], measured["check_no_cache"], measured["compose"]
        entry["findings"] = _findings_match(workdir / "check.out", corpus)
        entry["findings"]["cold_equals_warm"] = (
            (workdir / "check.out").read_bytes() == (workdir / "check_no_cache.out").read_bytes())
        check.note = "findings = planted" if entry["findings"]["match"] else "FINDINGS DIFFER FROM PLANTED"
        if not entry["findings"]["cold_equals_warm"]:
            check.note += "; REPORT DIFFERS FROM --no-cache"
        entry["check"] = asdict(check)
        entry["check"]["files_per_s"] = round(n / check.best_s, 1) if check.best_s else None
        entry["check_no_cache"] = asdict(cold)
        timings[f"check_{n}"] = check
        timings[f"check_cold_{n}"] = cold
        compose.note = f"{(workdir / 'compose.out').read_text().split()[0]} files; best {min(inner):.3f} s" \
                       " inside the interpreter"
        entry["compose_floor"] = asdict(compose)
        timings[f"compose_{n}"] = compose
        if "yamllint" in measured:
            lint_yaml = measured["yamllint"]
            lint_yaml.note = f"{len((workdir / 'yamllint.out').read_text().splitlines())} output lines"
            entry["yamllint"] = asdict(lint_yaml)
            timings[f"yamllint_{n}"] = lint_yaml
        else:
            entry["yamllint"] = None
            entry["yamllint_note"] = yamllint_note or f"skipped above N={yamllint_max} (--yamllint-max)"
        results["sizes"][str(n)] = entry
        if not keep and n > 1000:
            shutil.rmtree(corpus, ignore_errors=True)

    glob_runs = max(runs, 10)
    own_cmd = [*lint_cmd, "check", "--format", "json", "-q"]
    subprocess.run(own_cmd, cwd=own_repo, stdout=subprocess.DEVNULL, check=False)  # fills the registry cache
    measured = measure([Job("import", "import line", [python, "-c", IMPORT_LINE], REPO),
                        Job("version", "--version", [*lint_cmd, "--version"], REPO),
                        Job("own_repo", "check own repo", own_cmd, own_repo, (0, 1)),
                        Job("own_repo_cold", "check own repo --no-cache", [*own_cmd, "--no-cache"], own_repo,
                            (0, 1))], glob_runs, budget_s, workdir)
    timings.update(measured)
    own = json.loads((workdir / "own_repo.out").read_text(encoding="utf-8"))
    timings["own_repo"].note = f"{own['summary']['files']} files, {len(own['findings'])} findings"
    for key in ("import", "version", "own_repo", "own_repo_cold"):
        results["global"][key] = asdict(timings[key])

    big = max((n for n in sizes if n >= 10000), default=None)
    ratios: dict[str, float | None] = {
        "check_1000_vs_yamllint": _ratio(timings.get("check_1000"), timings.get("yamllint_1000")),
        "check_1000_vs_compose_floor": _ratio(timings.get("check_1000"), timings.get("compose_1000")),
        "check_10000_vs_1000": _ratio(timings.get("check_10000"), timings.get("check_1000")),
        "rss_10000_mb": timings["check_10000"].peak_rss_mb if "check_10000" in timings else None,
        "own_repo_vs_import": _ratio(timings["own_repo"], timings["import"]),
        "own_repo_no_cache_vs_import": _ratio(timings["own_repo_cold"], timings["import"]),
        "check_1000_no_cache_vs_compose_floor": _ratio(timings.get("check_cold_1000"), timings.get("compose_1000")),
        "version_vs_import": _ratio(timings["version"], timings["import"]),
    }
    results["ratios"] = ratios
    results["targets"] = [
        {"key": key, "what": what, "limit": limit, "value": ratios[key],
         "met": None if ratios[key] is None else ratios[key] <= limit}
        for key, what, limit in TARGETS
    ]
    results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    if big is None:
        results["notes"] = ["no size >= 10,000 in --sizes: the linearity and RSS targets are not measured"]
    return results


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(results: dict[str, Any], stream: Any = sys.stdout) -> None:
    rows = [("N", "command", "best s", "cpu s", "runs", "files/s", "peak MB", "note")]
    for n, entry in results["sizes"].items():
        for key in ("check", "check_no_cache", "yamllint", "compose_floor"):
            timing = entry.get(key)
            if not timing:
                if key == "yamllint":
                    rows.append((n, "yamllint -d relaxed", "-", "-", "-", "-", "-", entry.get("yamllint_note", "")))
                continue
            rate = f"{int(n) / timing['best_s']:.0f}" if timing["best_s"] else "-"
            rows.append((n, timing["name"], _fmt(timing["best_s"], 3), _fmt(timing["cpu_s"], 2),
                         str(len(timing["runs_s"])), rate,
                         _fmt(timing["peak_rss_mb"], 1), timing["note"]))
    for _key, timing in results["global"].items():
        rows.append(("-", timing["name"], _fmt(timing["best_s"], 3), _fmt(timing["cpu_s"], 2),
                     str(len(timing["runs_s"])), "-",
                     _fmt(timing["peak_rss_mb"], 1), timing["note"]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=stream)
    print(file=stream)
    print("target                                                             value     limit   met", file=stream)
    for target in results["targets"]:
        met = {True: "yes", False: "NO", None: "not measured"}[target["met"]]
        print(f"{target['what']:<66} {_fmt(target['value'], 2):>8}  {target['limit']:>6}   {met}", file=stream)
    ratios = results["ratios"]
    print(f"without the registry cache (--no-cache): own repository {_fmt(ratios['own_repo_no_cache_vs_import'])}x"
          f" the import line, 1,000 artifacts {_fmt(ratios['check_1000_no_cache_vs_compose_floor'])}x"
          " the compose floor", file=stream)
    machine = results["machine"]
    print(f"\n{machine['cpus']} CPUs, Python {machine['python']}, load average"
          f" {machine['loadavg_start'][0]} -> {machine['loadavg_end'][0]};"
          f" artifact-lint {results['artifact_lint']['git']}",
          file=stream)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="4,1000,10000", help="comma-separated corpus sizes (default 4,1000,10000)")
    parser.add_argument("--runs", type=int, default=10, help="best of this many runs per command (default 10)")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="stop repeating a command once its runs took this many seconds (default 60)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where corpora are written (default: a fresh temporary folder, removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora")
    parser.add_argument("--venv", type=Path, default=REPO / ".venv", help="venv holding artifact-lint and yamllint")
    parser.add_argument("--yamllint-max", type=int, default=1000,
                        help="run yamllint only up to this N (it needs ~10 s per 1,000 files; default 1000)")
    parser.add_argument("--no-install", action="store_true", help="do not pip install yamllint when it is missing")
    parser.add_argument("--own-repo", type=Path, default=REPO, help="the repository whose own check is timed")
    parser.add_argument("--src", type=Path, default=None,
                        help="time `python -m artifact_lint` from this src/ folder (e.g. an older commit's,"
                             " from `git archive`) instead of the installed command")
    parser.add_argument("--json", type=Path, default=None, help="write all figures as JSON to this file")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="artifact-lint-bench-")) if temporary else args.workdir
    try:
        results = run(sizes, args.runs, args.budget, workdir, args.venv, args.seed, args.yamllint_max,
                      not args.no_install, args.keep, args.own_repo.resolve(),
                      args.src.resolve() if args.src else None)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    mismatched = [n for n, entry in results["sizes"].items() if not entry["findings"]["match"]]
    if mismatched:
        for n in mismatched:
            print(f"bench: N={n}: findings differ from the planted violations: {results['sizes'][n]['findings']}",
                  file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
