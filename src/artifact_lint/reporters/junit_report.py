"""`--format junit`: JUnit XML for CI test-report viewers.

One `<testsuite name="artifact-lint">` inside `<testsuites>`. Each finding is a
test case, `classname` its file and `name` "CODE rule-name (line:col)", holding
a `<failure type="CODE">` whose body gives path:line:col, field and message.
Suppressed findings are test cases with `<skipped>`. A run without findings
has one passing test case, so consumers still see that the check ran.

The XML is built with `xml.etree`, which escapes markup; characters XML 1.0
cannot hold at all (control characters, lone surrogates) are written as
visible `\\uXXXX` text first, and so are those it allows but a terminal showing
the file would act on or that reorder text (DEL and C1 controls, line and
paragraph separators, bidirectional controls; see `_safe`) and, inside a value,
tabs and line breaks: the only line breaks are those between the body's lines.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO, Any

from artifact_lint import __version__
from artifact_lint.engine.lint import Result
from artifact_lint.model.findings import Finding

ENCODING_ERRORS = "xmlcharrefreplace"  # character references; ASCII on a stream that is not UTF-8
SUITE = "artifact-lint"
# Everything outside XML 1.0's Char production, and the characters `_safe.visible` escapes
# that XML allows (DEL and C1 controls, U+2028 and U+2029, U+202A-U+202E, U+2066-U+2069).
_NOT_XML = re.compile("[^\u0020-\u007e\u00a0-\u2027\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd"
                      "\U00010000-\U0010ffff]")


def clean(text: object) -> str:
    """`text` on one line, with characters XML 1.0 forbids (or a terminal would act on) as `\\uXXXX`."""
    value = str(text)
    if value.isprintable():  # none of them is printable: the common case, in C
        return value
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)


def _location(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}"


def _body(f: Finding) -> str:
    lines = [f"{_location(f)}: {f.code} [{f.severity.value}] {f.name}"]
    if f.field:
        lines.append(f"field: {f.field}")
    if f.artifact:
        lines.append(f"artifact: {f.artifact}")
    lines.append(f.message)
    if f.fix is not None:
        lines.append(f"fix ({'safe' if f.fix.safe else 'unsafe'}): {f.fix.description}")
    return "\n".join(map(clean, lines))


def _case(suite: ET.Element, f: Finding) -> ET.Element:
    return ET.SubElement(suite, "testcase", {
        "classname": clean(f.path),
        "name": clean(f"{f.code} {f.name} ({f.line}:{f.column})"),
        "file": clean(f.path),
        "line": str(f.line),
        "time": "0",
    })


def build(result: Result) -> ET.Element:
    failures = len(result.findings)
    skipped = len(result.suppressed)
    tests = failures + skipped or 1
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0",
              "skipped": str(skipped), "time": "0"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE, **counts})
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "artifact-lint.version", "value": __version__})
    ET.SubElement(props, "property", {"name": "files", "value": str(result.files)})
    for f in result.findings:
        case = _case(suite, f)
        failure = ET.SubElement(case, "failure", {
            "type": clean(f.code),
            "message": clean(f"{_location(f)}: {f.message}"),
        })
        failure.text = _body(f)
    for f in result.suppressed:
        case = _case(suite, f)
        ET.SubElement(case, "skipped", {
            "message": clean(f"suppressed by per-file-ignores: {_location(f)}: {f.message}"),
        })
    if not result.findings and not result.suppressed:
        ET.SubElement(suite, "testcase", {
            "classname": SUITE,
            "name": f"no findings in {result.files} file{'' if result.files == 1 else 's'}",
            "time": "0",
        })
    return root


def write(result: Result, rules: list[Any], stream: IO[str], **_: Any) -> None:
    root = build(result)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
