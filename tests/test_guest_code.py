import pytest

from matrix import guestcheck
from matrix.run.pythons import find_python


def test_guest_code_compiles_on_the_oldest_python_and_imports_only_what_it_may():
    if find_python(guestcheck.oldest_python()) is None:
        pytest.skip(f"no Python {guestcheck.oldest_python()} on this machine")
    assert guestcheck.check() == []


def test_foreign_imports_are_caught(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text("import pandas\nimport json\nimport tensorflow as tf\n")
    monkeypatch.setattr(guestcheck, "PROJECT_ROOT", tmp_path)
    assert guestcheck.foreign_imports(bad) == ["bad.py: imports pandas"]


def test_the_guest_may_import_only_the_guest_of_this_project(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text("from matrix.guest import protocol\nfrom matrix.catalog import registry\n")
    monkeypatch.setattr(guestcheck, "PROJECT_ROOT", tmp_path)
    assert guestcheck.foreign_imports(bad) == ["bad.py: imports matrix.catalog (host code)"]


def test_the_rooms_keep_their_order_and_the_tiers_their_libraries():
    """import-linter's contracts in pyproject.toml: no room imports a room above it, the guest
    imports no host code, the host core no report library."""
    import shutil
    import subprocess

    from matrix import PROJECT_ROOT

    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed (the test group of pyproject.toml has it)")
    out = subprocess.run([exe], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "0 broken" in out.stdout


def test_no_module_imports_itself_round_a_circle():
    """The import graph has no circles (lazy imports inside functions count too)."""
    grimp = pytest.importorskip("grimp")  # import-linter's graph builder
    graph = grimp.build_graph("matrix")
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for nxt in edges.get(module, ()):
            assert state.get(nxt) != 1, " -> ".join([*path, nxt])
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
