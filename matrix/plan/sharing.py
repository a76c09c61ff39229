"""Which environments a loader cannot tell apart, so that a load is computed once for them.

Environments that differ only in packages a loader never imports (a Keras variant, for
tf.saved_model.load) give it the same answer: measured, all 22,960 TF-loader cells of the
Keras-variant consumers equalled their base TensorFlow's. A loader declares what it imports
beyond the runtime (`IMPORTS`, distribution names); the packages it can see are the runtime
package and those, with everything they depend on in the environment's lock file, except the
packages TensorFlow itself never imports (`[sharing] optional` in versions.toml) when nothing
imports them. The load's identity is the hash of what it sees: the Python, those packages'
versions, the environment's variables that are not an unseen package's. Pure: unit-tested
without an environment.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from matrix.catalog.sharing import Sharing


@dataclass(frozen=True)
class Seen:
    """What one load sees of its environment."""

    python: str
    packages: tuple[tuple[str, str], ...]
    env: tuple[tuple[str, str], ...] = field(default=())

    def text(self) -> str:
        parts = [f"python=={self.python}", *(f"{n}=={v}" for n, v in self.packages)]
        return "\n".join(parts + [f"${k}={v}" for k, v in self.env])


_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==")
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", re.M)
_VIA = re.compile(r"^#\s+(?:via\s+)?([A-Za-z0-9][A-Za-z0-9._-]*)\s*$")


def dependency_graph(lock_text: str) -> dict[str, set[str]]:
    """{package: the packages that depend on it}, from a uv/pip-compile lock's `# via` lines."""
    graph: dict[str, set[str]] = {}
    current = None
    for raw in lock_text.splitlines():
        line = raw.strip()
        found = _REQUIREMENT.match(line)
        if found:
            current = canonicalize_name(found.group(1))
            graph.setdefault(current, set())
            continue
        via = _VIA.match(line)
        if current and via and via.group(1) != "via":
            graph[current].add(canonicalize_name(via.group(1)))
    return graph


def reachable(roots: Iterable[str], dependents: Mapping[str, set[str]],
              hidden: Iterable[str] = ()) -> set[str]:  # fmt: skip
    """The roots and everything they depend on, not walking through `hidden` packages."""
    children: dict[str, set[str]] = {}
    for pkg, parents in dependents.items():
        for parent in parents:
            children.setdefault(parent, set()).add(pkg)
    hidden = set(hidden)
    seen: set[str] = set()
    todo = [canonicalize_name(r) for r in roots]
    while todo:
        pkg = todo.pop()
        if pkg in seen:
            continue
        seen.add(pkg)
        todo.extend(c for c in children.get(pkg, ()) if c not in hidden)
    return seen


def seen_by(
    *,
    python: str,
    packages: Mapping[str, str],
    lock_text: str,
    runtime: str,
    imports: Iterable[str],
    env: Iterable[tuple[str, str]],
    sharing: Sharing,
) -> Seen:
    """What a load that imports `imports` (beside the `runtime` package) sees."""
    installed = {canonicalize_name(k): v for k, v in packages.items()}
    roots = {canonicalize_name(runtime), *(canonicalize_name(i) for i in imports)}
    hidden = sharing.optional - roots
    visible = reachable(roots, dependency_graph(lock_text), hidden)
    owners = dict(sharing.env_owners)
    return Seen(
        python=python,
        packages=tuple(sorted((n, installed[n]) for n in visible if n in installed)),
        env=tuple(sorted((k, v) for k, v in env if owners.get(k) not in hidden)),
    )


class Identities:
    """The identities of one environment's loads (hashes of what each sees), computed once
    per set of imports."""

    def __init__(self, *, python: str, packages: Mapping[str, str], lock_text: str,
                 runtime: str, env: Iterable[tuple[str, str]], sharing: Sharing):  # fmt: skip
        self._where = dict(python=python, packages=packages, lock_text=lock_text,
                           runtime=runtime, env=tuple(env), sharing=sharing)  # fmt: skip
        self._known: dict[tuple[str, ...], str] = {}

    def __call__(self, loader_imports: Iterable[str] | None, addons: Iterable[str] = (),
                 requires: Iterable[str] = ()) -> str | None:  # fmt: skip
        """The identity of a load by a loader importing `loader_imports` (None: undeclared,
        never shared), of an artifact whose `addons` (modules) are imported before it is
        loaded, where the loader runs fixture code that `requires` packages."""
        if loader_imports is None:
            return None
        roots = tuple(sorted({*loader_imports, *(m.replace("_", "-") for m in addons),
                              *(Requirement(r).name for r in requires)}))  # fmt: skip
        if roots not in self._known:
            seen = seen_by(imports=roots, **self._where)
            self._known[roots] = hashlib.sha256(seen.text().encode()).hexdigest()[:24]
        return self._known[roots]


def pinned(lock_text: str) -> dict[str, str]:
    """{package: version} of the `name==version` lines of a lock (or of pins)."""
    return dict(_PIN.findall(lock_text))


def sampled(share_key: str, consumer: str, every: int) -> bool:
    """Is this shared cell loaded again in `consumer` (deterministic: the same cells each run)?"""
    if every <= 0:
        return False
    digest = hashlib.sha256(f"{share_key}\x1f{consumer}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % every == 0
