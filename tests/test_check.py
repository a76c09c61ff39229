"""`check PATH`: a user's model read without TensorFlow, predicted per environment, linted; bad
input in one line (issue: check PATH)."""

import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from matrix.check import archive, lint, model, predict, runtimes
from matrix.errors import UsageError

pytest.importorskip("tensorboard.compat.proto.meta_graph_pb2")
TF2_MODEL = "saved_model_half_plus_two_tf2_cpu/00000123"  # written by TF 2.14


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matrix", "check", *args],
                          capture_output=True, text=True, timeout=900)  # fmt: skip


def one_line_error(out: subprocess.CompletedProcess, *words: str) -> None:
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    for w in words:
        assert w in out.stderr, out.stderr


def _runtimes() -> runtimes.Runtimes:
    """Three environments: 2.4 without DisableCopyOnRead, 2.10 with it, 2.12+text with TFText."""
    order = ["2.4", "2.10", "2.12+text"]
    rts = {n: runtimes.Runtime(n, n + ".0", p, 0, 0, ("tensorflow_text",) if "+" in n else ())
           for n, p in zip(order, (440, 1205, 1395), strict=True)}  # fmt: skip
    ops = {"Const": frozenset({0, 1, 2}), "VarHandleOp": frozenset({0, 1, 2}),
           "DisableCopyOnRead": frozenset({1, 2}), "TFText>Tok": frozenset({2})}  # fmt: skip
    attrs = {("VarHandleOp", "shape"): frozenset({0, 1, 2}),
             ("VarHandleOp", "debug_name"): frozenset({1, 2})}  # fmt: skip
    return runtimes.Runtimes(order, rts, ops, attrs, {"2.10+keras3.0": "2.10"}, "2026-12-01")


def test_the_first_problem_is_the_first_node_tensorflow_meets_and_each_names_its_version():
    m = model.Model(Path("m"), model.SAVED_MODEL, graph_producer=1569, graph_min_consumer=0)
    m.graph_ops = {"VarHandleOp": {"shape", "debug_name", "_class"}, "DisableCopyOnRead": set(),
                   "TFText>Tok": set()}  # fmt: skip
    rt = _runtimes()
    found = predict.graph_problems(m, "2.4", rt)
    assert [(p.category, p.detail) for p in found] == [
        ("op_changed", "VarHandleOp.debug_name"),  # `_class` is the runtime's own
        ("missing_op", "DisableCopyOnRead"),
        ("addon_op_missing", "TFText>Tok"),
    ]
    assert (
        "known from TF 2.10" in found[0].message
        and "first registered in TF 2.10" in found[1].message
    )
    assert "tensorflow_text" in found[2].message
    assert [p.category for p in predict.graph_problems(m, "2.10+keras3.0", rt)] == [
        "addon_op_missing"
    ]  # a Keras variant has its release's ops
    assert predict.graph_problems(m, "2.12+text", rt) == []
    # the TF2 object loader meets the function library first (DisableCopyOnRead lives there)
    m.graph_ops, m.function_ops = {"VarHandleOp": {"debug_name"}}, {"DisableCopyOnRead": set()}
    first = predict.graph_problems(m, "2.4", rt, functions_first=True)[0]
    assert (first.category, first.detail) == ("missing_op", "DisableCopyOnRead")


def test_a_graphdef_outside_the_window_is_predicted():
    m = model.Model(Path("m"), model.SAVED_MODEL, graph_producer=2000, graph_min_consumer=1300)
    found = predict.graph_problems(m, "2.10", _runtimes())
    assert [(p.category, p.detail) for p in found] == [("graphdef_too_new", "2000")]


def test_the_committed_runtime_dumps_cover_every_release_and_stay_small():
    from matrix.catalog import load_catalog

    rt = runtimes.load()
    releases = [r.minor for r in load_catalog().releases if r.kind == "release" and r.default]
    assert [v for v in releases if rt.resolve(v) is None] == []
    assert runtimes.RUNTIMES_PATH.stat().st_size < 5_000_000  # the budget
    assert rt.first_with("DisableCopyOnRead") == "2.10"  # as the matrix measured (≤ 2.9 fail)
    # debug_name is in VarHandleOp's OpDef from 2.15 on, yet only ≤ 2.4 refuse what 2.15
    # writes: from 2.5 on, an attribute the op does not know is dropped (the dump's probe)
    assert rt.first_with("VarHandleOp", "debug_name") == "2.15"
    refuse = [v for v in rt.order if not rt.runtimes[v].accepts_unknown_attrs]
    assert refuse == ["1.15", "2.0", "2.1", "2.2", "2.3", "2.4"]


