"""The procedures pillar's world (the ward police, Mai) and Mai able to sign, for the documents her dossier makes."""

from tests.unit.procedures.conftest import hooks, world  # noqa: F401 - fixtures
from tests.unit.procedures.test_flow import signer  # noqa: F401 - fixture
