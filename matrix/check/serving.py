"""TensorFlow Serving, predicted: which TensorFlow each release of `tensorflow_model_server` is
built from and which op libraries are linked into it, as data read from its own build files
(`matrix/catalog/serving.toml`, written by `tf-compat-matrix runtimes --serving GIT_DIR`
from a clone of github.com/tensorflow/serving: Serving cannot be installed here).

Per release tag (the newest patch of each minor): `WORKSPACE`'s pinned TensorFlow commit,
`tensorflow_serving/workspace.bzl`'s tensorflow-text and decision-forests archives (their
`strip_prefix` names the version), and `tensorflow_serving/model_servers/BUILD`'s
`SUPPORTED_TENSORFLOW_OPS` (the op libraries linked into the server). Serving X.Y is built
from TensorFlow X.Y (its release branches pin that TF), so a model's ops are predicted against
the X.Y runtime dump plus the linked add-on's ops: those of the dump of the tensorflow-text
minor that is linked (Serving 2.15–2.19 link tensorflow-text 2.12.1, not their own minor).
Always labelled predicted: nothing here ran a model server.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from matrix.catalog.releases import CATALOG_PATH

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

SERVING_PATH = CATALOG_PATH.with_name("serving.toml")
FILES = ("WORKSPACE", "tensorflow_serving/workspace.bzl", "tensorflow_serving/model_servers/BUILD")
TFDF_PREFIX = "SimpleML"  # the decision-forests inference ops (SimpleMLInferenceOp…)


@dataclass(frozen=True)
class Serving:
    version: str  # the release tag, e.g. "2.12.2"
    minor: str  # the TensorFlow minor it is built from ("2.12")
    tensorflow_commit: str | None
    text: str | None  # the tensorflow-text linked: a version ("2.12.1"), a commit, or None
    decision_forests: str | None
    op_libraries: tuple[str, ...]  # SUPPORTED_TENSORFLOW_OPS
    evidence: str

    @property
    def text_minor(self) -> str | None:
        m = re.fullmatch(r"(\d+\.\d+)\.\d+", self.text or "")
        return m.group(1) if m else None

    @property
    def links_text(self) -> bool:
        return any("org_tensorflow_text" in lib for lib in self.op_libraries)


def _show(git_dir: Path, tag: str, path: str) -> str:
    out = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{tag}:{path}"],
                         capture_output=True, text=True)  # fmt: skip
    return out.stdout if out.returncode == 0 else ""


def _archive(bzl: str, name: str) -> str | None:
    """The version (or commit) an http_archive named `name` unpacks: its strip_prefix."""
    m = re.search(rf'name = "{name}",(.*?)\)', bzl, re.S)
    pattern = r'strip_prefix = "[A-Za-z_-]*?-((?:\d+\.)+\d+|[0-9a-f]{40})"'
    prefix = re.search(pattern, m.group(1)) if m else None
    return prefix.group(1) if prefix else None


def _op_libraries(build: str) -> tuple[str, ...]:
    m = re.search(r"^SUPPORTED_TENSORFLOW_OPS = (.*?)\n\n", build, re.S | re.M)
    if not m:
        return ()
    body = re.sub(r"if_v2\(\[[^\]]*\]\) \+ if_not_v2\(\[[^\]]*\]\)", "", m.group(1))  # TF1-only
    return tuple(re.findall(r'"(@[^"]+)"', body))


def releases(git_dir: Path) -> list[str]:
    """The newest patch tag of each Serving minor from 1.15 on."""
    out = subprocess.run(["git", "--git-dir", str(git_dir), "tag"], capture_output=True,
                         text=True, check=True).stdout.split()  # fmt: skip
    newest: dict[tuple[int, int], Version] = {}
    for tag in out:
        try:
            v = Version(tag)
        except InvalidVersion:
            continue
        if v.is_prerelease or v.release[:2] < (1, 15):
            continue
        key = v.release[:2]
        newest[key] = max(newest.get(key, v), v)
    return [str(newest[k]) for k in sorted(newest)]


def extract(git_dir: Path) -> list[Serving]:
    found = []
    for tag in releases(git_dir):
        workspace, bzl, build = (_show(git_dir, tag, f) for f in FILES)
        commit = re.search(r'name = "org_tensorflow",.*?git_commit = "([0-9a-f]+)"', workspace,
                           re.S)  # fmt: skip
        found.append(
            Serving(
                version=tag,
                minor=".".join(tag.split(".")[:2]),
                tensorflow_commit=commit.group(1) if commit else None,
                text=_archive(bzl, "org_tensorflow_text"),
                decision_forests=_archive(bzl, "org_tensorflow_decision_forests"),
                op_libraries=_op_libraries(build),
                evidence=f"github.com/tensorflow/serving tag {tag}: " + ", ".join(FILES),
            )
        )
    return found


def dumps(found: list[Serving], day: str) -> str:
    lines = [
        "# TensorFlow Serving releases: the TensorFlow each is built from and the op libraries",
        "# linked into tensorflow_model_server, read from its build files at each tag. Written",
        f"# by `tf-compat-matrix runtimes --serving GIT_DIR` on {day}; matrix/check/serving.py",
        "",
    ]
    for s in found:
        lines += [
            "[[serving]]",
            f'version = "{s.version}"',
            f'minor = "{s.minor}"',
            f'tensorflow_commit = "{s.tensorflow_commit or ""}"',
            f'text = "{s.text or ""}"',
            f'decision_forests = "{s.decision_forests or ""}"',
            "op_libraries = [" + ", ".join(f'"{lib}"' for lib in s.op_libraries) + "]",
            f'evidence = "{s.evidence}"',
            "",
        ]
    return "\n".join(lines)


def load(path: Path = SERVING_PATH) -> list[Serving]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Serving(
            e["version"],
            e["minor"],
            e["tensorflow_commit"] or None,
            e["text"] or None,
            e["decision_forests"] or None,
            tuple(e["op_libraries"]),
            e["evidence"],
        )  # fmt: skip
        for e in data.get("serving", [])
    ]
