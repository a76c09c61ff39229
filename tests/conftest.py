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
