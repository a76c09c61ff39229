"""The compatibility dataset: ranges that expand back to exactly the cells they came from."""

import pandas as pd

from matrix.report import dataset as compat

ORDER = ["2.8", "2.9", "2.10", "2.11", "2.12"]


def test_spans_join_neighbouring_versions_only():
    assert compat.spans({"2.8", "2.9", "2.11"}, ORDER) == [["2.8", "2.9"], ["2.11", "2.11"]]
    assert compat.spans(set(), ORDER) == []


def test_every_cell_comes_back_from_the_dataset():
    rows = []
    for p in ORDER:
        for c in ORDER:
            broken = p == "2.12" and c in ("2.8", "2.9")
            rows.append(
                {
                    "producer": p,
                    "consumer": c,
                    "fixture": "fx",
                    "format": "saved_model",
                    "loader": "load",
                    "status": "ERROR" if broken else "PASS",
                    "error_category": "missing_op" if broken else None,
                    "error_detail": "DisableCopyOnRead" if broken else None,
                }
            )
    rows.append(
        {
            "producer": "2.8",
            "consumer": "2.8",
            "fixture": "fx",
            "format": "saved_model",
            "loader": "other",
            "status": "NOT_APPLICABLE",
        }
    )
    data = compat.dataset(pd.DataFrame(rows), ORDER, {"generated_at": "t", "commit": "c"}, [])
    assert data["schema_version"] == compat.SCHEMA_VERSION
    entries = data["data"]["fx"]["saved_model"]["load"]["2.12"]
    assert entries[0] == {"status": "PASS", "consumers": [["2.10", "2.12"]]}
    assert entries[1] == {
        "status": "ERROR",
        "consumers": [["2.8", "2.9"]],
        "category": "missing_op",
        "detail": "DisableCopyOnRead",
    }
    for p in ORDER:
        want = [r["consumer"] for r in rows if r["producer"] == p and r["status"] == "PASS"]
        assert compat.consumers_of(data, "fx", "saved_model", "load", p) == want
    assert "other" not in data["data"]["fx"]["saved_model"]  # NOT_APPLICABLE is left out
