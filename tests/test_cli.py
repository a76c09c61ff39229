"""The command line a user meets: bad options are one line and exit status 2, never a
traceback; --help explains. These never start TensorFlow (they fail or stop before)."""

import argparse
import os
import subprocess
import sys

import pytest

from matrix import cli
from matrix.store.layout import PROJECT_ROOT


def nox(*args, env=None):
    return subprocess.run([sys.executable, "-m", "nox", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize(
    "args,words",
    [
        (["--tf", "foo"], "TensorFlow 'foo' is not in the catalog"),
        (["--tf", "9.99"], "TensorFlow '9.99' is not in the catalog"),
        (["-j", "0"], "must be at least 1"),
        (["-j", "x"], "must be a whole number"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(args, words):
    out = nox("-s", "matrix", "--", *args)
    assert out.returncode == 2, out
    lines = [ln for ln in out.stderr.splitlines() if ln.strip() and not ln.startswith("nox >")]
    assert len(lines) == 1 and words in lines[0], out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_help_explains_the_options():
    out = nox("-s", "matrix", "--", "--help")
    assert out.returncode == 0, out
    assert "--tf VERSION" in out.stdout and "--jobs" in out.stdout


def test_the_per_version_sessions_are_listed():
    out = nox("-l", "--json", "-s", "produce", "consume", "--", "--tf", "2.15", "2.16")
    assert out.returncode == 0, out
    assert "produce(tf='2.15')" in out.stdout and "consume(tf='2.16')" in out.stdout


def test_the_version_selection_reaches_every_session_but_is_not_passed_on(tmp_path):
    from matrix import cli

    assert cli.without_versions(["--tf", "2.15", "2.16", "--force"]) == ["--force"]
    assert cli.without_versions(["--force"]) == ["--force"]
    # an empty store: with the user's own (after `nox -s matrix`) the report may be up to date,
    # and the session would rightly stop before running anything
    env = {k: v for k, v in os.environ.items() if k != "TFMATRIX_VERSIONS"}
    env["TFMATRIX_HOME"] = str(tmp_path / "store")
    out = nox("-s", "report", "--", "--tf", "2.15", "2.16", "--bogus", env=env)
    # nox shows the command it runs: the selection became --versions, --tf is not passed on
    assert "tf-compat-matrix report --versions 2.15 2.16 --bogus" in out.stdout + out.stderr


@pytest.mark.parametrize("name", list(cli.SUBCOMMANDS))
def test_every_subcommand_explains_each_option_and_refuses_a_bad_one(name):
    """`tf-compat-matrix SUB --help` works and every option says what it does; an unknown
    option is one line on stderr and exit status 2, for every subcommand."""
    top = cli.parser(name)
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    parser = sub.choices[name]
    for action in parser._actions:
        if action.dest != "help" and not isinstance(action, argparse._SubParsersAction):
            assert action.help, f"{name}: {action.option_strings or action.dest} has no help"
    run = [sys.executable, "-m", "matrix", name]
    out = subprocess.run([*run, "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and f"tf-compat-matrix {name}" in out.stdout, out.stderr
    out = subprocess.run([*run, "--no-such-option"], cwd=PROJECT_ROOT, capture_output=True,
                         text=True)  # fmt: skip
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0, out.stderr
    assert "Traceback" not in out.stderr


def test_the_top_level_help_lists_every_subcommand():
    out = subprocess.run([sys.executable, "-m", "matrix", "--help"], cwd=PROJECT_ROOT,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0
    assert all(name in out.stdout for name in cli.SUBCOMMANDS)
