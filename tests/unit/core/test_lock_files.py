"""The lock files say what the hand-edited requirement files say: an edited .in without `make lock` fails here,
not silently in production (the Makefile installs the locks, never the .in files)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>\S+)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(text: str) -> dict[str, str]:
    return {_canonical(m["name"]): m["version"] for line in text.splitlines() if (m := PIN.match(line))}


@pytest.mark.parametrize("name", ["requirements", "requirements-dev"])
def test_every_pin_of_the_in_file_is_in_its_lock(name: str) -> None:
    wanted = _pins((ROOT / f"{name}.in").read_text())
    locked = _pins((ROOT / f"{name}.txt").read_text())
    assert wanted, f"{name}.in pins nothing"
    assert {pkg: locked.get(pkg) for pkg in wanted} == wanted, f"{name}.in changed: run `make lock`"


@pytest.mark.parametrize("name", ["requirements", "requirements-dev"])
def test_every_locked_package_has_hashes(name: str) -> None:
    entries = re.split(r"\n(?=\S)", (ROOT / f"{name}.txt").read_text())
    pinned = [entry for entry in entries if PIN.match(entry)]
    assert pinned and all("--hash=sha256:" in entry for entry in pinned)


def test_development_lock_agrees_with_the_runtime_lock() -> None:
    runtime = _pins((ROOT / "requirements.txt").read_text())
    dev = _pins((ROOT / "requirements-dev.txt").read_text())
    assert {pkg: runtime[pkg] for pkg in dev if pkg in runtime} == {pkg: dev[pkg] for pkg in dev if pkg in runtime}
