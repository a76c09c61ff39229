"""Findings computed from the cells, never written by hand.

A finding is a boundary: the versions where what one TensorFlow saved stops loading, with the
category, its detail and a real message at the boundary. Three shapes, from the same cells:

- *older consumers*: "`saved_model` written by TF 2.12–2.21 cannot be loaded by TF ≤ 2.9
  (with any loader)": every older consumer up to 2.9 that tried failed every fixture, and 2.10
  loads at least one;
- *newer consumers*: the same towards newer versions (a format a newer release dropped);
- *the diagonal*: a loader that fails on what its own version saved does not read that format
  there (`keras.load_model` of Keras 3 on a SavedModel directory); that is not a break between
  versions, and such producers are left out of the first two shapes;
- *without the add-on*: what an environment with an add-on (tensorflow-text) wrote fails in one
  without it (`addon_op_missing`), whatever the versions; such consumers are neither older nor
  newer, and are left out of the first two shapes.

Older and newer are read among environments of one kind: releases among releases (the TF axis,
each with the Keras it installs), Keras variants among Keras variants (2.16+keras3.0 … 3.14: the
Keras axis), add-on variants among add-on variants. Crossings of kinds are in the grids and the
dataset, not in boundaries, since no order puts "2.18 with its Keras" and "2.16 with Keras 3.6"
on one line.

Computed per format over every loader ("any loader"), per (format, loader), and per fixture;
a finding a coarser level already states is not repeated. Reads only the published columns
(`reports/results.csv.gz`), so the README's section is reproducible from the committed data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from matrix.catalog.names import family, kind_rank, ranges
from matrix.guest.vocabulary import LOADED

ANY = "any loader"
ADDON = "addon_op_missing"  # the category of a consumer without the producer's add-on


@dataclass(frozen=True)
class Finding:
    # "older", "newer", "diagonal", "addon", or another Keras ("keras"), Python minor
    # ("python") or package version ("package") beside the same TF
    shape: str
    format: str
    loader: str  # a loader's name, or ANY
    fixture: str | None  # None: every fixture of the format
    producers: str  # version ranges, e.g. "2.12–2.21"
    consumers: str  # the consumers that fail (for "diagonal": the versions themselves)
    bound: str  # the boundary consumer: the newest (older) or oldest (newer) that fails
    category: str
    detail: str
    message: str
    example: str  # one cell at the boundary: fixture, producer → consumer, loader
    cells: int
    keras: str = ""  # "keras": the Keras the producers wrote it with

    @property
    def sentence(self) -> str:
        what = f"`{self.format}`" + (f" of `{self.fixture}`" if self.fixture else "")
        how = "with any loader" if self.loader == ANY else f"with `{self.loader}`"
        if self.shape == "diagonal":
            head = (
                f"`{self.loader}` does not read {what} even in the TF that wrote it "
                f"({self.producers})"
            )
        elif self.shape == "addon":
            head = (
                f"{what} written by TF {self.producers} cannot be loaded without the add-on it "
                f"needs {how} (tried: TF {self.consumers})"
            )
        elif self.shape == "keras":
            head = (
                f"{what} written by TF {self.producers} (Keras {self.keras or '?'}) cannot be "
                f"loaded beside another Keras on the same TF {how} (tried: {self.consumers})"
            )
        elif self.shape == "python":
            head = (
                f"{what} written by {self.producers} cannot be loaded by the same TensorFlow "
                f"under another Python minor {how} (tried: {self.consumers})"
            )
        elif self.shape == "package":
            head = (
                f"{what} written by {self.producers} cannot be loaded by the same TensorFlow "
                f"beside another version of a package it needs {how} (tried: "
                f"{self.consumers})"
            )
        elif self.shape == "older":
            head = (
                f"{what} written by TF {self.producers} cannot be loaded by "
                f"TF ≤ {self.bound} {how} (tried: {self.consumers})"
            )
        else:
            head = (
                f"{what} written by TF {self.producers} cannot be loaded by "
                f"TF ≥ {self.bound} {how} (tried: {self.consumers})"
            )
        cause = f"`{self.category}`" + (f" `{self.detail}`" if self.detail else "")
        # a count, not an adjective: every load of the finding's cells failed
        head = head[:-1] + f"; all {self.cells} loads fail)" if head.endswith(")") else head
        return f"{head}: {cause}, “{one_line(self.message)}” ({self.example})"


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|"})


def one_line(message, limit: int = 160) -> str:
    """A message as Markdown prose or a table cell holds it: on one line, and read as the
    words it is (`__index__`, `<locals>` and `|` escaped, not emphasis, a tag or a column)."""
    return str(message or "")[:limit].replace("\n", " ").translate(_MARKDOWN)


def _blank(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna() & (series.astype(str) != ""), None)


def tried(df: pd.DataFrame) -> pd.DataFrame:
    """The loads that were attempted, with a `passed` flag and a `why` (category or status)."""
    t = df[df["status"].isin(LOADED)].copy()
    t["passed"] = t["status"] == "PASS"
    t["why"] = _blank(t["error_category"]).fillna(t["status"].str.lower())
    t["error_detail"] = _blank(t["error_detail"]).fillna("")
    return t


def _passing(t: pd.DataFrame) -> pd.DataFrame:
    """Per (producer, consumer): how many fixtures were tried and how many loaded with at least
    one of the loaders in `t`."""
    per_fixture = t.groupby(["producer", "consumer", "fixture"])["passed"].any()
    return per_fixture.groupby(["producer", "consumer"]).agg(["size", "sum"])


def _cause(t: pd.DataFrame, producers: Iterable[str], consumer: str, why: str = "") -> tuple:
    """The most common failure (of category `why`, if given) where the boundary consumer met
    these producers."""
    at = t[t["producer"].isin(list(producers)) & (t["consumer"] == consumer) & ~t["passed"]]
    if why:
        at = at[at["why"] == why]
    top = at.groupby(["why", "error_detail"]).size().reset_index(name="n")
    top = top.sort_values(["n", "why", "error_detail"], ascending=[False, True, True]).iloc[0]
    ex = at[(at["why"] == top["why"]) & (at["error_detail"] == top["error_detail"])]
    ex = ex.sort_values(["producer", "fixture", "loader"]).iloc[0]
    example = (
        f"e.g. {ex['fixture']} saved by {ex['producer']}, loaded by {consumer} with {ex['loader']}"
    )
    return top["why"], top["error_detail"], str(ex["message"] or ""), example


def _runs(items: list[tuple[str, object]], order: list[str]) -> list[tuple[list[str], object]]:
    """Neighbouring producers (in `order`) with the same value, grouped."""
    pos = {v: i for i, v in enumerate(order)}
    groups: list[tuple[list[str], object]] = []
    for producer, value in items:
        if groups and groups[-1][1] == value and pos[groups[-1][0][-1]] + 1 == pos[producer]:
            groups[-1][0].append(producer)
        else:
            groups.append(([producer], value))
    return groups


def edges(
    t: pd.DataFrame, order: list[str], fmt: str, loader: str, fixture: str | None = None
) -> list[Finding]:
    """The findings of one slice of tried cells (one format; one loader or all of them)."""
    if t.empty:
        return []
    counts = _passing(t)
    failing = counts["sum"] == 0
    pos = {v: i for i, v in enumerate(order)}
    # each kind in its own run (releases, then each kind of variant), so that 2.16 and 2.17
    # are neighbours though 2.16's Keras variants sit between them in `order`
    producers = sorted(set(t["producer"]), key=lambda p: (kind_rank(p), pos[p]))
    found: list[Finding] = []

    def finding(shape, group, consumers, bound) -> Finding:
        why = ADDON if shape == "addon" else ""
        category, detail, message, example = _cause(t, group, bound, why)
        n = int(((t["producer"].isin(group)) & t["consumer"].isin(consumers) & ~t["passed"]).sum())
        return Finding(
            shape,
            fmt,
            loader,
            fixture,
            ranges(group, order),
            ranges(consumers, order),
            bound,
            category,
            detail,
            message,
            example,
            n,
        )

    diagonal = [p for p in producers if (p, p) in failing.index and failing[(p, p)]]
    for group, _ in _runs([(p, None) for p in diagonal], producers):
        found.append(finding("diagonal", group, group, group[0]))
    readable = [p for p in producers if p not in diagonal and (p, p) in failing.index]
    # consumers that fail because they lack the producer's add-on: another axis than versions
    addon_pairs = set(t.loc[t["why"] == ADDON, ["producer", "consumer"]].itertuples(index=False))
    without = {
        p: tuple(sorted((c for c in counts.loc[p].index if (p, c) in addon_pairs
                         and failing[(p, c)]), key=pos.__getitem__))
        for p in readable
    }  # fmt: skip
    needing = [p for p in readable if without[p]]
    for group, consumers in _runs([(p, without[p]) for p in needing], needing):
        found.append(finding("addon", group, list(consumers), consumers[0]))
    for shape in ("older", "newer"):
        bounds = []
        for p in readable:
            # like with like: a release's boundary among releases, a Keras variant's among
            # Keras variants (2.18 with the Keras it installs is not "newer" than 2.16 with
            # Keras 3.14 in any sense a reader could act on)
            others = [
                c
                for c in counts.loc[p].index
                if (pos[c] < pos[p]) == (shape == "older")
                and family(c) == family(p)
                and c != p
                and c not in without[p]
            ]
            others.sort(key=pos.__getitem__)
            if shape == "newer":
                others.reverse()  # walk from the far end towards the producer
            fails = []
            for c in others:
                if not failing[(p, c)]:
                    break
                fails.append(c)
            if fails:
                bounds.append((p, (fails[-1], tuple(sorted(fails, key=pos.__getitem__)))))
        for group, (bound, consumers) in _runs(bounds, producers):
            found.append(finding(shape, group, list(consumers), bound))
    # across kinds: what a release writes with its own Keras, read beside another Keras on the
    # same TensorFlow (2.16 with Keras 3.15 against 2.16+keras3.0 …): the Keras axis of a
    # release, which "like with like" above leaves out
    # the same for another Python minor or another version of a package TF needs (numpy),
    # both ways: the release's files under the variant, the variant's under the release
    for kind in BESIDE:
        beside = []
        for p in readable:
            if family(p) == "release":
                same_tf = [c for c in counts.loc[p].index if family(c) == kind
                           and c.partition("+")[0] == p and c not in without[p]]  # fmt: skip
            elif family(p) == kind and kind != "keras":
                same_tf = [c for c in counts.loc[p].index if c == p.partition("+")[0]]
            else:
                continue
            broken = [c for c in same_tf
                      if (failing[(p, c)] if kind == "keras" else _worse(t, p, c))]  # fmt: skip
            fails = tuple(sorted(broken, key=pos.__getitem__))
            if fails:
                beside.append((p, (fails[-1], fails)))
        for group, (bound, consumers) in _runs(beside, producers):
            f = finding(kind, group, list(consumers), bound)
            if kind == "keras":
                used = (t.loc[t["producer"].isin(group), "producer_keras"]
                        if "producer_keras" in t else [])  # fmt: skip
                f = replace(f, keras=", ".join(sorted({str(k) for k in used if k})))
            found.append(f)
    return found


# the variant kinds whose environments differ from their release in one thing only
BESIDE = ("keras", "python", "package")


def _worse(t: pd.DataFrame, p: str, c: str) -> bool:
    """Does nothing of p's load in c that loads on p's own diagonal? Only the fixtures both
    pairs tried count: a variant's block may cross fewer fixtures than its release's."""
    here = t[(t["producer"] == p) & (t["consumer"] == c)].groupby("fixture")["passed"].any()
    home = t[(t["producer"] == p) & (t["consumer"] == p)].groupby("fixture")["passed"].any()
    common = here.index.intersection(home[home].index)
    return len(common) > 0 and not here[common].any()


def compute(df: pd.DataFrame, order: list[str]) -> dict[str, list[Finding]]:
    """{"formats": per format over every loader, "loaders": per (format, loader) where that
    adds something, "fixtures": per (fixture, format, loader) where that adds something}."""
    t = tried(df)
    out: dict[str, list[Finding]] = {"formats": [], "loaders": [], "fixtures": []}
    said: set[tuple] = set()

    def new(fs: list[Finding]) -> list[Finding]:
        keep = [f for f in fs if _gist(f) not in said]
        said.update(_gist(f) for f in fs)
        return keep

    for fmt, g in t.groupby("format", sort=True):
        out["formats"] += new(edges(g, order, fmt, ANY))
    for (fmt, loader), g in t.groupby(["format", "loader"], sort=True):
        out["loaders"] += new(edges(g, order, fmt, loader))
    for (fx, fmt, loader), g in t.groupby(["fixture", "format", "loader"], sort=True):
        out["fixtures"] += new(edges(g, order, fmt, loader, fx))
    return out


def routes(df: pd.DataFrame) -> list[str]:
    """Per (format, loader): of its loads that fail between two different environments, how
    many have a route that works instead (another format or loader of the same fixture that
    passes between the same two), which routes, and how many have none; as Markdown items."""
    t = tried(df)
    keys = ["producer", "consumer", "fixture"]
    fails = t[~t["passed"] & (t["producer"] != t["consumer"])][[*keys, "format", "loader"]]
    ways = t[t["passed"]][[*keys, "format", "loader"]]
    if fails.empty:
        return []
    fails = fails.reset_index(drop=True).rename_axis("case").reset_index()
    met = fails.merge(ways, on=keys, suffixes=("", "_instead"))
    out = []
    for (fmt, loader), group in fails.groupby(["format", "loader"], sort=True):
        found = met[met["case"].isin(group["case"])]
        helped = found["case"].nunique()
        line = (
            f"`{fmt}` via `{loader}`: {len(group)} loads fail between two different "
            f"environments; for {helped} of them the same fixture loads between the same two "
            "another way"
        )
        if helped:
            top = (
                found.groupby(["format_instead", "loader_instead"])["case"]
                .nunique()
                .reset_index()
                .sort_values(
                    ["case", "format_instead", "loader_instead"], ascending=[False, True, True]
                )  # fmt: skip
                .head(3)
            )
            line += ", most often as " + ", ".join(
                f"`{r.format_instead}` via `{r.loader_instead}` ({r.case})"
                for r in top.itertuples()
            )
        line += f"; for {len(group) - helped} nothing else of it passes"
        out.append(f"- {line}")
    return out


def _gist(f: Finding) -> tuple:
    """What makes two findings say the same: the versions and the cause, not the slice."""
    return (f.format, f.shape, f.producers, f.consumers, f.category, f.detail)


# -- claims: a fixture's widely repeated claim next to what was measured ----------------------


def canonical(df: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Rows in one order whatever order they came in (the store's or the published file's),
    so that "the first example" is the same example."""
    pos = {v: i for i, v in enumerate(order)}
    return (
        df.assign(_p=df["producer"].map(pos), _c=df["consumer"].map(pos))
        .sort_values(["_p", "_c", "fixture", "format", "loader"], kind="stable")
        .drop(columns=["_p", "_c"])
    )


