"""`compatibility.md`: the tables as Markdown (tabulate) in a template (Jinja2), as the page."""

from __future__ import annotations

import jinja2
from tabulate import tabulate

from matrix.catalog import registry
from matrix.catalog.fixtures import load_fixtures
from matrix.report import findings, page
from matrix.report.tables import boundaries, pivot, unavailable_envs


def _table(data, headers="keys", **kw) -> str:
    # versions stay strings: without disable_numparse, 2.10 would print as 2.1
    return tabulate(data, headers, tablefmt="github", disable_numparse=True, **kw)


def render_markdown(df, envs, versions, meta) -> str:
    """compatibility.md: the tables of `templates/compatibility.md.j2`, filled here."""
    unavailable = unavailable_envs(envs)
    cols = page.ENV_COLUMNS
    loaders = []
    for name, spec in registry.loaders().items():
        sub = df[df["loader"] == name]
        if not sub.empty:
            loaders.append({"name": name, "doc": spec.doc,
                            "table": _table(pivot(sub, versions, unavailable))})  # fmt: skip
    b = boundaries(df, versions)
    fixture_rows = [[f"`{f.name}`", f.kind, ", ".join(f.formats), ", ".join(f.requires),
                     f.doc] for f in load_fixtures()]  # fmt: skip
    declared = [f"- format `{k}`: {v.doc}" + (f" (needs {', '.join(v.requires)})" if v.requires
                else "") for k, v in registry.formats().items()]  # fmt: skip
    declared += [f"- loader `{k}`: {v.doc}" + (f" (needs {', '.join(v.requires)})" if v.requires
                 else "") for k, v in registry.loaders().items()]  # fmt: skip
    template = jinja2.Environment(
        loader=jinja2.FileSystemLoader(page.TEMPLATES), autoescape=False,
        keep_trailing_newline=True,
    ).get_template("compatibility.md.j2")  # fmt: skip
    return template.render(
        meta=meta,
        total=len(df),
        counts=", ".join(f"{k} {v}" for k, v in df["status"].value_counts().items()),
        environments=_table([[e[c] for c in cols] for e in envs], cols),
        all_loaders=_table(pivot(df, versions, unavailable)),
        loaders=loaders,
        categories=_table(b, showindex=False) if len(b) else "none",
        findings=findings.markdown(df, versions, claims(), fixtures=False,
                                   completeness=meta.get("completeness", "complete")),
        fixtures=_table(fixture_rows, ["fixture", "kind", "formats", "requires", "what it is"]),
        declared=declared,
    )  # fmt: skip


def claims() -> dict[str, str]:
    return {f.name: f.claim for f in load_fixtures() if f.claim}
