"""Consuming: one environment loads every artifact it is crossed with, with every loader."""

from __future__ import annotations

from dataclasses import asdict

from matrix.catalog import Catalog, TFRelease, registry
from matrix.catalog.availability import facts_of
from matrix.catalog.fixtures import Fixture, load_fixtures
from matrix.catalog.registry import LoaderSpec
from matrix.guest.protocol import ConsumeTask
from matrix.plan.cells import CellPlan, plan_cells, share_key
from matrix.plan.sharing import Identities, sampled
from matrix.run.envs import Environment, lock_path
from matrix.run.progress import Progress
from matrix.run.session import DEFAULT_CELL_TIMEOUT, Log, StepSummary, open_env, supervise
from matrix.run.stopping import Stop
from matrix.store.artifacts import artifacts_for
from matrix.store.environments import now
from matrix.store.layout import Home
from matrix.store.records import ANSWER_FIELDS, CellRecord
from matrix.store.results import ResultStore, finished_keys
from matrix.store.shared import SharedLoads

# packages copied into every result record (the full list is in the environment record)
KEY_PACKAGES = ("tensorflow", "tensorflow-cpu", "tf-nightly", "keras", "tf-keras", "numpy",
                "protobuf", "h5py", "tensorboard")  # fmt: skip


def consume(
    release: TFRelease,
    producers: list[TFRelease],
    catalog: Catalog,
    home: Home,
    *,
    fixtures: list[Fixture] | None = None,
    loaders: list[str] | None = None,
    timeout: float = DEFAULT_CELL_TIMEOUT,
    log: Log = print,
    overall: Progress | None = None,
    stop: Stop | None = None,
) -> StepSummary:
    """Load every artifact of `producers` with every loader in `release`'s environment.

    Cells decided without TensorFlow (a loader or format that does not exist in the version,
    a failed save) are written at once; byte-identical artifacts are loaded once per loader.
    """
    summary = StepSummary(f"consume {release.name}")
    if stop is not None and stop.is_set():
        summary.stopped = True
        return summary
    home.ensure()
    fixtures = load_fixtures() if fixtures is None else fixtures
    specs = _loader_specs(loaders)
    broken: list[dict] = []
    artifacts = artifacts_for(home, release, producers, catalog, fixtures, broken)
    for b in broken:
        log(f"{release.name}: not loading {b['fixture']}/{b['format']} of tf-{b['producer']}: "
            f"BROKEN_ARTIFACT, its files differ from its manifest ({b['damage']})")  # fmt: skip
    summary.broken = broken
    by_name = {f.name: f for f in fixtures}
    store = ResultStore(home.results_file(release.name))
    with store.lock(log):
        done = finished_keys(store, timeout)
        env, status = open_env(release, catalog, home, log)
        if env is None:
            summary.unavailable = status
            return summary
        consumer = _consumer_fields(release, env)
        identity = _identities(release, env, catalog, home)
        shared = SharedLoads(home.shared)
        tasks: list[dict] = []
        waiting: dict[int, list[CellRecord]] = {}  # task id -> the cells its load answers
        by_load: dict[str, int] = {}
        sharing: dict[int, tuple[str, str, dict | None]] = {}  # task id -> (identity, key, prior)
        try:
            for cell in plan_cells(env.env_id, facts_of(env.info), artifacts, specs, by_name):
                if cell.key in done:
                    summary.cached += 1
                    continue
                record = _new_record(cell, consumer)
                if cell.outcome is not None:
                    store.append(record.update(cell.outcome).to_json())
                    summary.computed += 1
                    continue
                fixture = by_name.get(cell.artifact.manifest["fixture"])
                ident = identity and identity(
                    cell.loader.imports, cell.artifact.manifest.get("addons") or (),
                    fixture.requires if fixture else (),
                )  # fmt: skip
                key = share_key(cell.artifact.manifest, ident, cell.loader) if ident else None
                prior = shared.get(ident, key) if key else None
                if prior is not None and prior["computed_in"] == release.minor:
                    prior = None  # this environment's own answer, from a cell it no longer has
                if prior is not None and not sampled(key, release.name, _sample(catalog)):
                    record.update(prior["answer"])
                    record.computed_in = prior["computed_in"]
                    store.append(record.to_json())
                    summary.computed += 1
                    summary.shared_envs += 1
                    continue
                if cell.load_key in by_load:  # the same bytes from another producer
                    waiting[by_load[cell.load_key]].append(record)
                    continue
                task = ConsumeTask(
                    id=len(tasks), loader=cell.loader.name, loader_module=cell.loader.module,
                    artifact_dir=str(cell.artifact.directory),
                    fixture_path=str(fixture.path) if fixture else None,
                )  # fmt: skip
                by_load[cell.load_key] = task.id
                waiting[task.id] = [record]
                if key:
                    sharing[task.id] = (ident, key, prior)
                tasks.append(asdict(task))
            if tasks:
                progress = Progress(summary.name, len(tasks), log)

                def on_result(task: dict, answer: dict) -> None:
                    outcome = {k: answer.get(k) for k in ANSWER_FIELDS}
                    check = _checked(sharing.get(task["id"]), outcome, release, shared, summary)
                    for i, record in enumerate(waiting[task["id"]]):
                        record.update(outcome)
                        record.timeout_seconds = timeout
                        record.shared_load = i > 0
                        record.share_check = check
                        record.finished_at = now()
                        store.append(record.to_json())
                        summary.computed += 1
                        summary.shared_loads += i > 0
                    if answer.get("load_seconds") is not None:
                        summary.cell_seconds.append(answer["load_seconds"])
                    progress.advance()
                    if overall is not None:
                        overall.advance()

                supervise(summary, "consume", env, tasks, on_result, timeout, home, log, stop)
        finally:
            store.close()
    return summary


