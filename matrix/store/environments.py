"""Environment records (`results/tf-X.Y.env.json`): what making an environment showed, its
status (an EnvStatus), the reason when it failed, its env id and packages."""

from __future__ import annotations

import datetime as _dt
import json

from matrix.guest import protocol
from matrix.store.layout import Home


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def read_env_record(home: Home, name: str) -> dict | None:
    try:
        return json.loads(home.env_record(name).read_text())
    except (OSError, ValueError):
        return None


def write_env_record(home: Home, name: str, record: dict) -> None:
    """Unchanged records stay untouched (but for when they were checked is not rewritten):
    the report is then up to date."""
    previous = read_env_record(home, name) or {}
    previous["checked_at"] = record["checked_at"]
    if previous != record:
        home.results.mkdir(parents=True, exist_ok=True)
        protocol.write_json_atomic(str(home.env_record(name)), record)