def claim_lines(df: pd.DataFrame, fixture: str, order: list[str]) -> list[str]:
    """How saving went per format, and per loader how many loads passed and why the others
    failed, as Markdown list items."""
    sub = canonical(df[df["fixture"] == fixture], order)
    lines = []
    for fmt, group in sub.groupby("format", sort=False):
        saves = group.drop_duplicates("producer")  # artifact_status is the same on every row
        exists = saves[saves["artifact_status"] != "NOT_APPLICABLE"]
        if exists.empty:
            continue
        failed = set(exists[exists["artifact_status"] == "SAVE_FAILED"]["producer"])
        line = (
            f"saving as `{fmt}`: succeeded in {len(exists) - len(failed)} of {len(exists)} versions"
        )
        if failed:
            # the save's own failure, not a cell that a loader's absence decided
            own = group[group["status"] == "SAVE_FAILED"]
            ex = (own if len(own) else group[group["producer"].isin(failed)]).iloc[0]
            category = _blank(pd.Series([ex.error_category])).fillna("save_failed")[0]
            line += f"; failed in {ranges(failed, order)} (`{category}`: “{one_line(ex.message)}”)"
        lines.append(line)
    for loader, group in tried(sub).groupby("loader", sort=False):
        ok = int(group["passed"].sum())
        line = f"loading with `{loader}`: {ok} of {len(group)} loads passed"
        fails = group[~group["passed"]]
        if len(fails):
            counts = fails["why"].value_counts()
            top = min(counts.index, key=lambda w: (-counts[w], w))
            ex = fails[fails["why"] == top].iloc[0]
            line += (
                f"; most failures `{top}` ({(fails['why'] == top).sum()}), e.g. saved by "
                f"{ex.producer} loaded by {ex.consumer}: “{one_line(ex.message)}”"
            )
        lines.append(line)
    return [f"  - {ln}" for ln in lines]


