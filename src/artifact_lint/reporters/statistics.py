"""`--statistics`: how many findings each rule reported, most first."""

from __future__ import annotations

import json
from collections import Counter
from typing import IO

from artifact_lint.engine.lint import Result
from artifact_lint.reporters._safe import encodable, visible


def counts(result: Result) -> list[dict[str, object]]:
    by_code = Counter((f.code, f.name) for f in result.findings)
    fixable = Counter(f.code for f in result.findings if f.fix is not None and f.fix.safe)
    return [{"code": code, "name": name, "count": count, "fixable": fixable[code]}
            for (code, name), count in sorted(by_code.items(), key=lambda item: (-item[1], item[0][0]))]


def write_statistics(result: Result, stream: IO[str], fmt: str) -> None:
    rows = counts(result)
    stream = encodable(stream)
    if fmt == "json":
        stream.write(json.dumps(rows, indent=2) + "\n")  # ASCII: `json` escapes everything else
        return
    for row in rows:
        fixable = f"  ({row['fixable']} fixable)" if row["fixable"] else ""
        stream.write(f"{row['count']:>6}  {visible(str(row['code']))}  {visible(str(row['name']))}{fixable}\n")
