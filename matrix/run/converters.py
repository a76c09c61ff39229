"""Converters installed beside a producer's TensorFlow only for the formats that need them
(tensorflowjs): each version in a folder of its own (`ENVS/converters/NAME-VERSION-pyX.Y-ID`),
put at the end of the producer worker's path, so the environment (its lock, its id, every cell
keyed by it) stays as it is."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from matrix.catalog.releases import Converter
from matrix.guest.vocabulary import EnvStatus
from matrix.run.envs import Environment, EnvUnavailable, _last_line, _uv
from matrix.store.layout import Home
from matrix.store.results import exclusive_lock

DONE = ".installed"


def stub_modules(stubs: tuple[str, ...]) -> list[str]:
    """Every module a stub needs, parents first: jax.experimental.x -> jax, jax.experimental, …"""
    found: set[str] = set()
    for name in stubs:
        parts = name.split(".")
        found.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(found, key=lambda m: (m.count("."), m))


def converter_dir(home: Home, conv: Converter, env: Environment) -> Path:
    ident = hashlib.sha256(conv.ident.encode()).hexdigest()[:10]
    return home.envs / "converters" / f"{conv.name}-{conv.version}-py{env.release.python}-{ident}"


def ensure_converter(home: Home, conv: Converter, env: Environment, log=print) -> Path:
    """The folder holding `conv`'s packages for `env`'s Python, installed when missing (no
    dependencies: the catalog lists every package it imports). Raises EnvUnavailable."""
    target = converter_dir(home, conv, env)
    if (target / DONE).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(target.parent / f"{target.name}.lock", log):
        if (target / DONE).exists():
            return target
        uv = _uv()
        if uv is None:
            raise EnvUnavailable(EnvStatus.INSTALL_FAILED.value, "uv is needed for converters")
        log(f"{env.release.name}: installing {conv.name} {conv.version} beside it")
        cmd = [uv, "pip", "install", "--quiet", "--no-deps", "--target", str(target),
               "--python", str(env.python), *conv.packages]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            why = f"{conv.name} {conv.version}: {_last_line(out.stderr)}"
            raise EnvUnavailable(EnvStatus.INSTALL_FAILED.value, why)
        modules = stub_modules(conv.stubs)
        for module in modules:  # imported at start-up, never used here
            children = [m.rpartition(".")[2] for m in modules if m.rpartition(".")[0] == module]
            stub = target / module.replace(".", "/") / "__init__.py"
            stub.parent.mkdir(parents=True, exist_ok=True)
            # a package imports its submodules: `import jax; jax.monitoring` (Keras 3) works
            stub.write_text(f'"""Empty: {conv.name} imports it, never uses it here."""\n'
                            + "".join(f"from . import {c}\n" for c in children))  # fmt: skip
        (target / DONE).write_text(conv.ident + "\n", encoding="utf-8")
    return target
