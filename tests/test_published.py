"""The committed reports/ is exactly what the code renders from its committed data, so a
re-render in a fresh clone (no store: `nox -s report -- --force`) loses nothing."""

import os
import shutil
import subprocess
import sys

import pytest

from matrix.store.layout import PROJECT_ROOT

REPORTS = PROJECT_ROOT / "reports"


def _png_size(data: bytes) -> tuple[int, int]:
    # the IHDR chunk: width and height right after the signature and the chunk header
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.skipif(not (REPORTS / "results.csv.gz").exists(), reason="no published report yet")
def test_a_render_with_no_store_leaves_the_published_report_as_committed(tmp_path):
    copy = tmp_path / "reports"
    shutil.copytree(REPORTS, copy)
    env = dict(os.environ, TFMATRIX_HOME=str(tmp_path / "empty store"))
    out = subprocess.run(
        [sys.executable, "-m", "matrix", "report", "--force", "--out", str(copy)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert "no stored results" in out.stdout, out.stdout
    for committed in sorted(REPORTS.iterdir()):
        rendered = (copy / committed.name).read_bytes()
        if committed.suffix == ".png":  # pixels, and a tight bbox by a pixel, vary by release
            new, old = _png_size(rendered), _png_size(committed.read_bytes())
            assert all(abs(a - b) <= max(4, b // 100) for a, b in zip(new, old, strict=True)), (
                committed.name, new, old)  # fmt: skip
        else:
            assert rendered == committed.read_bytes(), (
                f"{committed.name} differs from what the code renders from the committed "
                "data: run `nox -s report -- --force` and commit reports/"
            )
