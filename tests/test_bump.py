"""`tf-compat-matrix bump`: the latest patch of each minor from PyPI, written with tomlkit
into a catalog whose comments and layout stay. On a fixed catalog, never the live one."""

import datetime as dt

import pytest

from matrix.catalog import bump, load_catalog

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)
CATALOG = """\
# the catalog (a comment that must survive)
[settings]
exclude_newer = "2026-11-16T00:00:00Z"

[[tf]]
version = "2.20.0"
python = "3.12"  # the newest Python it has wheels for
package = "tensorflow-cpu"

[[tf]]
version = "2.21.0"
python = "3.13"
package = "tensorflow-cpu"

[[tf]]
version = "nightly"
python = "3.13"
package = "tf-nightly"
default = false
prerelease = true
"""


@pytest.fixture
def catalog_path(tmp_path):
    path = tmp_path / "versions.toml"
    path.write_text(CATALOG)
    return path


def wheel(version, py="312", days_old=30, yanked=False, platform="manylinux_2_17_x86_64"):
    when = (NOW - dt.timedelta(days=days_old)).isoformat().replace("+00:00", "Z")
    return {
        "filename": f"tensorflow_cpu-{version}-cp{py}-cp{py}-{platform}.whl",
        "upload_time_iso_8601": when,
        "yanked": yanked,
    }


def fake_pypi(releases):
    return lambda package: {"releases": releases}


def propose(releases, path):
    return bump.propose(7, NOW, fake_pypi(releases), catalog=load_catalog(path))


def test_latest_patch_skips_yanked_prereleases_fresh_releases_and_other_platforms(catalog_path):
    releases = {
        "2.21.1": [wheel("2.21.1", "313", yanked=True)],
        "2.21.2rc0": [wheel("2.21.2rc0", "313")],
        "2.21.3": [wheel("2.21.3", "313", days_old=2)],  # inside the cool-off
        "2.21.4": [wheel("2.21.4", "313", platform="macosx_12_0_arm64")],
        "2.22.0": [wheel("2.22.0", "313"), wheel("2.22.0", "314")],
    }
    changes = propose(releases, catalog_path)
    assert changes == ["add 2.22: tensorflow-cpu==2.22.0 on Python 3.13"]  # 3.14: no machine


def test_a_newer_patch_is_written_and_the_comments_stay(catalog_path):
    changes = propose({"2.21.5": [wheel("2.21.5", "313")]}, catalog_path)
    assert changes == ["update 2.21: 2.21.0 -> 2.21.5"]
    text = bump.apply(changes + ["add 2.22: tensorflow-cpu==2.22.0 on Python 3.13"], catalog_path)
    assert 'version = "2.21.5"' in text and 'version = "2.21.0"' not in text
    assert "# the catalog (a comment that must survive)" in text
    assert 'python = "3.12"  # the newest Python it has wheels for' in text
    catalog_path.write_text(text)
    versions = [r.version for r in load_catalog(catalog_path).releases]
    assert versions == ["2.20.0", "2.21.5", "2.22.0", "nightly"]  # added before the nightly


def test_release_days_come_from_the_first_upload_of_each_installed_version(tmp_path):
    from matrix.catalog import released

    locks = tmp_path / "locks"
    locks.mkdir()
    (locks / "tf-2.9.txt").write_text("keras==2.9.0\n    # via tensorflow-cpu\n"
                                      "numpy==1.26.4\ntensorflow-cpu==2.9.3\n")  # fmt: skip
    wanted = released.installed(locks)
    assert wanted == {("keras", "2.9.0"), ("tensorflow-cpu", "2.9.3")}  # numpy names nothing
    pypi = {
        "keras": {"releases": {"2.9.0": [
            {"upload_time_iso_8601": "2022-05-13T18:00:00.000Z"},
            {"upload_time_iso_8601": "2022-05-12T23:30:00.000Z"},  # the first file counts
        ]}},
        "tensorflow-cpu": {"releases": {"2.9.3": [
            {"upload_time_iso_8601": "2022-11-16T01:00:00Z"},
        ]}},
    }  # fmt: skip
    path = tmp_path / "released.toml"
    path.write_text(released.refresh(pypi.__getitem__, wanted))
    known = released.load(path)
    assert known == {"keras": {"2.9.0": "2022-05-12"}, "tensorflow-cpu": {"2.9.3": "2022-11-16"}}
    assert released.dates_of({"keras": "2.9.0", "numpy": "1.26.4"}, known) == {
        "keras": "2022-05-12"
    }


def test_every_installed_version_has_its_release_day():
    """A lock refreshed without `bump --dates` would leave an environment undated."""
    from matrix.catalog import released

    known = released.load()
    missing = sorted(f"{n}=={v}" for n, v in released.installed() if v not in known.get(n, {}))
    assert missing == [], "run: tf-compat-matrix bump --dates"
