"""`compatibility.md`: the tables as Markdown (tabulate), in the order of the page."""

from __future__ import annotations

from tabulate import tabulate

from matrix.catalog import registry
from matrix.catalog.fixtures import load_fixtures
from matrix.report import findings, page
from matrix.report.tables import boundaries, pivot, unavailable_envs


def render_markdown(df, envs, versions, meta) -> str:
    out = ["# TensorFlow SavedModel / Keras compatibility matrix", ""]
    out.append(
        (
            f"**{meta['completeness']}.** "
            if meta.get("completeness", "complete") != "complete"
            else ""
        )
        + f"Results of {meta['generated_at']} on {meta['machine']}, "
        f"tool commit `{meta['commit']}`. "
        f"{len(df)} cells: " + ", ".join(f"{k} {v}" for k, v in df["status"].value_counts().items())
    )
    out += [
        "",
        "Rows: the TensorFlow that **saved** the model (producer). Columns: the TensorFlow "
        "that **loaded** it (consumer). A cell reads `passed/attempted` and the most common "
        "failure category; `n/a` = no loader applies. PASS means the model loaded and its "
        "outputs matched the producer's reference outputs (rtol 1e-4, atol 1e-5).",
        "",
    ]

    def table(data, headers="keys", **kw) -> str:
        # versions stay strings: without disable_numparse, 2.10 would print as 2.1
        return tabulate(data, headers, tablefmt="github", disable_numparse=True, **kw)

    out += ["## Environments", ""]
    cols = page.ENV_COLUMNS
    out.append(table([[e[c] for c in cols] for e in envs], cols))
    unavailable = unavailable_envs(envs)
    out += ["", "## All loaders", "", table(pivot(df, versions, unavailable))]
    for loader, spec in registry.loaders().items():
        sub = df[df["loader"] == loader]
        if not sub.empty:
            out += ["", f"## Loader `{loader}`", "", spec.doc, ""]
            out.append(table(pivot(sub, versions, unavailable)))
    out += ["", "## Error categories, with a real message each", ""]
    b = boundaries(df, versions)
    out.append(table(b, showindex=False) if len(b) else "none")
    out += ["", "## Findings (computed from the data)", ""]
    out.append(findings.markdown(df, versions, claims(), fixtures=False,
                                 completeness=meta.get("completeness", "complete")))  # fmt: skip
    out += ["", "## Fixtures", ""]
    fixture_rows = [[f"`{f.name}`", f.kind, ", ".join(f.formats), ", ".join(f.requires),
                     f.doc] for f in load_fixtures()]  # fmt: skip
    out.append(table(fixture_rows, ["fixture", "kind", "formats", "requires", "what it is"]))
    out += ["", "## Formats and loaders", ""]
    out += [f"- format `{k}`: {v.doc}" + (f" (needs {', '.join(v.requires)})" if v.requires
            else "") for k, v in registry.formats().items()]  # fmt: skip
    out += [f"- loader `{k}`: {v.doc}" + (f" (needs {', '.join(v.requires)})" if v.requires
            else "") for k, v in registry.loaders().items()]  # fmt: skip
    out += [
        "",
        "The page: `index.html` (grids per format and loader, drill-down, filters). Data: "
        "`results.csv.gz` (one row per cell), `compat.json` (consumer ranges per fixture, format, "
        "loader and producer; schema in `SCHEMA.md`), `results.json` (environments with their "
        "full package lists, the catalog, this stamp). Findings with every fixture: `findings.md`.",
        "",
    ]
    return "\n".join(out)


def claims() -> dict[str, str]:
    return {f.name: f.claim for f in load_fixtures() if f.claim}
