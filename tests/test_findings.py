"""The findings generator: boundaries found from cells, never told."""

import pandas as pd

from matrix.report import findings

ORDER = ["2.8", "2.9", "2.10", "2.11", "2.12", "2.13"]
OP = "Op type not registered 'DisableCopyOnRead' in binary running on host"


def cell(
    producer,
    consumer,
    status,
    fixture="fx",
    fmt="saved_model",
    loader="load",
    category=None,
    detail=None,
    message=None,
):
    return {
        "producer": producer,
        "consumer": consumer,
        "fixture": fixture,
        "format": fmt,
        "loader": loader,
        "status": status,
        "error_category": category,
        "error_detail": detail,
        "message": message,
        "artifact_status": "OK",
    }


def new_op_matrix(loaders=("load", "session")):
    """2.12+ write an op that consumers ≤ 2.9 lack; everything else loads."""
    rows = []
    for p in ORDER:
        for c in ORDER:
            for loader in loaders:
                if p in ("2.12", "2.13") and c in ("2.8", "2.9"):
                    rows.append(
                        cell(
                            p,
                            c,
                            "ERROR",
                            loader=loader,
                            category="missing_op",
                            detail="DisableCopyOnRead",
                            message=OP,
                        )
                    )
                else:
                    rows.append(cell(p, c, "PASS", loader=loader))
    return pd.DataFrame(rows)


def test_a_new_op_is_found_as_an_older_consumer_boundary_with_its_message():
    found = findings.compute(new_op_matrix(), ORDER)
    [f] = found["formats"]
    assert (f.shape, f.producers, f.bound, f.consumers) == ("older", "2.12–2.13", "2.9", "2.8–2.9")
    assert (f.loader, f.category, f.detail, f.cells) == (
        findings.ANY,
        "missing_op",
        "DisableCopyOnRead",
        8,
    )
    assert "cannot be loaded by TF ≤ 2.9 with any loader" in f.sentence
    assert "DisableCopyOnRead" in f.sentence and OP[:40] in f.sentence
    # the per-loader and per-fixture levels say the same thing: not repeated
    assert found["loaders"] == [] and found["fixtures"] == []


def test_one_loader_that_still_reads_it_means_no_any_loader_finding():
    df = new_op_matrix()
    df.loc[
        (df["loader"] == "session") & (df["consumer"] == "2.8"), ["status", "error_category"]
    ] = ["PASS", None]
    found = findings.compute(df, ORDER)
    assert found["formats"] == []
    [f] = found["loaders"]
    assert (f.loader, f.producers, f.consumers, f.bound) == ("load", "2.12–2.13", "2.8–2.9", "2.9")


def test_a_break_towards_newer_consumers_is_found():
    rows = [
        cell(
            p,
            c,
            "ERROR" if (p == "2.8" and c in ("2.12", "2.13")) else "PASS",
            category="unsupported_format",
            message="File format not supported",
        )
        for p in ORDER
        for c in ORDER
    ]
    [f] = findings.compute(pd.DataFrame(rows), ORDER)["formats"]
    assert (f.shape, f.producers, f.bound, f.consumers) == ("newer", "2.8", "2.12", "2.12–2.13")
    assert "cannot be loaded by TF ≥ 2.12" in f.sentence


def test_a_loader_that_fails_on_the_diagonal_does_not_read_the_format_and_is_no_break():
    rows = [
        cell(
            p,
            c,
            "ERROR" if c in ("2.12", "2.13") else "PASS",
            category="unsupported_format",
            message="Keras 3 only supports V3 .keras files",
        )
        for p in ORDER
        for c in ORDER
    ]
    found = findings.compute(pd.DataFrame(rows), ORDER)["formats"]
    shapes = {(f.shape, f.producers) for f in found}
    # 2.12 and 2.13 fail on their own artifacts: "does not read"; the older producers' artifacts
    # failing in 2.12+ are a newer-consumer boundary
    assert ("diagonal", "2.12–2.13") in shapes
    assert ("newer", "2.8–2.11") in shapes
    assert "does not read" in next(f.sentence for f in found if f.shape == "diagonal")


def test_mismatches_count_as_failures_with_their_status_as_the_cause():
    rows = [
        cell(
            p,
            c,
            "MISMATCH" if (p, c) == ("2.13", "2.8") else "PASS",
            message="output 0 differs by up to 0.02",
        )
        for p in ORDER
        for c in ORDER
    ]
    [f] = findings.compute(pd.DataFrame(rows), ORDER)["formats"]
    assert (f.shape, f.producers, f.consumers, f.category) == ("older", "2.13", "2.8", "mismatch")


