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
    assert "other" not in data["data"]["fx"]["saved_model"]  # nothing of it was attempted


def test_every_consumer_is_named_once_and_why_nothing_was_loaded_is_kept_apart():
    """Truth issue, point 6: "not applicable", "not crossed" and "environment failed" were all
    one silence (a consumer absent from every outcome)."""
    rows = [
        {
            "producer": p,
            "consumer": c,
            "fixture": "fx",
            "format": "saved_model",
            "loader": "load",
            "status": "NOT_APPLICABLE" if c == "2.8" else "PASS",
        }
        for p in ORDER[:3]
        for c in ORDER[:3]
    ]  # fmt: skip  (2.11 is not crossed with them; 2.12 could not be set up)
    envs = [{"tf": v, "status": "OK", "packages": {"tensorflow-cpu": "2.9.3", "numpy": "1.26.4"}}
            for v in ORDER[:4]]  # fmt: skip
    envs.append({"tf": "2.12", "status": "IMPORT_FAILED", "reason": "undefined symbol"})
    data = compat.dataset(pd.DataFrame(rows), ORDER, {}, envs)
    entries = data["data"]["fx"]["saved_model"]["load"]["2.9"]
    assert entries == [
        {"status": "PASS", "consumers": [["2.9", "2.10"]]},
        {"status": "NOT_APPLICABLE", "consumers": [["2.8", "2.8"]]},
        {"status": "NOT_CROSSED", "consumers": [["2.11", "2.11"]]},
        {"status": "ENV_FAILED", "consumers": [["2.12", "2.12"]]},
    ]
    named = [v for e in entries for first, last in e["consumers"]
             for v in ORDER[ORDER.index(first) : ORDER.index(last) + 1]]  # fmt: skip
    assert sorted(named, key=ORDER.index) == ORDER  # each consumer exactly once
    assert data["environments"]["2.12"]["reason"] == "undefined symbol"
    # the day from matrix/catalog/released.toml, for TensorFlow and not for numpy
    assert data["environments"]["2.9"]["released"] == {"tensorflow-cpu": "2022-11-16"}


def test_the_dataset_text_is_json_with_one_line_per_producer():
    """A stable shape for diffs: a changed cell changes one line, its producer's."""
    import json

    rows = [{"producer": p, "consumer": c, "fixture": "fx", "format": "saved_model",
             "loader": "load", "status": "PASS"} for p in ORDER for c in ORDER]  # fmt: skip
    data = compat.dataset(pd.DataFrame(rows), ORDER, {"generated_at": "t", "commit": "c"}, [])
    text = compat.dumps(data)
    assert json.loads(text) == data
    changed = json.loads(text)
    changed["data"]["fx"]["saved_model"]["load"]["2.10"][0]["status"] = "ERROR"
    before, after = text.splitlines(), compat.dumps(changed).splitlines()
    assert len(before) == len(after)
    assert [b for a, b in zip(before, after, strict=True) if a != b] == [
        line for line in after if line.lstrip().startswith('"2.10": [{"consumers"')
    ]


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
    broken["schema_version"] = 1  # a reader of version 2 must not take the older shape
    assert not validator.is_valid(broken)
    outcomes[0]["status"] = "MAYBE"  # not an outcome of a cell
    assert not validator.is_valid(data)


def test_the_committed_dataset_names_every_consumer_once_per_producer():
    import json

    import pytest

    from matrix import PROJECT_ROOT

    path = PROJECT_ROOT / "reports" / "compat.json"
    if not path.exists():
        pytest.skip("no published dataset yet")
    data = json.loads(path.read_text())
    order = data["versions"]
    pos = {v: i for i, v in enumerate(order)}
    statuses = set()
    for by_format in data["data"].values():
        for by_loader in by_format.values():
            for by_producer in by_loader.values():
                for outcomes in by_producer.values():
                    named = [v for e in outcomes for a, b in e["consumers"]
                             for v in order[pos[a] : pos[b] + 1]]  # fmt: skip
                    assert sorted(named, key=pos.get) == order
                    statuses |= {e["status"] for e in outcomes}
    down = [v for v, e in data["environments"].items() if e["status"] != "OK"]
    assert {"PASS", "ERROR", "NOT_APPLICABLE", "NOT_CROSSED"} <= statuses
    assert ("ENV_FAILED" in statuses) == bool(down)
    # every environment installed from PyPI says when its packages came out; TF.js comes from
    # npm, whose registry here gives the times of a mirror's uploads, not release days
    assert all(e["released"] for name, e in data["environments"].items()
               if e["status"] == "OK" and not name.startswith("tfjs"))  # fmt: skip
