from tests.unit.feedback.fixtures import ban_co, notices, world  # noqa: F401
