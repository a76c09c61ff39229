"""A `.zip` or `.tar.gz` of a model, unpacked as untrusted input.

Refused, each in one line: a member with an absolute name or a `..` that would land outside the
target, a link (symbolic or hard: it could point anywhere), a device or other special file,
more members or more bytes than a model needs (a zip bomb's ratio gives it away before any byte
is written), a truncated or corrupt archive.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from matrix.check.model import ModelError

MAX_BYTES = 8 << 30  # unpacked; the largest real SavedModels are a few GB
MAX_MEMBERS = 100_000
MAX_RATIO = 200  # unpacked / packed: text compresses ~10×, a bomb ~1000×
SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(SUFFIXES)


def _safe_name(archive: Path, name: str) -> PurePosixPath:
    p = PurePosixPath(name)
    if p.is_absolute() or name.startswith(("/", "\\")) or ".." in p.parts or ":" in p.parts[0:1]:
        raise ModelError(
            f"{archive}: member {name!r} would be written outside the folder it "
            "is unpacked into; refused"
        )
    return p


def _check_totals(archive: Path, members: int, size: int) -> None:
    if members > MAX_MEMBERS:
        raise ModelError(
            f"{archive}: {members} members, more than a model has ({MAX_MEMBERS}); refused"
        )
    packed = max(archive.stat().st_size, 1)
    if size > MAX_BYTES or size > MAX_RATIO * packed + (64 << 20):
        raise ModelError(
            f"{archive}: unpacks to {size} bytes from {packed} (a zip bomb's "
            f"ratio, or more than {MAX_BYTES >> 30} GiB); refused"
        )


def unpack(archive: Path, into: Path) -> Path:
    """Unpack `archive` into `into` (which exists and is empty); returns `into`."""
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                infos = z.infolist()
                _check_totals(archive, len(infos), sum(i.file_size for i in infos))
                for info in infos:
                    name = _safe_name(archive, info.filename)
                    if (info.external_attr >> 16) & 0o170000 == 0o120000:
                        raise ModelError(f"{archive}: member {info.filename!r} is a link; refused")
                    target = into.joinpath(*name.parts)
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as src, target.open("wb") as dst:
                        written = 0
                        while chunk := src.read(1 << 20):
                            written += len(chunk)
                            if written > info.file_size:  # a header that lies about its size
                                lie = f"member {info.filename!r} is larger than its header says"
                                raise ModelError(f"{archive}: {lie}; refused")
                            dst.write(chunk)
        else:
            with tarfile.open(archive) as t:
                members = t.getmembers()
                _check_totals(archive, len(members), sum(m.size for m in members))
                for m in members:
                    _safe_name(archive, m.name)
                    if m.issym() or m.islnk():
                        raise ModelError(f"{archive}: member {m.name!r} is a link; refused")
                    if not (m.isfile() or m.isdir()):
                        raise ModelError(f"{archive}: member {m.name!r} is a special file; refused")
                for m in members:
                    target = into.joinpath(*PurePosixPath(m.name).parts)
                    if m.isdir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    src = t.extractfile(m)
                    with target.open("wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
    except ModelError:
        raise
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise ModelError(
            f"{archive}: not a readable archive (truncated or corrupt: {exc})"
        ) from None
    return into


def model_root(folder: Path) -> Path:
    """Where the model is inside an unpacked archive: a SavedModel directory at any depth, or
    the one Keras file."""
    found = sorted(p.parent for p in folder.rglob("saved_model.pb"))
    if found:
        return found[0]
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name.lower().endswith((".keras", ".h5", ".hdf5"))
    ]
    if len(files) == 1:
        return files[0]
    if not files:
        raise ModelError(f"{folder}: the archive holds no model (no saved_model.pb, .keras or .h5)")
    raise ModelError(f"{folder}: the archive holds {len(files)} Keras files; check one at a time")
