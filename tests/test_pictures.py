"""The heat maps: every load counted, releases and variants apart (truth issue, point 8)."""

import pandas as pd

from matrix.report import pictures
from matrix.report.findings import tried


def _row(p, c, fixture, status):
    return {"producer": p, "consumer": c, "fixture": fixture, "format": "saved_model",
            "loader": "tf1.Session", "status": status, "error_category": None,
            "error_detail": None}  # fmt: skip


def test_variants_come_after_the_releases_not_between_them():
    order = ["2.15", "2.15+text", "2.16", "2.16+keras3.0", "2.16+text", "2.17"]
    assert pictures.apart(order) == ["2.15", "2.16", "2.17", "2.16+keras3.0", "2.15+text",
                                     "2.16+text"]  # fmt: skip


def test_the_share_counts_every_load_and_greys_only_what_is_not_read_at_all():
    """Loads whose consumer fails its own save were left out of the share (2 of 2 read 1/1)."""
    v = ["2.9", "2.12"]
    df = pd.DataFrame([
        _row("2.12", "2.12", "a", "ERROR"),  # 2.12 cannot read its own a
        _row("2.9", "2.12", "a", "ERROR"),
        _row("2.9", "2.12", "b", "PASS"),
        _row("2.9", "2.9", "a", "PASS"), _row("2.9", "2.9", "b", "PASS"),
        _row("2.12", "2.9", "a", "ERROR"),
    ])  # fmt: skip
    rate, unread = pictures.share(tried(df), v)
    assert rate[0, 1] == 0.5 and not unread[0, 1]  # 1 pass of 2 loads, not 1 of 1
    assert rate[1, 1] == 0.0 and unread[1, 1]  # none passes, every failure the diagonal's
    assert rate[1, 0] == 0.0 and not unread[1, 0]  # a break between versions: red, not grey
    assert rate[0, 0] == 1.0
