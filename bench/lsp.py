"""How fast `artifact-lint server` answers an edit (issue 18): didChange -> publishDiagnostics.

    python bench/lsp.py [-n 1000] [--changes 100] [--corpus DIR] [--json FILE]

Writes a corpus with `make_corpus.py` (with public copy: a Hub card per artifact), starts
the server as a subprocess in it, initializes, opens one artifact file and waits for its
diagnostics (the start-up figure: the whole repository is loaded then), then times
`--changes` round trips: a didChange of the whole buffer, alternately with a planted
violation (`state: Parked`, an AL101 with a safe fix) and without, until the
publishDiagnostics for that version arrives. The same is then done, fewer times, for a
Hub card (public copy) and for the registry document. Target: a median and a 95th
percentile under 50 ms for the artifact file at N = 1,000 on a warm server.

The client is a few lines of JSON-RPC over pipes, so that what is timed is the server.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).parent))
from make_corpus import make_corpus  # noqa: E402


class Client:
    """A minimal LSP client over the server's standard input and output."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.stdin.flush()

    def receive(self) -> dict[str, Any]:
        length = 0
        while True:
            line = self.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return json.loads(self.stdout.read(length))  # type: ignore[no-any-return]

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def diagnostics(self, uri: str, version: int) -> list[dict[str, Any]]:
        """Wait for the publishDiagnostics of `uri` at `version`."""
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] == uri and params.get("version") == version:
                    return params["diagnostics"]  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, SystemExit):
            self.process.kill()


def _round_trips(client: Client, uri: str, texts: list[str], changes: int, first_version: int,
                 expect: list[str | None]) -> list[float]:
    """Milliseconds from each didChange to its diagnostics; `expect[i]` is a code that must
    be among the diagnostics of `texts[i]` ("-CODE": must not be; None: anything goes)."""
    times = []
    for number in range(changes):
        which = number % len(texts)
        version = first_version + number
        start = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": texts[which]}]})
        found = client.diagnostics(uri, version)
        times.append((time.perf_counter() - start) * 1000)
        got = {d["code"] for d in found}
        wanted = expect[which]
        if wanted is not None and (wanted[1:] in got if wanted.startswith("-") else wanted not in got):
            raise SystemExit(f"{uri}: expected {wanted}, got {sorted(got)}")
    return times


def _figures(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"runs": len(times), "median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1)}


def measure(root: Path, changes: int, command: list[str]) -> dict[str, Any]:
    client = Client(command, root)
    uri_of = lambda relative: (root / relative).resolve().as_uri()  # noqa: E731
    try:
        client.request("initialize", {"processId": os.getpid(), "rootUri": root.resolve().as_uri(),
                                      "capabilities": {}, "workspaceFolders": [
                                          {"uri": root.resolve().as_uri(), "name": "corpus"}]})
        client.notify("initialized", {})
        # An artifact with no planted AL101 (its clean text must not have one), from the middle.
        planted = json.loads((root / "expected-findings.json").read_text(encoding="utf-8"))["expected"]
        bad_state = {f["path"] for f in planted if f["code"] == "AL101"}
        artifacts = [p for p in sorted((root / "artifacts").glob("*.yaml"))
                     if p.relative_to(root).as_posix() not in bad_state]
        target = artifacts[len(artifacts) // 2]
        relative = target.relative_to(root).as_posix()
        clean = target.read_text()
        state = next(line for line in clean.splitlines() if line.startswith("state: "))
        broken = clean.replace(state, "state: Parked", 1)
        uri = uri_of(relative)
        start = time.perf_counter()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": clean}})
        client.diagnostics(uri, 1)
        first = (time.perf_counter() - start) * 1000
        _round_trips(client, uri, [broken, clean], 10, 2, ["AL101", "-AL101"])  # warm up
        artifact = _round_trips(client, uri, [broken, clean], changes, 100, ["AL101", "-AL101"])
        results: dict[str, Any] = {"artifact_file": relative, "first_open_ms": round(first, 1),
                                   "artifact": _figures(artifact)}

        cards = sorted((root / "docs" / "hf-cards").glob("*.md"))
        if cards:
            card = cards[len(cards) // 2]
            card_uri = uri_of(card.relative_to(root).as_posix())
            card_text = card.read_text()
            claim = card_text + "\nIt beats Vendor FM on every slice.\n"
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": card_uri, "languageId": "markdown", "version": 1, "text": card_text}})
            client.diagnostics(card_uri, 1)
            copy = _round_trips(client, card_uri, [claim, card_text], max(10, changes // 2), 2, [None, None])
            results["copy_file"] = card.relative_to(root).as_posix()
            results["copy"] = _figures(copy)

        document = "docs/factory/public-artifacts.md"
        document_uri = uri_of(document)
        document_text = (root / document).read_text()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": document_uri, "languageId": "markdown", "version": 1, "text": document_text}})
        client.diagnostics(document_uri, 1)
        registry = _round_trips(client, document_uri, [document_text + "\nA note.\n", document_text],
                                max(5, changes // 10), 2, [None, None])
        results["registry"] = _figures(registry)
        return results
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="artifacts in the corpus [1000]")
    parser.add_argument("--changes", type=int, default=100, help="timed edits of the artifact file [100]")
    parser.add_argument("--corpus", type=Path, help="use (or write) the corpus here instead of a temporary folder")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    command = [sys.executable, "-m", "artifact_lint", "server"]
    with tempfile.TemporaryDirectory(prefix="lsp-bench-") as scratch:
        root = args.corpus or Path(scratch) / f"corpus-{args.n}"
        if not (root / "artifacts").is_dir():
            make_corpus(root, args.n, public_copy=True)
        os.environ.setdefault("ARTIFACT_LINT_CACHE_DIR", str(Path(scratch) / "cache"))  # not ~/.cache
        results = {"n": args.n, "python": sys.version.split()[0], "cores": os.cpu_count(),
                   **measure(root, args.changes, command)}
    for name in ("artifact", "copy", "registry"):
        if name in results:
            figures = results[name]
            print(f"{name:9} didChange -> publishDiagnostics: median {figures['median_ms']} ms,"
                  f" p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms ({figures['runs']} edits)")
    print(f"first open (loads {args.n} artifacts): {results['first_open_ms']} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
