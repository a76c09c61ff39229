"""[sharing] of versions.toml: which packages TensorFlow never imports itself, which variables
they read, and how many shared cells each run loads again (matrix/plan/sharing.py uses it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from packaging.utils import canonicalize_name


@dataclass(frozen=True)
class Sharing:
    """[sharing] of versions.toml."""

    optional: frozenset[str] = frozenset()  # distributions TensorFlow never imports itself
    env_owners: tuple[tuple[str, str], ...] = ()  # (variable, the distribution that reads it)
    sample: int = 0  # one shared cell in `sample` is loaded again where it is shown (0: none)
    doc: str = ""

    @classmethod
    def from_toml(cls, table: Mapping) -> Sharing:
        return cls(
            optional=frozenset(canonicalize_name(n) for n in table.get("optional", ())),
            env_owners=tuple(
                sorted((k, canonicalize_name(v)) for k, v in table.get("env", {}).items())
            ),  # fmt: skip
            sample=int(table.get("sample", 0)),
            doc=str(table.get("doc", "")),
        )