def test_wild_models_are_read_and_predicted_without_tensorflow(wild_dir):
    m = model.read(wild_dir / TF2_MODEL)
    assert m.tensorflow_version == "2.14.0" and m.graph_producer == 1569
    assert "DisableCopyOnRead" in m.ops and "serving_default" in [s.name for s in m.signatures]
    assert m.assets == ["foo.txt"] == m.asset_files
    old = model.read(wild_dir / "saved_model_half_plus_two_cpu/00000123")
    assert old.assets == ["foo.txt"]  # TF 1.x lists them in a collection
    out = cli(str(wild_dir / TF2_MODEL), "--tf", "2.4", "2.9", "2.10", "--json", "--static")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    got = {
        (r["environment"], r["loader"]): (r["status"], r["category"], r["detail"])
        for r in report["results"]
    }
    missing = ("ERROR", "missing_op", "DisableCopyOnRead")
    assert got == {("2.4", "tf1.Session"): missing, ("2.4", "saved_model_cli run"): missing,
                   ("2.4", "tf.saved_model.load"): missing, ("2.9", "tf1.Session"): missing,
                   ("2.9", "saved_model_cli run"): missing, ("2.9", "tf.saved_model.load"): missing,
                   ("2.10", "tf1.Session"): ("PASS", None, None),
                   ("2.10", "saved_model_cli run"): ("PASS", None, None),
                   ("2.10", "tf.saved_model.load"): ("PASS", None, None),
                   ("2.4", "TF Serving"): missing, ("2.9", "TF Serving"): missing,
                   ("2.10", "TF Serving"): ("PASS", None, None)}  # fmt: skip
    assert all(r["how"] == "predicted" and r["evidence"] for r in report["results"])
    assert "tensorflow" not in sys.modules  # nothing here imported it either


def test_require_is_a_gate(wild_dir):
    path = str(wild_dir / TF2_MODEL)
    assert cli(path, "--tf", "2.10", "2.12", "--require", "2.10", "--static").returncode == 0
    out = cli(path, "--tf", "2.9", "2.10", "--require", "2.9.3", "2.10", "--static")
    assert out.returncode == 1 and "2.9 (predicted) does not load it" in out.stderr


def test_lint_names_what_people_hit_with_a_fix(wild_dir):
    found = {
        x.rule: x for x in lint.lint(model.read(wild_dir / "saved_model_half_plus_three/00000123"))
    }
    assert "unknown_rank" in found and found["unknown_rank"].fix
    m = model.Model(Path("m"), model.SAVED_MODEL, assets=["vocab.txt", "/home/me/v.txt"],
                    graph_ops={"CudnnRNNV3": set(), "TFText>Tok": set()})  # fmt: skip
    m.layers = [
        model.KerasLayer("Lambda", "keras.layers", None, "lam"),
        model.KerasLayer("ScaledDense", "my_project.layers", "Custom>ScaledDense", "s"),
    ]
    rules = [x.rule for x in lint.lint(m)]
    assert rules == ["asset_missing", "asset_absolute", "no_serving_default", "gpu_only_ops",
                     "addon_ops", "lambda_layer", "custom_objects"]  # fmt: skip


def _file(name: str, data: bytes):
    def make(p: Path) -> Path:
        (p / name).write_bytes(data)
        return p / name

    return make


def _files(*names: str):
    def make(p: Path) -> Path:
        for n in names:
            (p / n).write_bytes(b"x")
        return p

    return make


@pytest.mark.parametrize("make,words", [
    (lambda p: p / "nowhere", ["no such file or directory"]),
    (lambda p: p, ["an empty folder"]),
    (_files("notes.txt"), ["a folder with no model"]),
    (_file("m.keras", b"PK\x03\x04junk"), ["not a readable .keras"]),
    (_file("m.h5", b"\x89HDF\r\n\x1a\n junk"), ["not a readable HDF5"]),
    (_file("m.onnx", b"x"), ["not a model format this tool reads"]),
    (_files("model.meta", "model.index"), ["TF1 checkpoint with a .meta graph"]),
    (_file("m.tflite", b"\x1c\x00\x00\x00TFL3junk"), ["a damaged or truncated TFLite"]),
    (_file("m.tflite", b"PK\x03\x04 not a flatbuffer"), ["not a TFLite flatbuffer"]),
])  # fmt: skip
def test_bad_input_is_one_line(tmp_path, make, words):
    one_line_error(cli(str(make(tmp_path))), *words)


