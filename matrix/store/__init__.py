"""The store, `.matrix/` (or TFMATRIX_HOME): the one owner of its layout. Artifacts and their
integrity, results (append-only, one file per consumer), environment records, CI shards."""
