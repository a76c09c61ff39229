"""Where the tool keeps its state: environments, artifacts, results and logs.

Default `<project>/.matrix`; `TFMATRIX_HOME` moves it (CI shards point it at a cache).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Home:
    root: Path
    # environments may live elsewhere (TFMATRIX_ENVS), so stores that differ share installs
    envs_root: Path | None = None

    @property
    def envs(self) -> Path:
        return self.envs_root or self.root / "envs"

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> Home:
        for p in (self.envs, self.artifacts, self.results, self.logs):
            p.mkdir(parents=True, exist_ok=True)
        return self


def default_home() -> Home:
    root = os.environ.get("TFMATRIX_HOME")
    envs = os.environ.get("TFMATRIX_ENVS")
    return Home(
        Path(root).resolve() if root else PROJECT_ROOT / ".matrix",
        Path(envs).resolve() if envs else None,
    )
