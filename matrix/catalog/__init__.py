"""What exists: the TensorFlow environments of the catalog (`versions.toml`, `locks/`), the
fixtures, formats and loaders, which of them applies where, and the version names' order.

Host side, standard library and `packaging` only; nothing here starts a process.
"""

from matrix.catalog.releases import (
    CATALOG_PATH,
    LOCKS_DIR,
    MAIN_BLOCK,
    Block,
    Catalog,
    TFRelease,
    UnknownVersion,
    load_catalog,
)

__all__ = ["CATALOG_PATH", "LOCKS_DIR", "MAIN_BLOCK", "Block", "Catalog", "TFRelease",
           "UnknownVersion", "load_catalog"]  # fmt: skip
