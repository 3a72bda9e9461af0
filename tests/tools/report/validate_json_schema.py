#!/usr/bin/env python3
"""validate_json_schema.py SCHEMA DOCUMENT: checks that SCHEMA is a valid JSON
Schema (of the draft its $schema names) and that DOCUMENT conforms to it.
Prints every violation and exits 1 if there is any. Needs python3-jsonschema
(scripts/setup.sh installs it); used by tests/tools/report/report_formats_test.cpp."""
import json
import sys

import jsonschema


def main():
    schema_path, document_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(document_path, encoding="utf-8") as f:
        document = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(document), key=lambda e: list(e.path))
    for e in errors:
        print("%s: %s" % ("/".join(str(p) for p in e.path) or "(root)", e.message), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
