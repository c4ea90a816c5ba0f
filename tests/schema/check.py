#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate voiceqos --json output against Documentation/schema/voiceqos.schema.json.

    check.py DEF [FILE]          FILE (or stdin) is one JSON document
    check.py --lines DEF [FILE]  every non-empty line is one document (listen, monitor)
    check.py --self              the schema itself is a valid 2020-12 schema

DEF names a definition under $defs (flow_list, stats, calls, ...). Prints
`ok` or every violation as `PATH: message`; exit status 0 only if valid.
"""
import json
import os
import sys

from jsonschema import Draft202012Validator

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "Documentation", "schema", "voiceqos.schema.json")


def main(argv):
    lines = False
    if argv and argv[0] == "--lines":
        lines = True
        argv = argv[1:]
    with open(SCHEMA) as f:
        schema = json.load(f)
    if argv == ["--self"]:
        Draft202012Validator.check_schema(schema)
        print("ok")
        return 0
    if not argv or len(argv) > 2 or argv[0] not in schema["$defs"]:
        names = ", ".join(sorted(schema["$defs"]))
        print(f"usage: check.py [--lines] DEF [FILE]; DEF one of: {names}", file=sys.stderr)
        return 2
    one = dict(schema)
    one["$ref"] = "#/$defs/" + argv[0]
    validator = Draft202012Validator(one)
    text = open(argv[1]).read() if len(argv) == 2 else sys.stdin.read()
    docs = [l for l in text.splitlines() if l.strip()] if lines else [text]
    if not docs:
        print("no JSON document", file=sys.stderr)
        return 1
    bad = 0
    for n, doc in enumerate(docs, 1):
        where = f"line {n}: " if lines else ""
        try:
            value = json.loads(doc)
        except json.JSONDecodeError as e:
            print(f"{where}not JSON: {e}")
            bad += 1
            continue
        for err in sorted(validator.iter_errors(value), key=lambda e: list(e.path)):
            path = "/".join(str(p) for p in err.path) or "(top)"
            print(f"{where}{path}: {err.message[:300]}")
            bad += 1
    if bad:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
