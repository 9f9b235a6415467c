"""What reading public copy costs (issue 17): `check` on a corpus with a Hub card per
artifact and longer model cards, against the same corpus without them.

    python bench/copy_cost.py [--sizes 1000,10000] [--runs 5]

Both corpora come from `make_corpus.py` with the same seed (the copy adds files only:
the metadata, packages and registry document are identical, and so are the findings).
The two commands take turns, best of `--runs` each. Target: with copy at most 1.5 times
without, and linear from 1,000 to 10,000.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_corpus import make_corpus  # noqa: E402


def _time(root: Path, command: list[str]) -> float:
    start = time.perf_counter()
    run = subprocess.run([*command, "check", "-f", "concise"], cwd=root, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        raise SystemExit(f"exit {run.returncode}: {run.stderr.strip()}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    command = [shutil.which("artifact-lint") or str(Path(sys.executable).with_name("artifact-lint"))]
    with tempfile.TemporaryDirectory(prefix="al-copy-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            plain, copy = Path(tmp) / f"plain-{size}", Path(tmp) / f"copy-{size}"
            make_corpus(plain, size)
            make_corpus(copy, size, public_copy=True)
            for root in (plain, copy):
                (root / ".git").mkdir()
                _time(root, command)  # fills the registry cache, as the main benchmark does
            best = {plain: float("inf"), copy: float("inf")}
            for _ in range(args.runs):
                for root in (plain, copy):
                    best[root] = min(best[root], _time(root, command))
            print(f"N = {size:>6}: without copy {best[plain]:.3f} s, with copy {best[copy]:.3f} s,"
                  f" ratio {best[copy] / best[plain]:.2f}", flush=True)


if __name__ == "__main__":
    main()
