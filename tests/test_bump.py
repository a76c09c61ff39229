import datetime as dt

from matrix import bump

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc)


def wheel(version, py="312", days_old=30, yanked=False):
    when = (NOW - dt.timedelta(days=days_old)).isoformat().replace("+00:00", "Z")
    return {
        "filename": f"tensorflow_cpu-{version}-cp{py}-cp{py}-manylinux_2_17_x86_64.whl",
        "upload_time_iso_8601": when,
        "yanked": yanked,
    }


def fake_pypi(releases):
    return lambda package: {"releases": releases}


def test_latest_patch_skips_yanked_prereleases_and_fresh_releases():
    releases = {
        "2.21.0": [wheel("2.21.0", "313")],
        "2.21.1": [wheel("2.21.1", "313", yanked=True)],
        "2.21.2rc0": [wheel("2.21.2rc0", "313")],
        "2.21.3": [wheel("2.21.3", "313", days_old=2)],  # inside the cool-off
        "2.22.0": [wheel("2.22.0", "313"), wheel("2.22.0", "314")],
    }
    changes = bump.propose(cool_off_days=7, now=NOW, fetcher=fake_pypi(releases))
    assert "add 2.22: tensorflow-cpu==2.22.0 on Python 3.13" in changes
    assert not any(c.startswith("update 2.21") for c in changes)


def test_a_newer_patch_is_proposed_and_written():
    releases = {"2.21.5": [wheel("2.21.5", "313")]}
    changes = bump.propose(cool_off_days=7, now=NOW, fetcher=fake_pypi(releases))
    assert changes == ["update 2.21: 2.21.0 -> 2.21.5"]
    assert 'version = "2.21.5"' in bump.apply(changes)
