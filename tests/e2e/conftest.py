"""Every browser test fails on a Content-Security-Policy violation (see CSP_VIOLATIONS in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import take_csp_violations


@pytest.fixture(autouse=True)
def no_csp_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    take_csp_violations()
    yield
    violations = take_csp_violations()
    assert not violations, f"{request.node.nodeid}: Content-Security-Policy violations:\n" + "\n".join(violations)
