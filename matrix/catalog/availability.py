"""Which format or loader exists in an environment: decided on the host, from data.

An environment's *facts* are the versions of what is installed there (its stamp, written when
it was created): every distribution, plus `tensorflow` (whichever package provides it) and
`keras` (the Keras that `tf.keras` is). Formats, loaders and fixtures declare PEP 508
requirements on those facts ("keras>=3", "tf-keras", "tensorflow>=2.6").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

Facts = Mapping[str, Version]


def _version(text: str | None) -> Version | None:
    """'2.2.4-tf' (TF 1.15's Keras) -> 2.2.4; '2.22.0-dev20261120' -> 2.22.0.dev20261120."""
    if not text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        m = re.match(r"\d+(\.\d+)*", text)
        return Version(m.group(0)) if m else None


def facts_of(info: Mapping) -> dict[str, Version]:
    """Facts from an environment's info (envinfo output)."""
    found: dict[str, Version] = {}
    for name, version in (info.get("packages") or {}).items():
        v = _version(version)
        if v is not None:
            found[canonicalize_name(name)] = v
    for name in ("tensorflow", "keras"):
        v = _version(info.get(name))
        if v is not None:
            found[name] = v
    # a TensorFlow.js environment: its npm packages by their name in the scope
    # (`@tensorflow/tfjs` is the fact `tfjs`), and Node itself
    for name, version in (info.get("npm") or {}).items():
        v = _version(version)
        if v is not None:
            found.setdefault(canonicalize_name(name.rpartition("/")[2]), v)
    v = _version(info.get("node"))
    if v is not None:
        found["node"] = v
    return found


def unmet(requires: Iterable[str], facts: Facts) -> str | None:
    """Why `requires` is not met by `facts` (one line), or None when it is."""
    for text in requires:
        req = Requirement(text)
        have = facts.get(canonicalize_name(req.name))
        if have is None:
            return f"needs {text}, which is not installed here"
        if req.specifier and not req.specifier.contains(have, prereleases=True):
            return f"needs {text}; this environment has {req.name} {have}"
    return None
