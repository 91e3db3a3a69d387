from tests.unit.feedback.fixtures import notices, world  # noqa: F401