def test_a_truncated_saved_model_is_one_line(tmp_path, wild_dir):
    copy = tmp_path / "m"
    shutil.copytree(wild_dir / TF2_MODEL, copy)
    pb = copy / "saved_model.pb"
    pb.write_bytes(pb.read_bytes()[: pb.stat().st_size // 2])
    one_line_error(cli(str(copy)), "not a readable SavedModel", "saved_model.pb")


def test_archives_unpack_and_unsafe_ones_are_refused(tmp_path, wild_dir):
    good = tmp_path / "model.tar.gz"
    with tarfile.open(good, "w:gz") as t:
        t.add(wild_dir / TF2_MODEL, arcname="export/1")
    report = json.loads(cli(str(good), "--tf", "2.10", "--json", "--static").stdout)
    assert report["results"][0]["status"] == "PASS"
    traversal = tmp_path / "evil.zip"
    with zipfile.ZipFile(traversal, "w") as z:
        z.writestr("../../outside.txt", "x")
    one_line_error(cli(str(traversal)), "outside the folder", "refused")
    assert not (tmp_path.parent / "outside.txt").exists()
    absolute = tmp_path / "abs.tar"
    with tarfile.open(absolute, "w") as t:
        info = tarfile.TarInfo("/etc/evil")
        t.addfile(info)
    one_line_error(cli(str(absolute)), "outside the folder")
    link = tmp_path / "link.tar"
    with tarfile.open(link, "w") as t:
        info = tarfile.TarInfo("saved_model.pb")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        t.addfile(info)
    one_line_error(cli(str(link)), "is a link")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("saved_model.pb", b"\0" * (100 << 20))
    one_line_error(cli(str(bomb)), "zip bomb")
    one_line_error(cli(str(tmp_path / "missing.zip")), "no such file")


def test_archive_members_are_checked_before_anything_is_written(tmp_path):
    bad = tmp_path / "mixed.tar"
    with tarfile.open(bad, "w") as t:
        ok = tarfile.TarInfo("a.txt")
        t.addfile(ok)
        evil = tarfile.TarInfo("b")
        evil.type, evil.linkname = tarfile.LNKTYPE, "/etc/passwd"
        t.addfile(evil)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UsageError, match="is a link"):
        archive.unpack(bad, out)
    assert list(out.iterdir()) == []


# the categories a graph's ops, attributes and versions decide (what static prediction covers)
OP_CATEGORIES = {"missing_op", "op_changed", "addon_op_missing", "graphdef_too_new"}


@pytest.mark.tf
def test_static_prediction_agrees_with_the_real_loads_on_every_op_and_attribute_failure(
    matrix_run, home, releases
):
    """The SavedModels TF 2.15 and 2.16 write (here, in the small real matrix), predicted for
    every environment of the catalog, against what the published run measured when every
    environment loaded what the same TF wrote: the same first op or attribute failure, and no
    predicted failure where the real load got past the graph."""
    import pandas as pd

    from matrix import PROJECT_ROOT
    from tests.conftest import FIXTURES

    cells = pd.read_csv(PROJECT_ROOT / "reports" / "results.csv.gz", dtype=str)
    cells = cells[(cells["format"] == "saved_model") & cells["status"].isin(["PASS", "ERROR"])
                  & cells["loader"].isin(list(predict.FUNCTIONS_FIRST))]  # fmt: skip
    rt = runtimes.load()
    checked, failures = 0, 0
    for release in releases:
        for fixture in FIXTURES:
            pbs = list(
                home.artifact_dir(release.name, fixture, "saved_model").rglob("saved_model.pb")
            )
            if not pbs:
                continue
            m = model.read(pbs[0].parent)
            sub = cells[(cells["producer"] == release.minor) & (cells["fixture"] == fixture)]
            for row in sub.itertuples():
                if rt.resolve(row.consumer) is None:
                    continue
                found = predict.graph_problems(
                    m, row.consumer, rt, predict.FUNCTIONS_FIRST[row.loader]
                )
                where = f"{fixture} {release.minor} -> {row.consumer} {row.loader}"
                if row.error_category in OP_CATEGORIES:
                    failures += 1
                    assert found, f"{where}: measured {row.error_category} {row.error_detail}"
                    assert (found[0].category, found[0].detail) == (
                        row.error_category, row.error_detail), where  # fmt: skip
                else:
                    assert not found, f"{where}: predicted {found[0]}, measured {row.status}"
                checked += 1
    print(f"{checked} published loads compared, {failures} op or attribute failures among them")
    assert checked > 100 and failures > 10, (checked, failures)


def test_a_keras_file_is_predicted_from_what_the_same_keras_wrote_in_the_matrix(tmp_path):
    """A .keras written by Keras 3.15: the published cells of what TF 2.16 (Keras 3.15) wrote
    as .keras, per consumer and loader, said to be a prediction from reference models."""
    from matrix import PROJECT_ROOT

    if not (PROJECT_ROOT / "reports" / "compat.json").exists():
        pytest.skip("no published dataset yet")
    path = tmp_path / "m.keras"
    layers = [{"class_name": c, "module": "keras.layers", "config": {"name": c.lower()}}
              for c in ("Dense", "Lambda")]  # fmt: skip
    config = {"class_name": "Sequential", "module": "keras", "config": {"layers": layers}}
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("config.json", json.dumps(config))
        z.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
    out = cli(str(path), "--tf", "2.12", "2.16", "--json", "--static")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["model"]["keras_version"] == "3.15.1"
    by = {(r["environment"], r["loader"]): r for r in report["results"]}
    old, new = by[("2.12", "keras.load_model")], by[("2.16", "keras.load_model")]
    assert old["status"] == "ERROR" and old["category"] and "0 of" in old["message"]
    assert new["status"] in ("PASS", "DEPENDS") and "TF 2.16 (Keras 3.15.1)" in new["evidence"]
    assert [x["rule"] for x in report["lint"]] == ["lambda_layer"]


def _readme_checks() -> list:
    """The README's `check` examples (```console blocks): a static one runs anywhere, one that
    loads for real needs its TensorFlow environments (marked tf)."""
    import re

    from matrix import PROJECT_ROOT

    text = (PROJECT_ROOT / "README.md").read_text()
    found = re.findall(r"```console\n\$ (tf-compat-matrix check [^\n]*)\n(.*?)```", text, re.S)
    assert len(found) >= 2, "the README shows a static and a real check"
    return [
        pytest.param(c, s, marks=() if "--static" in c else pytest.mark.tf, id=f"example{i}")
        for i, (c, s) in enumerate(found)
    ]


@pytest.mark.parametrize(("command", "shown"), _readme_checks())
def test_the_readme_shows_a_real_check_run(wild_dir, command, shown):
    """The README's `check` examples, run as written: the same output."""
    import shlex

    args = shlex.split(command)[2:]
    args[0] = str(wild_dir / args[0].split("wild-savedmodels/", 1)[1])
    out = cli(*args)
    assert out.returncode == 0, out.stderr
    assert out.stdout.replace(str(wild_dir), "../shared/wild-savedmodels").strip() == shown.strip()


def test_html_writes_the_verdicts_as_a_page(wild_dir, tmp_path):
    page = tmp_path / "check.html"
    out = cli(str(wild_dir / TF2_MODEL), "--tf", "2.9", "2.10", "--html", str(page), "--static")
    assert out.returncode == 0, out.stderr
    html = page.read_text()
    assert "st-ERROR" in html and "st-PASS" in html and "DisableCopyOnRead" in html
    assert "<script" not in html and "http" not in html.split("</style>")[1]  # nothing fetched
    nowhere = str(tmp_path / "no" / "x.html")
    one_line_error(cli(str(wild_dir / TF2_MODEL), "--html", nowhere), "cannot write")


def test_the_dumps_round_trip_through_their_file(tmp_path):
    from matrix.catalog import load_catalog

    def dump(ops, accepts):
        versions = {"producer": 1, "min_consumer": 0, "min_producer": 0}
        return {"tensorflow": "x", "graph_def": versions, "imports": [],
                "accepts_unknown_attrs": accepts, "ops": ops}  # fmt: skip

    newer = {"VarHandleOp": ["debug_name", "shape"], "DisableCopyOnRead": []}
    dumped = {"2.4": dump({"VarHandleOp": ["shape"]}, False), "2.5": dump(newer, True)}
    path = tmp_path / "runtimes.json"
    path.write_text(runtimes.dumps(dumped, load_catalog(), "2026-12-01"))
    rt = runtimes.load(path)
    assert rt.order == ["2.4", "2.5"] and rt.dumped == "2026-12-01"
    assert not rt.runtimes["2.4"].accepts_unknown_attrs and rt.runtimes["2.5"].accepts_unknown_attrs
    assert rt.first_with("VarHandleOp", "debug_name") == "2.5" and rt.has_op(
        "2.5", "DisableCopyOnRead"
    )
    assert runtimes._previous(path)["2.5"]["ops"] == dumped["2.5"]["ops"]  # what a resume adds to


def test_tf_serving_is_predicted_from_what_its_build_links():
    """TF Serving 2.13–2.19 link tensorflow-text 2.12.1 (their workspace.bzl): an op that text
    added in 2.13 is not linked there, and is in Serving 2.20 (text 2.20.0); a text linked whose
    ops were never dumped is not predicted; Serving 1.15 links no text at all."""
    from matrix.check import serving

    found = {s.minor: s for s in serving.load()}
    assert found["2.15"].text == "2.12.1" and found["2.20"].text == "2.20.0"
    assert found["2.12"].decision_forests and not found["1.15"].links_text
    m = model.Model(path=Path("."), format=model.SAVED_MODEL, graph_producer=100,
                    graph_min_consumer=0, graph_ops={"Const": set(),
                                                     "TFText>RoundRobinTrim": set()})  # fmt: skip
    envs = [{"name": n} for n in ("1.15", "2.8", "2.15", "2.20")]
    got = {p.environment: p for p in predict.serving(m, envs, runtimes.load(), serving.load())}
    assert got["2.15"].status == "ERROR" and got["2.15"].category == "addon_op_missing"
    assert "not linked into TF Serving 2.15.1 (it links tensorflow-text 2.12.1)" in (
        got["2.15"].message)  # fmt: skip
    assert got["2.20"].status == "PASS" and got["2.20"].loader == "TF Serving"
    assert got["2.8"].status == "NOT_PREDICTED" and "2.6.0" in got["2.8"].message
    assert got["1.15"].status == "ERROR" and "links no tensorflow-text" in got["1.15"].message


def test_tf_serving_data_is_read_from_its_tags(tmp_path):
    """`runtimes --serving GIT_DIR`: the newest patch of each minor, its TF commit, the text and
    decision-forests archives and the linked op libraries, from a repository's tags."""
    from matrix.check import serving

    repo = tmp_path / "serving"
    (repo / "tensorflow_serving" / "model_servers").mkdir(parents=True)

    def git(*args):
        who = {f"GIT_{r}_{k}": v for r in ("AUTHOR", "COMMITTER") for k, v in
               (("NAME", "t"), ("EMAIL", "t@t"))}  # fmt: skip
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                       env=dict(who, PATH="/usr/bin:/bin"))  # fmt: skip

    git("init", "-q")
    for tag, text in (("2.12.0", "2.11.0"), ("2.12.2", "2.12.1"), ("2.13.0-rc0", "2.13.0")):
        (repo / "WORKSPACE").write_text(f'tensorflow_http_archive(\n    name = "org_tensorflow",\n'
                                        f'    git_commit = "{"ab" * 20}",\n)\n')  # fmt: skip
        (repo / "tensorflow_serving" / "workspace.bzl").write_text(
            f'    http_archive(\n        name = "org_tensorflow_text",\n        strip_prefix = '
            f'"text-{text}",\n    )\n')  # fmt: skip
        (repo / "tensorflow_serving" / "model_servers" / "BUILD").write_text(
            'SUPPORTED_TENSORFLOW_OPS = if_v2([]) + if_not_v2([\n    "@org_tensorflow//tensorflow/'
            'contrib:contrib_kernels",\n]) + [\n    "@org_tensorflow_text//tensorflow_text:'
            'ops_lib",\n]\n\ncc_library()\n')  # fmt: skip
        git("add", "-A")
        git("commit", "-qm", tag)
        git("tag", tag)
    (s,) = serving.extract(repo / ".git")
    assert (s.version, s.minor, s.text, s.tensorflow_commit) == (
        "2.12.2",
        "2.12",
        "2.12.1",
        "ab" * 20,
    )
    assert s.op_libraries == ("@org_tensorflow_text//tensorflow_text:ops_lib",) and s.links_text
    back = tmp_path / "serving.toml"
    back.write_text(serving.dumps([s], "2026-12-02"))
    assert serving.load(back) == [s]


