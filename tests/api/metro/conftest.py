import pytest


@pytest.fixture(autouse=True)
def _sandbox_gateway(payments_sandbox: None) -> None:
    """Every test here pays through the sandbox gateway (off unless enabled)."""
