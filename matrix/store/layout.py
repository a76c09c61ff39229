"""Where the tool keeps its state, `.matrix/` (TFMATRIX_HOME moves it; TFMATRIX_ENVS moves
just the environments, so several stores share installs). Every path inside it is spelled
here and nowhere else:

    envs/tf-X.Y/, tf-X.Y.json          one environment per catalog entry, and its stamp
    artifacts/tf-X.Y/<fixture>/<format>/{manifest.json, artifact/}
    results/tf-X.Y.jsonl               the cells that environment consumed (append-only)
    results/tf-X.Y.env.json            what making that environment showed (status, packages)
    results/missing.json               consumers a CI merge expected and did not get
    locks/tf-nightly.txt               locks of pre-releases (never committed)
    logs/<step>-tf-X.Y.log             what the workers wrote to stderr
    report/                            the report of a run on fewer versions than published
    report-<hash>.fp, history.csv      what a report was rendered from; the runs' trend
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from matrix import PROJECT_ROOT

__all__ = ["PROJECT_ROOT", "Home", "default_home"]


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
    def shared(self) -> Path:
        return self.root / "shared"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def locks(self) -> Path:
        return self.root / "locks"

    @property
    def report(self) -> Path:
        return self.root / "report"

    def env_dir(self, name: str) -> Path:
        return self.envs / name

    def env_stamp(self, name: str) -> Path:
        """What making the environment recorded: env id, package versions (run.envs)."""
        return self.envs / f"{name}.json"

    def env_lock(self, name: str) -> Path:
        return self.envs / f"{name}.lock"

    def artifact_dir(self, name: str, fixture: str, fmt: str) -> Path:
        return self.artifacts / name / fixture / fmt

    def artifacts_lock(self, name: str) -> Path:
        return self.artifacts / f"{name}.lock"

    def results_file(self, name: str) -> Path:
        return self.results / f"{name}.jsonl"

    def env_record(self, name: str) -> Path:
        return self.results / f"{name}.env.json"

    def missing_file(self) -> Path:
        return self.results / "missing.json"

    def report_marker(self, out_dir: Path) -> Path:
        """The fingerprint of what `out_dir`'s report was last rendered from."""
        return self.root / f"report-{hashlib.sha256(str(out_dir).encode()).hexdigest()[:12]}.fp"

    def history_file(self) -> Path:
        """One line per run compared with the published one (regress), for the trend."""
        return self.root / "history.csv"

    def log_file(self, step: str, name: str) -> Path:
        return self.logs / f"{step}-{name}.log"

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