def test_a_keras_class_the_consumer_lacks_is_predicted(tmp_path):
    """An .h5 by Keras 2.15 with GroupNormalization (in tf.keras from 2.11): every Keras loader
    of TF 2.9 is predicted to fail on that class, from the Keras dumps, naming the first Keras
    that has it; TF 2.15 is not."""
    import h5py

    from matrix import PROJECT_ROOT
    from matrix.check import kerasclasses

    known = kerasclasses.load()
    if known is None or not {"2.9", "2.15"} <= set(known.environments):
        pytest.skip("no Keras dumps for 2.9 and 2.15 (tf-compat-matrix runtimes --keras)")
    if not (PROJECT_ROOT / "reports" / "compat.json").exists():
        pytest.skip("no published dataset yet")
    layers = [{"class_name": c, "config": {"name": c.lower()}}
              for c in ("InputLayer", "GroupNormalization", "Dense")]  # fmt: skip
    layers[0]["config"]["batch_input_shape"] = [None, 8]
    path = tmp_path / "m.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential",
                                              "config": {"layers": layers}})  # fmt: skip
        f.attrs["keras_version"] = "2.15.0"
    out = cli(str(path), "--tf", "2.9", "2.15", "--json", "--static")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)["results"]
    old = [r for r in got if r["environment"] == "2.9"]
    assert old and all(r["status"] == "ERROR" and r["detail"] == "GroupNormalization" for r in old)
    assert (
        "known to Keras 2.11.0 to " in old[0]["message"]
        and "keras_classes.json" in old[0]["evidence"]
    )
    assert not any(r["detail"] == "GroupNormalization" for r in got if r["environment"] == "2.15")
    assert model.read(path).keras_inputs == [model.TensorSpec("inputlayer", "float32", (-1, 8))]


