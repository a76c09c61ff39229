"""Merge the result stores of CI shards into one, as if one machine had run them all.

    python -m matrix.merge SHARD_DIR [SHARD_DIR ...] [--expect 2.15 2.16 ...]

Each shard directory holds what a consumer job wrote (`tf-X.Y.jsonl`, `tf-X.Y.env.json`; the
layout of `.matrix/results`). Records go into this store (TFMATRIX_HOME), deduplicated by cell
key. Shards written by another harness version are refused (their cells would not be the same
experiment). Consumers that were expected but sent nothing are named in `missing.json` beside
the results, and the report shows them as missing rather than leaving a silent gap.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from matrix.guest.protocol import HARNESS_VERSION
from matrix.home import Home, default_home
from matrix.store import ResultStore, read_jsonl

MISSING_NAME = "missing.json"


class MixedHarness(ValueError):
    pass


@dataclass
class MergeSummary:
    shards: int = 0
    records: int = 0
    duplicates: int = 0
    consumers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def merge(shards: list[Path], home: Home, expect: list[str] | None = None) -> MergeSummary:
    summary = MergeSummary()
    found: dict[str, list[Path]] = {}
    for shard in shards:
        for path in sorted(shard.rglob("tf-*.jsonl")):
            found.setdefault(path.name, []).append(path)
        summary.shards += 1
    harnesses = {r.get("harness") for paths in found.values() for p in paths
                 for r in read_jsonl(p)}  # fmt: skip
    if harnesses - {HARNESS_VERSION}:
        raise MixedHarness(
            f"shards were written by harness versions {sorted(map(str, harnesses))}; this tool "
            f"is harness {HARNESS_VERSION}: rerun the stale shards"
        )
    home.ensure()
    for name, paths in sorted(found.items()):
        store = ResultStore(home.results / name)
        seen = store.keys()
        for path in paths:
            for record in read_jsonl(path):
                if record["key"] in seen:
                    summary.duplicates += 1
                    continue
                seen.add(record["key"])
                store.append(record)
                summary.records += 1
        store.close()
        summary.consumers.append(name.removeprefix("tf-").removesuffix(".jsonl"))
        for env_record in {p.with_name(p.name.replace(".jsonl", ".env.json")) for p in paths}:
            if env_record.exists():
                shutil.copyfile(env_record, home.results / env_record.name)
    summary.missing = sorted(set(expect or ()) - set(summary.consumers))
    (home.results / MISSING_NAME).write_text(json.dumps(summary.missing) + "\n")
    return summary


def missing_consumers(home: Home) -> list[str]:
    try:
        return json.loads((home.results / MISSING_NAME).read_text())
    except (OSError, ValueError):
        return []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shards", nargs="+", type=Path)
    parser.add_argument("--expect", nargs="*", default=None, help="consumers that should be there")
    args = parser.parse_args(argv)
    try:
        s = merge(args.shards, default_home(), args.expect)
    except MixedHarness as exc:
        print(f"merge: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"merged {s.records} cells from {s.shards} shards ({s.duplicates} duplicates); "
          f"consumers: {' '.join(s.consumers) or 'none'}"
          + (f"; MISSING: {' '.join(s.missing)}" if s.missing else ""))  # fmt: skip


if __name__ == "__main__":
    main()