def test_the_same_cells_in_any_order_give_the_same_text():
    df = new_op_matrix()
    claims = {"fx": "saving fails"}
    assert findings.markdown(df, ORDER, claims) == findings.markdown(
        df.sample(frac=1, random_state=1), ORDER, claims
    )


def test_a_failed_save_is_quoted_from_the_save_not_from_a_loader_that_was_absent():
    rows = [
        dict(cell("2.8", "2.8", "NOT_APPLICABLE", loader="tfsm", message="needs keras>=3"),
             artifact_status="SAVE_FAILED"),
        dict(cell("2.8", "2.8", "SAVE_FAILED", category="not_trackable",
                  message="Expected a Trackable object for export"), artifact_status="SAVE_FAILED"),
        cell("2.9", "2.9", "PASS"),
    ]  # fmt: skip
    [line] = [ln for ln in findings.claim_lines(pd.DataFrame(rows), "fx", ORDER) if "saving" in ln]
    assert "succeeded in 1 of 2 versions; failed in 2.8" in line
    assert "`not_trackable`: “Expected a Trackable object" in line


def test_the_readme_findings_are_generated_from_the_committed_data():
    import json

    from matrix.report import publish as report
    from matrix.report.markdown import claims

    reports = report.PROJECT_ROOT / "reports"
    published = pd.read_csv(reports / "results.csv.gz", dtype=str, keep_default_na=False)
    meta = json.loads((reports / "results.json").read_text())
    section = findings.markdown(published, meta["versions"], claims(), fixtures=False,
                                completeness=meta["stamp"]["completeness"])  # fmt: skip
    readme = report.README.read_text()
    start = readme.index(report.FINDINGS_START) + len(report.FINDINGS_START) + 1
    assert readme[start : readme.index(report.FINDINGS_END)] == section


def test_a_consumer_without_the_add_on_is_neither_older_nor_newer():
    order = ["2.12", "2.12+text", "2.13", "2.13+text", "2.14", "2.14+text"]
    op = "Op type not registered 'TFText>Tokenize'"
    rows = []
    for p in order:
        for c in order:
            if "+text" in p and "+text" not in c:
                tokenize = "TFText>Tokenize"
                rows.append(cell(p, c, "ERROR", category="addon_op_missing", detail=tokenize,
                                 message=op))  # fmt: skip
            elif p == "2.14+text" and c == "2.12+text":  # a real version break among variants
                rows.append(cell(p, c, "ERROR", category="missing_op", detail="NewOp", message=OP))
            else:
                rows.append(cell(p, c, "PASS"))
    found = findings.compute(pd.DataFrame(rows), order)["formats"]
    shapes = {(f.shape, f.producers, f.consumers, f.category) for f in found}
    assert shapes == {
        ("addon", "2.12+text–2.14+text", "2.12–2.14", "addon_op_missing"),
        ("older", "2.14+text", "2.12+text", "missing_op"),
    }
    [addon] = [f for f in found if f.shape == "addon"]
    needs = "cannot be loaded without the add-on it needs with any loader"
    assert f"{needs} (tried: TF 2.12–2.14; all 9 loads fail)" in addon.sentence


def test_boundaries_are_read_among_environments_of_one_kind():
    # the Keras axis (variants) and the TF axis (releases) each have their boundary; a release
    # reading a variant's file (or the reverse) is a crossing, not "older" or "newer"
    order = ["2.16", "2.16+keras3.0", "2.16+keras3.1", "2.16+keras3.2", "2.17", "2.18"]
    rows = []
    for p in order:
        for c in order:
            fails = (p == "2.16+keras3.2" and c in ("2.16+keras3.0", "2.16+keras3.1")) or (
                p == "2.18" and c in ("2.16", "2.16+keras3.0")
            )
            rows.append(cell(p, c, "ERROR", category="config_incompatible", message="x")
                        if fails else cell(p, c, "PASS"))  # fmt: skip
    found = findings.compute(pd.DataFrame(rows), order)["formats"]
    assert {(f.shape, f.producers, f.consumers) for f in found} == {
        ("older", "2.16+keras3.2", "2.16+keras3.0–2.16+keras3.1"),  # the Keras axis
        ("older", "2.18", "2.16"),  # the TF axis: 2.17 loads it, 2.16 does not
    }


