"""reports/index.html: self-contained, carries every attempted case, and works in a browser."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from matrix.catalog.names import minor_key
from matrix.guest.vocabulary import LOADED
from matrix.report import page, pagebench
from matrix.report import publish as report
from matrix.store.layout import Home
from tests.test_findings import ORDER, new_op_matrix
from tests.test_report import sample, write_results

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# the flags this machine's closed network needs (no background connections, no sandbox as
# root): the page benchmark's own
FLAGS = pagebench.FLAGS


def embedded_cases(html: str) -> list[dict]:
    script = re.search(r'<script id="data" type="[^"]*">(.*?)</script>', html, re.S)
    return page.decode(page.unpack(script[1])["cells"])


def render(df) -> str:
    meta = {"generated_at": "2026-01-01", "commit": "abc", "machine": "test"}
    envs = [
        {
            "tf": v,
            "keras": "2.12.0" if minor_key(v) < minor_key("2.16") else "3.0.0",
            "packages": {"numpy": "1.26.4"},
        }
        for v in ORDER
    ]
    return page.render(df, ORDER, envs, meta, report.catalog_data(), report.FILES)


def test_the_page_needs_no_network_and_carries_every_attempted_case():
    df = new_op_matrix()
    html = render(df)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN, nothing fetched
    cases = embedded_cases(html)
    assert len(cases) == len(df)
    broken = [c for c in cases if c["status"] == "ERROR"]
    assert {(c["producer"], c["consumer"]) for c in broken} == {
        (p, c) for p in ("2.12", "2.13") for c in ("2.8", "2.9")
    }
    assert all(c["error_detail"] == "DisableCopyOnRead" for c in broken)
    assert "cannot be loaded by TF ≤ 2.9 with any loader" in html  # the findings are on it


def test_a_message_cannot_end_the_script_that_carries_it():
    df = new_op_matrix()
    df.loc[0, ["status", "message"]] = ["ERROR", "</script><b>x</b>"]
    cases = embedded_cases(render(df))
    assert "</script><b>x</b>" in [c["message"] for c in cases]


def dom(path: Path, fragment: str, tmp_path: Path) -> str:
    """The page after its script ran, as headless Chromium serialises it."""
    out = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            f"file://{path}#{fragment}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_chromium_draws_the_grid_the_drill_down_and_the_findings(tmp_path):
    home = Home(tmp_path / "home")
    write_results(home, sample())
    out = tmp_path / "reports"
    report.write_report(home, ["2.9", "2.10", "2.12"], out)
    html = dom(out / "index.html", "format=saved_model&cell=2.12,2.9", tmp_path)
    grid = re.search(r'<div id="grid">(.*?)</div>', html, re.S)[1]
    assert grid.count("data-cell=") == 3  # the three (producer, consumer) pairs with cases
    assert 'data-cell="2.12,2.9"' in grid and ">1/3<" in grid
    cases = re.search(r'<table id="cases">(.*?)</table>', html, re.S)[1]
    assert cases.count("<tr>") == 1 + 3  # header + the three attempted cases of 2.12 → 2.9
    assert "DisableCopyOnRead" in cases and "st-PASS" in cases
    assert 'id="findings"' in html and "<canvas" in html  # small multiples drawn


def _cell(html: str, key: str) -> str:
    return re.search(rf'<td[^>]*data-cell="{key}"[^>]*>([^<]*)</td>', html)[1]


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_load_that_passes_counts_though_the_consumer_fails_its_own_save(tmp_path):
    """Truth issue, defect 1: cases were dropped from a cell when the consumer could not load
    its own save of that fixture, though the cross-version load passed (4/4 read 3/3)."""
    rows = []
    for n in range(4):
        for p, c in (("2.9", "2.9"), ("2.9", "2.12"), ("2.12", "2.12"), ("2.10", "2.12")):
            fails = n == 0 and c == "2.12" and p != "2.9"  # 2.12 cannot read its own fx0
            rows.append({"producer": p, "consumer": c, "fixture": f"fx{n}",
                         "format": "saved_model", "loader": "tf1.Session",
                         "status": "ERROR" if fails else "PASS",
                         "error_category": "variable_not_restored" if fails else None,
                         "error_detail": None, "message": "x" if fails else None})  # fmt: skip
    df = pd.DataFrame(rows)
    path = tmp_path / "index.html"
    path.write_text(render(df))
    html = dom(path, "format=saved_model&cell=2.9,2.12", tmp_path)
    assert _cell(html, "2.9,2.12") == "4/4"  # every load counts
    assert _cell(html, "2.10,2.12") == "3/4°"  # the failure is marked, not subtracted
    assert _cell(html, "2.12,2.12") == "3/4°"
    count = re.search(r'<span id="drill-count">(.*?)</span>', html)[1]
    assert count == "4 pass of 4 loaded", count


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_published_page_counts_every_load_of_a_cell(tmp_path):
    """On the committed data: saved_model × tf1.Session, 1.15 → 2.16, as results.csv.gz says
    (14 PASS of 16 loads in the run of 2026-11-23; the page read 4/4)."""
    published = report.PROJECT_ROOT / "reports" / "index.html"
    if not published.exists():
        pytest.skip("no published page yet")
    cases = pd.read_csv(report.PROJECT_ROOT / "reports" / "results.csv.gz", dtype=str)
    cell = cases[(cases["format"] == "saved_model") & (cases["loader"] == "tf1.Session")
                 & (cases["producer"] == "1.15") & (cases["consumer"] == "2.16")
                 & cases["status"].isin(LOADED)]  # fmt: skip
    passed = int((cell["status"] == "PASS").sum())
    html = dom(published, "format=saved_model&loader=tf1.Session&cell=1.15,2.16", tmp_path)
    assert _cell(html, "1.15,2.16").rstrip("°") == f"{passed}/{len(cell)}"
    count = re.search(r'<span id="drill-count">(.*?)</span>', html)[1]
    assert count.startswith(f"{passed} pass of {len(cell)} loaded"), count


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_published_page_opens_from_disk(tmp_path):
    published = report.PROJECT_ROOT / "reports" / "index.html"
    if not published.exists():
        pytest.skip("no published page yet")
    cases = pd.read_csv(report.PROJECT_ROOT / "reports" / "results.csv.gz", dtype=str)
    first = cases[cases["status"] == "ERROR"].iloc[0]
    html = dom(
        published,
        f"format={first['format']}&loader={first['loader']}"
        f"&cell={first['producer']},{first['consumer']}",
        tmp_path,
    )
    assert 'data-cell="' in html
    assert re.search(r'<table id="cases">.*st-ERROR', html, re.S)


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("fragment,named", [
    ("fixture=%ZZ", "fixture=%ZZ"),  # not even URI-encoded right: threw a URIError
    ("format=savedmodel", "format=savedmodel"),  # a typo: gave an empty grid, no word
    ("format=saved_model&cell=9.9,2.9", "cell=9.9,2.9"),
])  # fmt: skip
def test_a_bad_link_says_so_and_shows_the_rest(tmp_path, fragment, named):
    """Truth issue, defect 8: a link naming what the data does not have."""
    path = tmp_path / "index.html"
    path.write_text(render(new_op_matrix()))
    html = dom(path, fragment, tmp_path)
    note = re.search(r'<p id="link-note"[^>]*>(.*?)</p>', html, re.S)[1]
    assert named in note and "does not have" in note, note
    # the rest of the view is drawn all the same: the grid if the link picked a format, else
    # the default view, the format × loader picker
    assert (
        html.count("data-cell=") > 0
        if fragment.startswith("format=saved_model")
        else (html.count("data-pick=") > 0 and "pick-first" in html)
    )


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_an_environment_that_failed_to_set_up_is_a_row_and_a_column_saying_why(tmp_path):
    """Truth issue, defect 6: 2.18+text2.17 (IMPORT_FAILED) had no row and no column."""
    meta = {"generated_at": "2026-01-01", "commit": "abc", "machine": "test"}
    order = [*ORDER, "2.12+text2.11"]
    envs = [{"tf": v, "keras": "2.12.0", "status": "OK", "packages": {}} for v in ORDER]
    envs.append({"tf": "2.12+text2.11", "status": "IMPORT_FAILED",
                 "reason": "undefined symbol: _ZN3tsl8internal10LogMessage"})  # fmt: skip
    path = tmp_path / "index.html"
    path.write_text(
        page.render(new_op_matrix(), order, envs, meta, report.catalog_data(), report.FILES)
    )
    html = dom(path, "format=saved_model&envs=all", tmp_path)
    grid = re.search(r'<div id="grid">(.*?)</div>', html, re.S)[1]
    assert "<th>2.12+text2.11</th>" in grid
    failed = re.findall(r'<td class="envfail[^"]*"[^>]*title="([^"]*)"', grid)
    assert len(failed) == 2 * (len(ORDER) + 1) - 1  # its row and its column
    assert all("IMPORT_FAILED: undefined symbol" in t for t in failed)


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_keras_picker_sorts_versions_as_versions(tmp_path):
    """Truth issue, defect 9 (part): 3.10 came before 3.9 (sorted as text)."""
    meta = {"generated_at": "2026-01-01", "commit": "abc", "machine": "test"}
    kerases = {"2.9": "3.9.0", "2.10": "3.10.0", "2.12": "3.2.1"}
    envs = [{"tf": v, "keras": kerases.get(v, "2.12.0"), "packages": {}} for v in ORDER]
    path = tmp_path / "index.html"
    path.write_text(page.render(new_op_matrix(), ORDER, envs, meta, report.catalog_data(),
                                report.FILES))  # fmt: skip
    html = dom(path, "", tmp_path)
    picker = re.search(r'<select id="f-keras">(.*?)</select>', html, re.S)[1]
    shown = re.findall(r"<option>([^<]*)</option>", picker)
    assert shown == sorted(shown, key=lambda v: tuple(int(x) for x in v.split(".")))
    assert shown.index("3.9.0") < shown.index("3.10.0")


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_page_benchmark_times_every_kind_of_view_change(tmp_path):
    """`nox -s bench -- --page` (truth issue, point 5): figures, never a timed assertion."""
    df = new_op_matrix()
    path = tmp_path / "index.html"
    path.write_text(render(df))
    fig = pagebench.measure(path)
    assert fig.cases == len(df)
    assert '{"format":"*"}' in fig.steps and any('"envs":"apart"' in k for k in fig.steps)
    assert any('"cell":' in k for k in fig.steps)  # a drill-down is one of the steps
    assert all(len(times) == 3 for times in fig.steps.values())
    assert pagebench.report(fig)[0].startswith(f"page: {fig.bytes / 1e6:.2f} MB")


def test_the_page_benchmark_refuses_what_is_not_a_page(tmp_path):
    from matrix import cli

    command = [sys.executable, "-m", "matrix", "bench", "--page", str(tmp_path / "nowhere.html")]
    out = subprocess.run(command, capture_output=True, text=True)
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert "no page at" in out.stderr and cli.PROG in out.stderr


def test_the_page_budget_leaves_room_for_twice_the_cases():
    """Truth issue, point 5: the page was 5.7 MB of a 6 MB budget. Twice the cases add at most
    the compressed cases once more."""
    published = report.PROJECT_ROOT / "reports" / "index.html"
    if not published.exists():
        pytest.skip("no published page yet")
    html = published.read_text()
    cases = re.search(r'<script id="data"[^>]*>(.*?)</script>', html, re.S)[1]
    assert len(html.encode()) + len(cases) <= report.BUDGET["index.html"]


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_cells_drill_down_names_the_routes_that_work_instead(tmp_path):
    """Truth issue, point 3, on the page: a .keras that fails between two versions, and the
    same fixture's SavedModel that passes between them (whatever format the view shows)."""

    def row(fmt, loader, status, fixture="fx"):
        return {"producer": "2.13", "consumer": "2.12", "fixture": fixture, "format": fmt,
                "loader": loader, "status": status,
                "error_category": None if status == "PASS" else "unsupported_format",
                "error_detail": None, "message": None if status == "PASS" else "x"}  # fmt: skip

    df = pd.DataFrame([row("keras_v3", "keras.load_model", "ERROR"),
                       row("saved_model", "tf.saved_model.load", "PASS"),
                       row("keras_v3", "keras.load_model", "ERROR", fixture="fy")])  # fmt: skip
    path = tmp_path / "index.html"
    path.write_text(render(df))
    html = dom(path, "format=keras_v3&cell=2.13,2.12", tmp_path)
    routes = re.search(r'<table class="sum" id="routes-here">(.*?)</table>', html, re.S)[1]
    assert re.search(r"<td>fx</td><td>keras_v3 · keras.load_model</td>"
                     r"<td>saved_model · tf.saved_model.load</td>", routes), routes  # fmt: skip
    assert re.search(r"<td>fy</td>.*nothing: no format or loader of it passes", routes), routes
    per_loader = re.search(r'<table class="sum" id="per-loader">(.*?)</table>', html, re.S)[1]
    assert "keras_v3 · keras.load_model</td><td>0 pass of 2 loaded" in per_loader


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_releases_and_variants_are_shown_apart_and_what_is_hidden_is_counted(tmp_path):
    """Truth issue, defect 9: the default grid mixed 54 environments, variants between
    releases (wider than a screen). Releases by default, saying what the view leaves out;
    the variants after the releases at a click."""
    meta = {"generated_at": "2026-01-01", "commit": "abc", "machine": "test"}
    order = ["2.12", "2.12+keras3.0", "2.13"]
    rows = [{"producer": p, "consumer": c, "fixture": "fx", "format": "keras_v3",
             "loader": "keras.load_model", "status": "PASS", "error_category": None,
             "error_detail": None, "message": None}
            for p in order for c in order]  # fmt: skip
    envs = [{"tf": v, "keras": "3.0.5" if "+" in v else "2.12.0", "status": "OK"} for v in order]
    path = tmp_path / "index.html"
    path.write_text(page.render(pd.DataFrame(rows), order, envs, meta, report.catalog_data(),
                                report.FILES))  # fmt: skip
    html = dom(path, "format=keras_v3", tmp_path)
    grid = re.search(r'<div id="grid">(.*?)</div>', html, re.S)[1]
    assert re.findall(r"<th>([^<]*)</th>", grid)[1:] == ["2.12", "2.13", "2.12", "2.13"]
    note = re.search(r'<p class="axis" id="env-note">(.*?)</p>', html, re.S)[1]
    assert "1 variants" in note and "their 5 loads" in note, note  # 9 loads, 4 between releases
    html = dom(path, "format=keras_v3&envs=apart", tmp_path)
    grid = re.search(r'<div id="grid">(.*?)</div>', html, re.S)[1]
    heads = re.findall(r"<th>([^<]*)</th>", grid)[1:4]
    assert heads == ["2.12", "2.13", "2.12+keras3.0"]  # releases, then the variant


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_page_opens_on_the_format_and_loader_picker(tmp_path):
    """Truth issue, point 5: the default view is a picker with counts, not the mixed grid."""
    df = new_op_matrix()
    path = tmp_path / "index.html"
    path.write_text(render(df))
    html = dom(path, "", tmp_path)
    grid = re.search(r'<div id="grid">(.*?)</div>', html, re.S)[1]
    assert "pick-first" in grid and "data-cell=" not in grid
    picks = re.findall(r'data-pick="([^"]*)"[^>]*>(\d+%)<small>(\d+)/(\d+)</small>', html)
    t = df[df["status"].isin(LOADED)]
    for pick, _share, passed, loaded in picks:
        fmt, loader = pick.split("|")
        sub = t[(t["format"] == fmt) & (t["loader"] == loader)]
        assert (int(passed), int(loaded)) == ((sub["status"] == "PASS").sum(), len(sub))
    assert picks


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_cell_link_shows_its_detail_and_the_headers_stay_in_view(tmp_path):
    """Truth issue, defect 9: the README's `cell=` link outlined the cell, its detail ~1,300 px
    below and out of view; the headers scrolled away; the multiples had no axes."""
    path = tmp_path / "index.html"
    path.write_text(render(new_op_matrix()))
    probe = """new Promise(resolve => { const ready = () => {
      if (!window.tfMatrix) return setTimeout(ready, 20);
      const drill = document.getElementById("drill").getBoundingClientRect();
      const head = document.querySelector("table.grid tr:first-child th:nth-child(2)");
      const fig = document.querySelector("#multiples figure");
      resolve(JSON.stringify({top: drill.top, height: innerHeight,
        sticky: getComputedStyle(head).position, axes: fig ? fig.title : ""})); }; ready(); })"""
    seen = json.loads(pagebench._evaluate(path.as_uri() + "#format=saved_model&cell=2.12,2.9",
                                          probe, timeout=120))  # fmt: skip
    assert 0 <= seen["top"] < seen["height"], seen  # the detail is on screen
    assert seen["sticky"] == "sticky"
    assert "rows saved by" in seen["axes"] and "columns loaded by" in seen["axes"], seen


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_run_of_variants_only_opens_on_them(tmp_path):
    meta = {"generated_at": "2026-01-01", "commit": "abc", "machine": "test"}
    order = ["2.16+keras3.0", "2.16+keras3.1"]
    rows = [{"producer": p, "consumer": c, "fixture": "fx", "format": "keras_v3",
             "loader": "keras.load_model", "status": "PASS", "error_category": None,
             "error_detail": None, "message": None} for p in order for c in order]  # fmt: skip
    envs = [{"tf": v, "keras": v[-3:] + ".0", "status": "OK"} for v in order]
    path = tmp_path / "index.html"
    path.write_text(page.render(pd.DataFrame(rows), order, envs, meta, report.catalog_data(),
                                report.FILES))  # fmt: skip
    grid = re.search(r'<div id="grid">(.*?)</div>', dom(path, "format=keras_v3", tmp_path), re.S)[1]
    assert re.findall(r"<th>([^<]*)</th>", grid)[1:3] == order
