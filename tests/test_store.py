import json
import subprocess
import sys
import textwrap

from matrix.store.results import ResultStore, read_jsonl


def test_a_line_cut_short_by_a_killed_writer_is_ignored_and_not_glued(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"key": "a"}) + "\n" + '{"key": "b", "sta')
    assert [r["key"] for r in read_jsonl(path)] == ["a"]
    store = ResultStore(path)
    store.append({"key": "c"})
    store.close()
    assert [r["key"] for r in read_jsonl(path)] == ["a", "c"]
    assert store.keys() == {"a", "c"}


def test_missing_store_is_empty(tmp_path):
    assert ResultStore(tmp_path / "none.jsonl").keys() == set()


def test_a_second_run_waits_for_the_lock(tmp_path):
    """Two runs on one store: the second blocks until the first lets go."""
    store = ResultStore(tmp_path / "r.jsonl")
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(__import__("matrix").__path__[0] + "/..")!r})
        from pathlib import Path
        from matrix.store.results import ResultStore
        t = time.time()
        with ResultStore(Path({str(store.path)!r})).lock(log=lambda m: print(m, flush=True)):
            print("got it after %.1f" % (time.time() - t), flush=True)
        """
    )
    with store.lock(log=lambda m: None):
        other = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        first = other.stdout.readline()
        assert first.startswith("waiting for another run"), first
    rest = other.communicate(timeout=30)[0]
    assert "got it" in rest
