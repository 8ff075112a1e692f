"""Print an event log with one field removed from every event of one type (to compare logs that differ only by
a field a change added): python tools/golden/strip_field.py EVENTS.jsonl EventType field > OUT.jsonl.
Only the field's ``"name":value`` text is cut from the line, so every other byte is left as written."""

from __future__ import annotations

import re
import sys


def main(path: str, event_type: str, field: str) -> int:
    pattern = re.compile(rb',"' + re.escape(field.encode()) + rb'":("(?:[^"\\]|\\.)*"|[-0-9.eE]+|true|false|null)')
    marker = b'"event_type":"' + event_type.encode() + b'"'
    out = sys.stdout.buffer
    with open(path, "rb") as handle:
        for line in handle:
            if marker in line:
                line, count = pattern.subn(b"", line, count=1)
                if count != 1:
                    raise SystemExit(f"{path}: a {event_type} line without {field}: {line[:120]!r}")
            out.write(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
