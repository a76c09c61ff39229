import json

import pandas as pd

from matrix.report import frame, freshness, provenance, tables
from matrix.report import publish as report
from matrix.store.layout import Home

VERSIONS = ["2.9", "2.10", "2.12"]


def record(producer, consumer, loader, status, category=None, message=None, n=0):
    return {
        "key": f"{producer}-{consumer}-{loader}-{n}", "producer": producer, "consumer": consumer,
        "fixture": f"fx{n}", "format": "saved_model", "loader": loader, "status": status,
        "error_category": category, "message": message, "finished_at": f"2026-01-01T00:00:0{n}",
    }  # fmt: skip


def write_results(home, records):
    home.results.mkdir(parents=True, exist_ok=True)
    with open(home.results / "tf-x.jsonl", "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def sample():
    op = "Op type not registered 'DisableCopyOnRead'"
    return [
        record("2.12", "2.9", "tf.saved_model.load", "ERROR", "missing_op", op, 1),
        record("2.12", "2.9", "tf.saved_model.load", "ERROR", "missing_op", op, 2),
        record("2.12", "2.9", "tf1.Session", "PASS", n=3),
        record("2.12", "2.9", "keras.load_model", "NOT_APPLICABLE", n=4),
        record("2.9", "2.12", "tf.saved_model.load", "PASS", n=1),
        record("2.10", "2.10", "tf.saved_model.load", "PASS", n=1),
    ]


def test_cells_count_passes_over_attempts_with_the_dominant_category():
    df = pd.DataFrame(sample())
    table = tables.pivot(df, VERSIONS)
    assert table.loc["2.12", "2.9"] == "1/3 missing_op"
    assert table.loc["2.9", "2.12"] == "1/1"
    assert table.loc["2.9", "2.9"] == ""  # never run: empty, not a pass


def test_only_the_latest_result_of_a_cell_counts(tmp_path):
    home = Home(tmp_path)
    old = record("2.9", "2.12", "tf.saved_model.load", "ERROR", "other", "x", 1)
    new = dict(old, status="PASS", error_category=None, finished_at="2026-02-01T00:00:00")
    write_results(home, [new, old])
    df = frame.load_frame(home, VERSIONS)
    assert list(df["status"]) == ["PASS"]


def test_boundaries_name_the_version_ranges_and_quote_the_message():
    b = tables.boundaries(pd.DataFrame(sample()), VERSIONS)
    row = b.iloc[0]
    assert (row["category"], row["cells"], row["saved by"], row["loaded by"]) == (
        "missing_op",
        2,
        "2.12",
        "2.9",
    )
    assert "DisableCopyOnRead" in row["message"]
    assert tables._ranges({"2.9", "2.10", "2.12"}, ["2.8", "2.9", "2.10", "2.11", "2.12"]) == (
        "2.9–2.10, 2.12"
    )


def test_write_report_produces_every_output(tmp_path):
    home = Home(tmp_path / "home")
    write_results(home, sample())
    out = tmp_path / "reports"
    report.write_report(home, VERSIONS, out)
    for name in freshness.OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    md = (out / "compatibility.md").read_text()
    assert "| 2.10 " in md  # versions stay strings: 2.10 is not 2.1
    assert "1/3 missing_op" in md
    data = json.loads((out / "results.json").read_text())
    assert data["stamp"]["commit"] and data["cells"] == "results.csv.gz"
    assert "keras_sequential" in data["catalog"]["fixtures"]
    cells = pd.read_csv(out / "results.csv.gz")
    assert len(cells) == 6 and list(cells.columns) == frame.PUBLISHED


def test_the_same_cells_give_the_same_bytes(tmp_path):
    home = Home(tmp_path / "home")
    write_results(home, sample())
    first = tmp_path / "a"
    second = tmp_path / "b"
    report.write_report(home, VERSIONS, first)
    write_results(home, list(reversed(sample())))  # stored in another order
    report.write_report(home, VERSIONS, second, force=True)
    for name in ("results.csv.gz", "results.json", "compat.json", "compatibility.md",
                 "findings.md", "index.html"):  # fmt: skip
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_an_unchanged_store_is_not_rendered_again(tmp_path):
    home = Home(tmp_path / "home")
    write_results(home, sample())
    out = tmp_path / "reports"
    assert report.write_report(home, VERSIONS, out)["cells"] == 6
    assert report.write_report(home, VERSIONS, out).get("up_to_date")
    write_results(home, sample()[:3])  # new results: render again
    assert report.write_report(home, VERSIONS, out, replace=True)["cells"] == 3


def published(tmp_path):
    """A store of the sample's six cells, its report, and that report's bytes."""
    home = Home(tmp_path / "home")
    write_results(home, sample())
    out = tmp_path / "reports"
    report.write_report(home, VERSIONS, out)
    return home, out, files(out)


def files(out):
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_a_store_with_fewer_cells_never_replaces_the_published_ones(tmp_path):
    home, out, before = published(tmp_path)
    write_results(home, sample()[:3])  # e.g. a scheduled run some of whose shards failed
    result = report.write_report(home, VERSIONS, out)
    assert "publishes 6 cells, the store has 3" in result["kept"]
    assert files(out) == before
    assert result["out"] == str(home.root / "report") and result["cells"] == 3
    assert report.write_report(home, VERSIONS, out, replace=True)["out"] == str(out)  # told to
    assert frame.published_cells(out) == 3


def test_with_no_stored_results_the_published_cells_are_rendered_again(tmp_path):
    _, out, before = published(tmp_path)
    result = report.write_report(Home(tmp_path / "fresh clone"), VERSIONS, out, force=True)
    assert result["cells"] == 6 and "no stored results" in result["source"]
    assert files(out) == before


def test_a_version_that_could_not_be_installed_shows_why_in_its_row_and_column():
    df = pd.DataFrame(sample())
    table = tables.pivot(df, ["2.9", "2.10", "2.11", "2.12"], {"2.11": "INSTALL_FAILED"})
    assert list(table.index) == ["2.9", "2.10", "2.11", "2.12"]
    assert set(table.loc["2.11"]) == {"INSTALL_FAILED"}
    assert set(table["2.11"]) == {"INSTALL_FAILED"}
    assert table.loc["2.12", "2.9"] == "1/3 missing_op"


def test_a_subset_of_versions_never_writes_the_published_report(tmp_path):
    home = Home(tmp_path / "home")
    published = report.published_versions()
    assert freshness.out_dir_for(published, published, home) == report.PROJECT_ROOT / "reports"
    assert freshness.out_dir_for(["2.15", "2.16"], published, home) == home.root / "report"


def test_the_readme_findings_section_is_replaced_between_its_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.FINDINGS_START}\nold\n{report.FINDINGS_END}\nrest\n")
    assert report.update_readme("- new finding\n", readme)
    assert readme.read_text() == (
        f"intro\n{report.FINDINGS_START}\n- new finding\n{report.FINDINGS_END}\nrest\n"
    )
    readme.write_text("no markers\n")
    assert not report.update_readme("- new finding\n", readme)
    assert readme.read_text() == "no markers\n"