def test_neighbouring_releases_group_across_the_variants_between_them():
    order = ["2.14", "2.15", "2.16", "2.16+keras3.0", "2.16+text", "2.17", "2.18"]
    rows = [
        cell(p, c, "ERROR", category="config_incompatible", message="x")
        if p in ("2.16", "2.17", "2.18") and c in ("2.14", "2.15")
        else cell(p, c, "PASS")
        for p in order
        for c in order
    ]
    [f] = findings.compute(pd.DataFrame(rows), order)["formats"]
    assert (f.shape, f.producers, f.consumers) == ("older", "2.16–2.18", "2.14–2.15")


def test_a_release_read_beside_another_keras_on_the_same_tf_is_a_finding():
    """Truth issue, defect 7: .h5 written by 2.16 (Keras 3.15) load in none of
    2.16+keras3.0–3.13, and no finding said so (releases and variants were never compared)."""
    order = ["2.16", "2.16+keras3.0", "2.16+keras3.1", "2.17"]
    rows = []
    for p in order:
        for c in order:
            fails = p == "2.16" and c in ("2.16+keras3.0", "2.16+keras3.1")
            rows.append({"producer": p, "consumer": c, "fixture": "fx", "format": "keras_h5",
                         "loader": "keras.load_model", "status": "ERROR" if fails else "PASS",
                         "error_category": "config_incompatible" if fails else None,
                         "error_detail": "InputLayer" if fails else None, "message": "m",
                         "producer_keras": "3.15.1" if "+" not in p else "3.0.5"})  # fmt: skip
    found = findings.compute(pd.DataFrame(rows), order)["formats"]
    [keras] = [f for f in found if f.shape == "keras"]
    assert keras.sentence.startswith(
        "`keras_h5` written by TF 2.16 (Keras 3.15.1) cannot be loaded beside another Keras on "
        "the same TF with any loader (tried: 2.16+keras3.0–2.16+keras3.1; all 2 loads fail)"
    ), keras.sentence


def test_routes_count_what_works_instead_between_the_same_two():
    """Truth issue, point 3: for a load that fails between two versions, the other formats and
    loaders of the same fixture that pass between the same two, counted."""

    def row(fx, fmt, loader, status, p="2.12", c="2.9"):
        return {"producer": p, "consumer": c, "fixture": fx, "format": fmt, "loader": loader,
                "status": status, "error_category": None if status == "PASS" else "missing_op",
                "error_detail": None, "message": None}  # fmt: skip

    df = pd.DataFrame([
        row("fx", "saved_model", "tf.saved_model.load", "ERROR"),
        row("fx", "keras_h5", "keras.load_model", "PASS"),
        row("fy", "saved_model", "tf.saved_model.load", "ERROR"),
        row("fy", "keras_h5", "keras.load_model", "ERROR"),
        row("fy", "keras_h5", "keras.load_model", "PASS", p="2.9"),  # another pair: no route
        row("fx", "saved_model", "tf.saved_model.load", "ERROR", p="2.9"),  # the diagonal
    ])  # fmt: skip
    assert findings.routes(df) == [
        "- `keras_h5` via `keras.load_model`: 1 loads fail between two different environments;"
        " for 0 of them the same fixture loads between the same two another way; for 1 nothing"
        " else of it passes",
        "- `saved_model` via `tf.saved_model.load`: 2 loads fail between two different "
        "environments; for 1 of them the same fixture loads between the same two another way, "
        "most often as `keras_h5` via `keras.load_model` (1); for 1 nothing else of it passes",
    ]


def test_another_python_minor_of_the_same_tf_is_its_own_axis_both_ways():
    # a Lambda's bytecode: 2.15 (Python 3.11) and 2.15+py3.9 cannot read each other's files,
    # every other pair loads; the numpy variant of 2.18 reads everything
    order = ["2.15", "2.15+py3.9", "2.18", "2.18+numpy1"]
    rows = []
    for p in order:
        for c in order:
            bad = {p, c} == {"2.15", "2.15+py3.9"}
            why = ("python_incompatible", None, "bad marshal data (unknown type code)")
            rows.append(cell(p, c, "ERROR" if bad else "PASS", "fx", "keras_h5", "load",
                             *(why if bad else (None, None, None))))  # fmt: skip
    found = findings.compute(pd.DataFrame(rows), order)["formats"]
    got = sorted((f.shape, f.producers, f.consumers) for f in found)
    assert got == [("python", "2.15", "2.15+py3.9"), ("python", "2.15+py3.9", "2.15")], got
    assert "under another Python minor" in found[0].sentence
    assert not [f for f in found if "numpy1" in f.producers + f.consumers]
