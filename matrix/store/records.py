"""The result record: one cell, as stored (JSON Lines) and published (CSV/JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from matrix.guest.protocol import HARNESS_VERSION, SCHEMA_VERSION, ConsumeAnswer


@dataclass
class CellRecord:
    key: str
    producer: str  # the producer's environment name (TF minor)
    producer_tf: str | None
    producer_keras: str | None
    producer_python: str | None
    fixture: str
    format: str
    kind: str | None
    loader: str
    artifact_sha256: str
    artifact_status: str  # how producing it went: OK, SAVE_FAILED, NOT_APPLICABLE
    consumer: str
    consumer_tf: str | None
    consumer_keras: str | None
    consumer_python: str | None
    consumer_env_id: str
    consumer_packages: dict[str, str] = field(default_factory=dict)
    status: str | None = None
    error_category: str | None = None
    error_detail: str | None = None
    exception_type: str | None = None
    message: str | None = None
    message_tail: str | None = None
    returned: str | None = None
    max_abs_error: float | None = None
    load_seconds: float | None = None
    wall_seconds: float | None = None
    attempts: int | None = None
    timeout_seconds: float | None = None
    shared_load: bool = False  # the result of a byte-identical artifact's load
    # the environment whose load answered this cell, when it is not this one: the loader sees
    # the same packages in both (matrix/plan/sharing.py)
    computed_in: str | None = None
    # a shared cell loaded here again to check the sharing: "agree", or what differed
    share_check: str | None = None
    finished_at: str | None = None
    schema: int = SCHEMA_VERSION
    harness: str = HARNESS_VERSION

    def update(self, outcome: dict[str, Any]) -> CellRecord:
        for k, v in outcome.items():
            if k in FIELDS:
                setattr(self, k, None if v is None else (str(v) if k == "status" else v))
        return self

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


FIELDS = tuple(f.name for f in fields(CellRecord))
# what an answer from the guest contributes to a record: the answer's fields the record has
# (its id, type and the worker's memory are the supervisor's)
ANSWER_FIELDS = tuple(f.name for f in fields(ConsumeAnswer) if f.name in FIELDS and f.name != "id")
