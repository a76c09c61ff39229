"""`python -m matrix …` is `tf-compat-matrix …` (see matrix/cli.py)."""

from matrix.cli import main

raise SystemExit(main())
