"""Producing: one environment saves every fixture in every format its blocks ask for."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial

from matrix.catalog import Catalog, TFRelease
from matrix.catalog.availability import facts_of
from matrix.catalog.fixtures import Fixture, load_fixtures
from matrix.guest import protocol
from matrix.guest.protocol import ProduceTask
from matrix.plan.cells import plan_artifacts
from matrix.run.converters import ensure_converter
from matrix.run.envs import EnvUnavailable
from matrix.run.progress import Progress
from matrix.run.session import DEFAULT_CELL_TIMEOUT, Log, StepSummary, open_env, supervise
from matrix.run.stopping import Stop
from matrix.store.artifacts import reusable, write_host_manifest
from matrix.store.layout import Home
from matrix.store.results import exclusive_lock


def produce(
    release: TFRelease,
    catalog: Catalog,
    home: Home,
    *,
    fixtures: list[Fixture] | None = None,
    timeout: float = DEFAULT_CELL_TIMEOUT,
    log: Log = print,
    stop: Stop | None = None,
    overall: Progress | None = None,
) -> StepSummary:
    """Save every fixture in every format it declares, in `release`'s environment."""
    summary = StepSummary(f"produce {release.name}")
    if stop is not None and stop.is_set():
        summary.stopped = True
        return summary
    env, status = open_env(release, catalog, home.ensure(), log)
    if env is None:
        summary.unavailable = status
        return summary
    fixtures = load_fixtures() if fixtures is None else fixtures
    producer = {"minor": release.minor, "env_id": env.env_id}
    with exclusive_lock(home.artifacts_lock(release.name), log):
        tasks = []
        wanted = partial(catalog.produces, release)
        plans = plan_artifacts(env.env_id, facts_of(env.info), fixtures, wanted,
                               catalog.converters)  # fmt: skip
        for plan in plans:
            out = home.artifact_dir(release.name, plan.fixture.name, plan.format.name)
            if reusable(out / protocol.MANIFEST_NAME, plan.produce_key, timeout):
                summary.cached += 1
                continue
            task = ProduceTask(
                id=len(tasks), fixture=plan.fixture.name, fixture_path=str(plan.fixture.path),
                format=plan.format.name, format_module=plan.format.name, out_dir=str(out),
                produce_key=plan.produce_key, kind=plan.fixture.kind, producer=producer,
            )  # fmt: skip
            why = plan.not_applicable
            if why is None and plan.converter is not None:
                try:
                    path = ensure_converter(home, plan.converter, env, log)
                except EnvUnavailable as exc:  # this format is not written; the rest are
                    write_host_manifest(asdict(task), env.info, protocol.Status.SAVE_FAILED, {
                        "error_category": exc.category, "message": exc.reason})  # fmt: skip
                    summary.computed += 1
                    continue
                task.converter = {"name": plan.converter.name,
                                  "version": plan.converter.version, "path": str(path)}  # fmt: skip
            if why:  # decided here: no worker needed
                write_host_manifest(asdict(task), env.info, protocol.Status.NOT_APPLICABLE,
                                    {"message": why})  # fmt: skip
                summary.computed += 1
                continue
            tasks.append(asdict(task))
        if overall is not None:
            overall.add(len(tasks))
        if not tasks:
            return summary
        progress = Progress(summary.name, len(tasks), log)

        def on_result(task: dict, answer: dict) -> None:
            if answer["status"] in ("CRASH", "TIMEOUT"):
                write_host_manifest(task, env.info, protocol.Status.SAVE_FAILED, {
                    "error_category": answer["error_category"], "message": answer["message"],
                    "timeout_seconds": timeout,
                })  # fmt: skip
            summary.computed += 1
            progress.advance()
            if overall is not None:
                overall.advance()

        # a converter installed beside TF (tensorflowjs imports jax) runs in a worker of its
        # own, after the others: imported into a worker that goes on converting to TFLite, it
        # made the TFLite converter abort (seen with TF 2.16)
        plain = [t for t in tasks if not t["converter"]]
        for group in (plain, [t for t in tasks if t["converter"]]):
            if group and not (stop is not None and stop.is_set()):
                supervise(summary, "produce", env, group, on_result, timeout, home, log, stop)
    return summary
