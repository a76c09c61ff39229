"""Why each error category happens and what to do (`causes.toml`): data, read on the host."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox depends on tomli on older Pythons
    import tomli as tomllib

CAUSES_PATH = Path(__file__).with_name("causes.toml")


@dataclass(frozen=True)
class Cause:
    why: str
    fix: str


@functools.cache
def causes(path: Path = CAUSES_PATH) -> dict[str, Cause]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: Cause(entry["why"], entry["fix"]) for name, entry in data.items()}


def cause_of(category: str | None) -> Cause | None:
    return causes().get(category or "")
