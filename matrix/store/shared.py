"""Loads computed once for the environments that cannot tell them apart (matrix/plan/sharing.py).

One append-only JSON Lines file per identity (what a load sees of its environment), so an
environment reads only the files of the identities it has. Each line is the answer of one
load, keyed by its share key, with the environment that computed it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from matrix.store.results import read_jsonl


class SharedLoads:
    def __init__(self, directory: Path):
        self.directory = directory
        self._read: dict[str, dict[str, dict]] = {}

    def _path(self, identity: str) -> Path:
        return self.directory / f"{identity}.jsonl"

    def get(self, identity: str, share_key: str) -> dict | None:
        if identity not in self._read:
            found: dict[str, dict] = {}
            for entry in read_jsonl(self._path(identity)):
                found.setdefault(entry.get("share_key"), entry)  # the first to compute it
            self._read[identity] = found
        return self._read[identity].get(share_key)

    def add(self, identity: str, share_key: str, computed_in: str, answer: dict) -> None:
        entry = {"share_key": share_key, "computed_in": computed_in, "answer": answer}
        self._read.setdefault(identity, {}).setdefault(share_key, entry)
        self.directory.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(entry, sort_keys=True) + "\n").encode()
        # one write() of a whole line on an O_APPEND file: two consumers appending at once
        # never interleave within a line (and a line cut by a kill is skipped by read_jsonl)
        fd = os.open(self._path(identity), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