def test_the_committed_reports_stay_within_their_size_budget():
    reports = report.PROJECT_ROOT / "reports"
    for name, limit in report.BUDGET.items():
        path = reports / name
        if path.exists():
            assert path.stat().st_size <= limit, f"{name}: {path.stat().st_size} > {limit} bytes"
    assert sum(p.stat().st_size for p in reports.iterdir()) <= sum(report.BUDGET.values())


def test_the_page_shows_the_trend_of_the_runs_in_history_csv(tmp_path):
    home = Home(tmp_path / "home")
    write_results(home, sample())
    out = tmp_path / "reports"
    out.mkdir()
    (out / "history.csv").write_text(
        "date,versions,cells,changed,problems,PASS,MISMATCH,ERROR,CRASH,TIMEOUT,SAVE_FAILED,NOT_APPLICABLE\n"
        "2026-11-16,2.9 2.12,6,0,0,1,0,3,0,0,0,2\n"
        "2026-11-23,2.9 2.12,6,2,1,3,0,1,0,0,0,2\n"
    )
    report.write_report(home, VERSIONS, out)
    html = (out / "index.html").read_text()
    trend = html[html.index('id="trend"') :]
    assert "<polyline" in trend and "2026-11-16" in trend and "75.0%" in trend  # 3 of 4 pass


def test_results_the_current_plan_does_not_ask_for_are_stale_and_left_out(tmp_path):
    home = Home(tmp_path / "home")
    write_results(home, sample())
    # consumer 2.9's current plan asks for two of its cells; 2.12 and 2.10 cannot be planned here
    planned = {"2.9": {"2.12-2.9-tf.saved_model.load-1", "2.12-2.9-tf1.Session-3"},
               "2.10": None, "2.12": None}  # fmt: skip
    df = frame.load_frame(home, VERSIONS, planned)
    assert sorted(df[df["consumer"] == "2.9"]["key"]) == sorted(planned["2.9"])
    assert len(df[df["consumer"] != "2.9"]) == 2  # not plannable: every result is kept
    assert provenance.completeness(df, planned).startswith("INCOMPLETE: 2 of 2 planned cells")
    assert provenance.completeness(df, {"2.9": planned["2.9"]}) == "complete"
    assert provenance.completeness(df, {"2.9": None}).startswith("unchecked")
    # an environment the run tried and could not set up has no cells, and is no gap
    tried = {"2.9": planned["2.9"], "2.18+text2.17": None}
    assert "never run on this machine: 2.18+text2.17" in provenance.completeness(df, tried)
    assert provenance.completeness(df, tried, unusable=["2.18+text2.17"]) == "complete"