def claims(df: pd.DataFrame, order: list[str], catalog: dict[str, str]) -> list[str]:
    """`catalog`: fixture name → its CLAIM."""
    out = []
    for name, claim in catalog.items():
        if claim and name in set(df["fixture"]):
            out += [f"- **`{name}`**: claim: *{claim}*. Measured:"]
            out += claim_lines(df, name, order)
    return out


def markdown(
    df: pd.DataFrame,
    order: list[str],
    claim_of: dict[str, str],
    fixtures: bool = True,
    completeness: str = "complete",
) -> str:
    """The findings as Markdown: the README's section and reports/findings.md."""
    found = compute(df, order)
    span = ranges(set(df["producer"]), order)
    out = []
    if completeness.startswith("INCOMPLETE"):
        out = [f"**{completeness}**: these findings will change.", ""]
    elif completeness != "complete":
        out = [f"*{completeness}.*", ""]
    out += [
        f"Computed by `matrix/report/findings.py` from {len(df)} cells of TF {span}"
        " (`reports/results.csv.gz`); each names the category, its detail and a real message "
        "at the boundary. Older and newer are read among environments of one kind: releases "
        "(the TF axis), Keras variants (2.16+keras3.0 …: the Keras axis), add-on variants; a "
        "consumer without the add-on a model needs has its own line.",
        "",
        "**By format, over every loader:**",
        "",
    ]
    out += [f"- {f.sentence}" for f in found["formats"]] or ["- none"]
    out += ["", "**By format and loader** (what the lines above do not already say):", ""]
    out += [f"- {f.sentence}" for f in found["loaders"]] or ["- none"]
    if fixtures:
        out += ["", "**By fixture** (what the lines above do not already say):", ""]
        out += [f"- {f.sentence}" for f in found["fixtures"]] or ["- none"]
    out += ["", "**Routes that work instead** (`query routes --saved-by X --loaded-by Y` for "
            "one pair):", ""]  # fmt: skip
    out += routes(df) or ["- no load fails between two different environments"]
    out += ["", "**Claims, and what was measured:**", ""]
    out += claims(df, order, claim_of) or ["- no fixture states a claim"]
    return "\n".join(out) + "\n"
