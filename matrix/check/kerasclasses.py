"""What each environment's Keras can deserialize, from matrix/catalog/keras_classes.json
(`tf-compat-matrix runtimes --keras`, dumped inside each environment by
matrix/guest/kerasdump.py): the public classes per module, and Keras 2's layer registry.

A Keras 3 config names each object's module ("keras.layers") and class; Keras 3 resolves it
by that module's attribute, so the module's public classes are what it knows. Keras 2 resolves
layers through its deserializer's registry (which holds internal classes such as TFOpLambda)
and the other objects through their module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from matrix.check.model import KerasLayer
from matrix.check.runtimes import KERAS_PATH, _indexes

MODULES = {"layers", "models", "optimizers", "initializers", "regularizers", "constraints",
           "losses", "metrics", "activations", "callbacks"}  # fmt: skip


def _version(text: str) -> tuple:
    """'2.2.4-tf' -> (2, 2, 4): Keras versions as numbers, for spans."""
    head = text.split("-")[0].split("+")[0]
    return tuple(int(x) if x.isdigit() else 0 for x in head.split("."))


@dataclass
class KerasClasses:
    versions: list[str]
    environments: dict[str, str]  # environment -> its Keras version
    names: dict[str, frozenset[int]]  # "module.Class" -> indexes of the versions that have it
    keras2_registry: set[str]
    dumped: str

    def keras_of(self, env: str) -> str | None:
        """An environment's Keras version; an add-on variant has its release's."""
        return self.environments.get(env) or self.environments.get(env.partition("+")[0])

    def _has(self, version: str, key: str) -> bool:
        return self.versions.index(version) in self.names.get(key, frozenset())

    def where(self, obj: KerasLayer, version: str) -> str | None:
        """The dump entry that decides `obj` in Keras `version` ("layers.Dense",
        "deserializable.TFOpLambda"), or None where the dump cannot decide (a custom class,
        an internal module)."""
        module = obj.module
        if module is None:  # Keras 2 writes no module: its layers are the registry's
            return f"deserializable.{obj.class_name}" if version in self.keras2_registry else None
        if obj.registered_name and ">" in obj.registered_name:
            return None  # a custom class (package>Name): lint names it
        short = module.removeprefix("keras.")
        if short not in MODULES:
            return None  # "keras" (DTypePolicy, Sequential), keras.src.…: not listed
        if short == "layers" and version in self.keras2_registry:
            return f"deserializable.{obj.class_name}"
        return f"{short}.{obj.class_name}"

    def unknown(self, obj: KerasLayer, env: str) -> str | None:
        """Why `env`'s Keras cannot resolve `obj`, or None (it can, or the dump cannot say)."""
        version = self.keras_of(env)
        if version is None:
            return None
        key = self.where(obj, version)
        if key is None or self._has(version, key):
            return None
        if obj.module is None and any(self._has(version, f"{m}.{obj.class_name}") for m in MODULES):
            return None  # a module-less name may be an initializer, a regularizer, …
        firsts = [v for v in self.versions if self._has(v, key)]
        if not firsts:
            return None  # known to no Keras dumped (a Policy, a custom class): lint's part
        firsts.sort(key=_version)
        since = "known to Keras " + (
            firsts[0] if len(firsts) == 1 else f"{firsts[0]} to {firsts[-1]}")  # fmt: skip
        module, _, name = key.partition(".")
        where = "its layer registry" if module == "deserializable" else f"keras.{module}"
        return f"Keras {version} has no {name} in {where} ({since})"


def load(path: Path = KERAS_PATH) -> KerasClasses | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return KerasClasses(
        data["versions"],
        data["environments"],
        {k: _indexes(v) for k, v in data["names"].items()},
        set(data.get("keras2_registry", [])),
        data["dumped"],
    )