def test_the_keras_dumps_round_trip_through_their_file():
    """keras_classes.json read back and written again is the same text (what a partial
    `runtimes --keras` adds to), and every release of the catalog has its Keras in it."""
    from matrix.catalog import load_catalog

    path = runtimes.KERAS_PATH
    text = path.read_text()
    data = json.loads(text)
    again = runtimes.keras_dumps(runtimes._previous_keras(path), load_catalog(), data["dumped"])
    assert again == text
    releases = [r.minor for r in load_catalog().releases if r.kind == "release" and r.default]
    assert set(releases) <= set(data["environments"]), set(releases) - set(data["environments"])
    assert len(text) < 200_000


DATA = Path(__file__).with_name("data")


def test_a_tflite_file_is_read_without_tensorflow_ops_versions_and_signatures():
    """What the matrix's converters wrote (tests/data: TF 2.16 of module_signature, TF 2.15
    of tflite_select_tf_ops with SELECT_TF_OPS): op codes named from TF's schema dump, each
    op's version, the signature's inputs with their dynamic batch, the converter's claim."""
    m = model.read(DATA / "module_signature-tf2.16.tflite")
    assert m.format == model.TFLITE and m.kind == "module"
    assert [(o["op"], o["version"], o["kind"]) for o in m.tflite_ops] == [
        ("FULLY_CONNECTED", 1, "builtin")]  # fmt: skip
    (sig,) = m.signatures
    assert sig.name == "serving_default"
    assert sig.inputs == (model.TensorSpec("x", "DT_FLOAT", (-1, 3)),)
    assert m.tflite_min_runtime == "1.5.0"
    select = model.read(DATA / "tflite_select_tf_ops-tf2.15.tflite")
    assert {o["op"]: o["kind"] for o in select.tflite_ops} == {
        "ADD": "builtin", "FlexMatrixInverse": "flex"}  # fmt: skip
    (rule,) = [x.rule for x in lint.lint(select)]
    assert rule == "tflite_flex_ops"
    assert lint.lint(m) == []


def test_check_of_a_tflite_says_what_it_reads_and_that_it_predicts_nothing_statically():
    out = cli(str(DATA / "tflite_select_tf_ops-tf2.15.tflite"), "--static")
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert "tflite, ops: ADD v1, FlexMatrixInverse v1 (flex)" in first
    assert "signatures: serving_default" in first
    assert "no static prediction for a .tflite" in out.stdout
    assert "tflite_flex_ops: needs select TensorFlow ops (Flex): FlexMatrixInverse" in out.stdout
