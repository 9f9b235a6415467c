"""Output safety shared by the reporters: what file content may put on a terminal or in a report.

Findings quote values from the files they are about, and file names come from the
repository, so any of them may hold characters a report must not pass on as they are:

- control characters (C0, DEL, C1) and the line and paragraph separators, which move
  the cursor, retitle the terminal, clear the screen or break a one-line format;
- the bidirectional embedding, override and isolate controls, which reorder how the
  text around them is shown ("Trojan Source");
- lone surrogates (`"\\ud800"` in a JSON file, a non-UTF-8 file name), which no
  encoding can write, so that printing them raises `UnicodeEncodeError`.

`visible` writes each of them as a visible escape: `\\a \\b \\t \\n \\v \\f \\r` by
name, other ASCII controls as `\\x1b`, and the rest as `\\u009b`, `\\u2028`, `\\ud800`.
Text formats pass every string from a file through it; the JSON formats keep their
values exact and escape the same characters the JSON way (`json_text`).

`encodable` wraps the stream a report goes to, so that a character its encoding cannot
hold (standard output under `PYTHONIOENCODING=ascii`, a latin-1 terminal) is written as
an escape the format understands instead of ending the run half-way through a report.
JSON and XML declare (or are read as) UTF-8, so on a stream whose encoding is not
UTF-8 they are written in ASCII, every other character escaped, and stay readable.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import IO, Any

# DEL, C1 controls, line/paragraph separators, bidi controls, surrogates; then with C0 controls.
_BEYOND_C0 = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ANY = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_ALL_BUT_LINE_BREAKS = re.compile(f"[\x00-\x09\x0b\x0c\x0e-\x1f{_BEYOND_C0}]")
_NAMED = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def visible(text: str, *, line_breaks: bool = False) -> str:
    """`text` with every character that could act on a terminal or break a line written as an escape.

    With `line_breaks=True`, `\\n` and `\\r` stay as they are, for formats that escape them
    in their own way (GitHub's `%0A`, Markdown's `<br>`).
    """
    if text.isprintable():  # none of them is printable: the common case, in C
        return text
    return (_ALL_BUT_LINE_BREAKS if line_breaks else _ANY).sub(_escape, text)


# Inside a JSON string (the only place a report's non-ASCII characters can be), the
# characters `json` leaves as they are with `ensure_ascii=False` and that must not be:
# C0 controls are escaped by `json` already.
_JSON_UNSAFE = re.compile(f"[{_BEYOND_C0}]")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any, **options: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, ...)` with the characters above as `\\uXXXX` escapes.

    The values stay exact (a reader gets back the same string, a lone surrogate included),
    and the text is valid UTF-8 that prints safely.
    """
    text = json.dumps(value, ensure_ascii=False, **options)
    if text.isascii():  # the common case, in C: of those characters, only DEL can be there
        return text.replace("\x7f", "\\u007f") if "\x7f" in text else text
    return _JSON_UNSAFE.sub(_json_escape, text)


def _json_errors(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: what an encoding cannot hold, as JSON `\\uXXXX` escapes (surrogate pairs
    above the BMP). Only used on JSON text, whose non-ASCII characters are all inside strings."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start:error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), error.end


JSON_ERRORS = "artifact-lint-json"
codecs.register_error(JSON_ERRORS, _json_errors)


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is None or codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


class _Encodable:
    """A text stream that writes what its encoding cannot hold with the `errors` handler.

    A write either goes through whole or, on `UnicodeEncodeError` (raised before anything
    is written), is encoded again with `errors` and written: never a partial report.
    With `ascii_unless_utf8`, a stream with an encoding other than UTF-8 gets ASCII only.
    Everything else (`isatty`, `encoding`, `flush`, `fileno`...) is the stream's own.
    """

    def __init__(self, stream: IO[str], errors: str, ascii_unless_utf8: bool = False) -> None:
        self._stream = stream
        self._errors = errors
        encoding = getattr(stream, "encoding", None)
        self._encoding = "ascii" if ascii_unless_utf8 and not _is_utf8(encoding) else (encoding or "utf-8")
        self._only_ascii = self._encoding == "ascii"

    def write(self, text: str) -> int:
        if self._only_ascii and not text.isascii():
            text = text.encode("ascii", self._errors).decode("ascii")
        try:
            return self._stream.write(text)
        except UnicodeEncodeError:
            encoding = self._encoding
            return self._stream.write(text.encode(encoding, self._errors).decode(encoding))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def encodable(stream: IO[str], errors: str = "backslashreplace", *, ascii_unless_utf8: bool = False) -> IO[str]:
    """`stream`, wrapped so that no character can make a write fail (see `_Encodable`)."""
    if isinstance(stream, _Encodable):
        return stream
    return _Encodable(stream, errors, ascii_unless_utf8)  # type: ignore[return-value]
