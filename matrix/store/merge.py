"""Merge the result stores of CI shards into one, as if one machine had run them all.

    python -m matrix.store.merge SHARD_DIR [SHARD_DIR ...] [--expect 2.15 2.16 ...]

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
from dataclasses import dataclass, field
from pathlib import Path

from matrix.errors import UsageError
from matrix.guest.protocol import HARNESS_VERSION
from matrix.store.layout import Home, default_home
from matrix.store.results import ResultStore, read_jsonl


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
        store = ResultStore(home.results / name)  # tf-X.Y.jsonl, as in the shard
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
    home.missing_file().write_text(json.dumps(summary.missing) + "\n")
    return summary


def missing_consumers(home: Home) -> list[str]:
    try:
        return json.loads(home.missing_file().read_text())
    except (OSError, ValueError):
        return []


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shards", nargs="+", type=Path, help="folders of the consumer jobs' results"
    )
    parser.add_argument(
        "--expect", nargs="*", default=None, metavar="VERSION",
        help="consumers that should be there (a missing one is named in missing.json)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int | None:
    try:
        s = merge(args.shards, default_home(), args.expect)
    except MixedHarness as exc:
        raise UsageError(str(exc)) from None
    print(f"merged {s.records} cells from {s.shards} shards ({s.duplicates} duplicates); "
          f"consumers: {' '.join(s.consumers) or 'none'}"
          + (f"; MISSING: {' '.join(s.missing)}" if s.missing else ""))  # fmt: skip
