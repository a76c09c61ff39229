import pytest

from matrix import guestcheck
from matrix.pythons import find_python


def test_guest_code_compiles_on_the_oldest_python_and_imports_only_what_it_may():
    if find_python(guestcheck.oldest_python()) is None:
        pytest.skip(f"no Python {guestcheck.oldest_python()} on this machine")
    assert guestcheck.check() == []


def test_foreign_imports_are_caught(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text("import pandas\nimport json\nimport tensorflow as tf\n")
    monkeypatch.setattr(guestcheck, "PROJECT_ROOT", tmp_path)
    assert guestcheck.foreign_imports(bad) == ["bad.py: imports pandas"]