# what must agree for a shared load to count as the same outcome (messages name paths)
CHECKED = ("status", "error_category", "error_detail")
# outcomes that say more about the machine than the environment: never shared
UNSHARED = ("CRASH", "TIMEOUT")


def _sample(catalog: Catalog) -> int:
    return catalog.sharing.sample if catalog.sharing else 0


def _identities(release: TFRelease, env: Environment, catalog: Catalog,
                home: Home) -> Identities | None:  # fmt: skip
    """What this environment's loads see, hashed (None: the catalog shares nothing)."""
    if catalog.sharing is None:
        return None
    try:
        lock_text = lock_path(release, home).read_text(encoding="utf-8")
    except OSError:
        return None
    return Identities(python=str(env.info.get("python")), packages=env.info.get("packages") or {},
                      lock_text=lock_text, runtime=release.package, env=release.env,
                      sharing=catalog.sharing)  # fmt: skip


def _checked(sharing, outcome: dict, release: TFRelease, shared: SharedLoads,
             summary: StepSummary) -> str | None:  # fmt: skip
    """Record a computed load for the environments that look alike; for a shared cell loaded
    here again (the sample), whether both answers agree."""
    if sharing is None:
        return None
    ident, key, prior = sharing
    if prior is None:
        if outcome.get("status") not in UNSHARED:
            shared.add(ident, key, release.minor, outcome)
        return None
    summary.share_checked += 1
    differ = [f"{k}: {prior['answer'].get(k)} in {prior['computed_in']}, {outcome.get(k)} here"
              for k in CHECKED if prior["answer"].get(k) != outcome.get(k)]  # fmt: skip
    if not differ:
        return "agree"
    summary.share_disagreed.append(f"{release.name}: {'; '.join(differ)}")
    return "disagree: " + "; ".join(differ)


def _loader_specs(names: list[str] | None) -> dict[str, LoaderSpec]:
    if names is None:
        return registry.loaders()
    return {n: registry.loader(n) for n in names}


def _consumer_fields(release: TFRelease, env: Environment) -> dict:
    return {
        "consumer": release.minor,
        "consumer_tf": env.info.get("tensorflow"),
        "consumer_keras": env.info.get("keras"),
        "consumer_python": env.info.get("python"),
        "consumer_env_id": env.env_id,
        "consumer_packages": {
            k: v for k, v in env.info.get("packages", {}).items() if k in KEY_PACKAGES
        },
    }


def _new_record(cell: CellPlan, consumer: dict) -> CellRecord:
    manifest = cell.artifact.manifest
    producer = manifest.get("producer", {})
    return CellRecord(
        key=cell.key,
        producer=producer.get("minor"),
        producer_tf=producer.get("tensorflow"),
        producer_keras=producer.get("keras"),
        producer_python=producer.get("python"),
        fixture=manifest["fixture"],
        format=manifest["format"],
        kind=manifest.get("kind"),
        loader=cell.loader.name,
        artifact_sha256=manifest["content_sha256"],
        artifact_status=manifest["status"],
        finished_at=now(),
        **consumer,
    )
