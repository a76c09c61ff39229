import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# the shared corpus beside the project, or wherever TFMATRIX_WILD_MODELS points
WILD = Path(os.environ.get("TFMATRIX_WILD_MODELS", ROOT.parent / "shared" / "wild-savedmodels"))


@pytest.fixture
def wild_dir():
    if not WILD.is_dir():
        pytest.skip("../shared/wild-savedmodels is not here")
    return WILD


# The small real matrix shared by the tests marked `tf`: two versions, a few fixtures (the
# whole catalog is the matrix's job). Installed with uv on first use (TFMATRIX_ENVS shares the
# environments between runs); artifacts and results live in a temporary store per session.
VERSIONS = ["2.15", "2.16"]
FIXTURES = ["keras_sequential", "keras_functional", "module_signature", "custom_layer_unregistered",
            "tflite_gelu_batch_matmul", "estimator_export", "mixed_precision_policy"]  # fmt: skip


def some_fixtures(names=FIXTURES):
    from matrix.catalog.fixtures import load_fixtures

    return [f for f in load_fixtures() if f.name in names]


@pytest.fixture(scope="session")
def catalog():
    from matrix.catalog import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def releases(catalog):
    return catalog.select(VERSIONS)


@pytest.fixture(scope="session")
def home(tmp_path_factory):
    from matrix.store.layout import PROJECT_ROOT, Home

    envs = os.environ.get("TFMATRIX_ENVS") or str(PROJECT_ROOT / ".matrix" / "envs")
    return Home(tmp_path_factory.mktemp("store"), Path(envs)).ensure()


@pytest.fixture(scope="session")
def matrix_run(catalog, releases, home):
    """Produce in both versions, consume in both: the small real matrix, two at a time."""
    from matrix.run import driver

    run = driver.run_matrix(releases, catalog, home, jobs=2, log=print, fixtures=some_fixtures())
    assert [s.unavailable for s in run.produced + run.consumed] == [None] * 4
    return run
