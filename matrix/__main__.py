"""`python -m matrix query …`: see matrix/query.py."""

import sys

from matrix import query

if len(sys.argv) < 2 or sys.argv[1] != "query":
    print("usage: python -m matrix query {loads,producers,error} ... (--help)", file=sys.stderr)
    raise SystemExit(2)
query.main(sys.argv[2:])