def test_stored_other_results_get_the_newer_rules_and_lose_memory_addresses(tmp_path):
    home = Home(tmp_path / "home")
    old = record("2.9", "2.12", "keras.load_model", "ERROR", "other",
                 "('Keyword argument not understood:', 'output_mode')", 1)  # fmt: skip
    kept = record("2.12", "2.9", "tf.saved_model.load", "ERROR", "addon_op_missing", "Op type", 2)
    addr = record("2.10", "2.10", "tf.saved_model.load", "ERROR", "other",
                  "<Model object at 0x7f5fa8256c10> cannot be saved", 3)  # fmt: skip
    for r, t in ((old, "TypeError"), (kept, "NotFoundError"), (addr, "ValueError")):
        r["exception_type"] = t
    write_results(home, [old, kept, addr])
    df = frame.load_frame(home, VERSIONS).set_index("producer")
    assert tuple(df.loc["2.9", ["error_category", "error_detail"]]) == (
        "config_incompatible", "output_mode")  # fmt: skip
    assert df.loc["2.12", "error_category"] == "addon_op_missing"  # only `other` is redone
    assert df.loc["2.10", "message"] == "<Model object at 0x…> cannot be saved"


def test_stored_results_get_todays_rules_and_the_addon_ops_the_guest_named():
    forward = (
        "Converting GraphDef to Graph has failed with an error: 'Op type not registered '{}' in "
        "binary running on vm. … larger than TensorFlow's forward compatibility guarantee"
    )
    rows = [
        record("2.12", "2.9", "tf1.Session", "ERROR", "graphdef_too_new",
               forward.format("DisableCopyOnRead"), 1),
        record("2.13+text", "2.12", "tf1.Session", "ERROR", "graphdef_too_new",
               forward.format("TFText>Tokenize"), 2),
        dict(record("2.13+text", "2.12", "tf.saved_model.load", "ERROR", "addon_op_missing",
                    "Op type not registered 'TFText>Tokenize'", 3), error_detail="TFText>Tokenize"),
        dict(record("2.12", "2.9", "tf.saved_model.load", "MISMATCH", "numeric_mismatch",
                    "max error 0.1", 4), error_detail=None),
    ]  # fmt: skip
    df = frame.reclassified(pd.DataFrame(rows).assign(exception_type="ValueError"))
    details = [d if isinstance(d, str) else None for d in df["error_detail"]]
    assert list(zip(df["error_category"], details, strict=True)) == [
        ("missing_op", "DisableCopyOnRead"),  # the op, not the compatibility note
        ("addon_op_missing", "TFText>Tokenize"),  # the guest named it an add-on's op
        ("addon_op_missing", "TFText>Tokenize"),
        ("numeric_mismatch", None),  # not a message's category: untouched
    ]


def test_the_environments_table_names_each_add_on_with_its_installed_version():
    packages = {"tensorflow-text": "2.12.1", "keras": "2.12.0"}
    assert tables.addons(("tensorflow_text",), packages) == "tensorflow-text 2.12.1"
    assert tables.addons((), packages) == ""
    assert tables.addons(("tensorflow_text",), {}) == "tensorflow-text"  # not installed: named


def test_a_partial_run_says_the_releases_slice_is_complete():
    """The driver runs release x release first: a report of a run stopped after that says so."""
    rows = [{"key": k, "producer": p, "consumer": c, "status": "PASS"}
            for k, p, c in (("a", "2.15", "2.16"), ("b", "2.16", "2.16"))]  # fmt: skip
    planned = {"2.16": {"a": "2.15", "b": "2.16", "c": "2.16+keras3.0"},
               "2.16+keras3.0": {"d": "2.16", "e": "2.16+keras3.0"}}  # fmt: skip
    text = provenance.completeness(pd.DataFrame(rows), planned)
    assert text.startswith("INCOMPLETE: 2 of 5 planned cells have results")
    assert "the releases' slice (every release x release cell) is complete" in text
    rows.pop()
    assert "slice" not in provenance.completeness(pd.DataFrame(rows), planned)
