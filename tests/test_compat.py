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


def test_the_committed_dataset_validates_against_its_committed_schema():
    """Truth issue, point 6: reports/compat.json follows reports/compat.schema.json (JSON
    Schema 2020-12), and the schema is strict enough to refuse what is not the dataset."""
    import json

    import pytest

    from matrix import PROJECT_ROOT

    jsonschema = pytest.importorskip("jsonschema")
    reports = PROJECT_ROOT / "reports"
    schema = json.loads((reports / "compat.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads((reports / "compat.json").read_text())
    errors = [
        f"{list(e.absolute_path)[:5]}: {e.message[:120]}" for e in validator.iter_errors(data)
    ]
    assert errors == []
    assert data["environments"]["2.16+keras3.0"]["kind"] == "keras"
    assert "tensorflow-text" in data["environments"]["2.16+text"]["addons"]
    fixture = next(iter(data["data"].values()))
    fmt = next(iter(fixture.values()))
    outcomes = next(iter(next(iter(fmt.values())).values()))
    broken = json.loads(json.dumps(data))
    broken["schema_version"] = 2  # a reader of version 1 must not take this
    assert not validator.is_valid(broken)
    outcomes[0]["status"] = "MAYBE"  # not an outcome of a cell
    assert not validator.is_valid(data)
