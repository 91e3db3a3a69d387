"""Interoperability tests skip for lack of an outside tool on a developer machine, but fail where
CDS_REQUIRE_INTEROP=1 (make test, make test-e2e, make test-pg and so CI): tests/conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# One test per way a test can need a tool, each needing one that no machine has.
NEEDS_MISSING_TOOLS = '''
from tests.conftest import have_tools, interop, require_module, require_tools


@interop(False, "cds-absent-tool")
def test_marked():
    pass


def test_program():
    require_tools("pdfsig", "cds-absent-program")


def test_module():
    require_module("cds_absent_module")


def test_extra_check():
    assert not have_tools("cds-absent-program")
'''

NEEDS_A_MISSING_MODULE_TO_IMPORT = '''
from tests.conftest import require_module

absent = require_module("cds_absent_module")


def test_uses_it():
    assert absent
'''


def _run(tmp_path: Path, source: str, require: str | None) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_needs_tools.py"
    test_file.write_text(source)
    env = {key: value for key, value in os.environ.items() if key != "CDS_REQUIRE_INTEROP"}
    if require is not None:
        env["CDS_REQUIRE_INTEROP"] = require
    command = [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "-p", "tests.conftest",
               "-c", str(ROOT / "pyproject.toml"), str(test_file)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("require", [None, "0"])
def test_a_developer_machine_skips_what_it_cannot_run(tmp_path: Path, require: str | None) -> None:
    run = _run(tmp_path, NEEDS_MISSING_TOOLS, require)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 3 skipped" in run.stdout, run.stdout
    assert "cds-absent-program not installed: check skipped" in run.stdout  # the warning names the skipped check
    assert "SKIPPED" in run.stdout and "cds-absent-program is not installed (`make test-deps`" in run.stdout


def test_ci_fails_every_test_whose_tool_is_missing(tmp_path: Path) -> None:
    run = _run(tmp_path, NEEDS_MISSING_TOOLS, "1")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "skipped" not in run.stdout, run.stdout
    assert "3 failed, 1 error" in run.stdout, run.stdout  # the marker fails in setup: an error
    assert "CDS_REQUIRE_INTEROP=1 forbids skipping an interoperability test" in run.stdout


def test_ci_fails_a_module_that_imports_a_missing_package(tmp_path: Path) -> None:
    assert "1 skipped" in _run(tmp_path, NEEDS_A_MISSING_MODULE_TO_IMPORT, None).stdout  # the whole module
    run = _run(tmp_path, NEEDS_A_MISSING_MODULE_TO_IMPORT, "1")
    assert run.returncode != 0 and "1 error" in run.stdout, run.stdout
    assert "the Python package cds_absent_module is not installed" in run.stdout
