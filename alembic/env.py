"""Alembic environment: the database URL comes from the app's settings (DATABASE_URL)."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

from citizen_app.core.config import settings
from citizen_app.core.db import make_engine
from citizen_app.core.registry import import_all_models

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

import os  # noqa: E402

# Autogenerating one pillar's migration while others are still in progress: CDS_MODEL_PACKAGES=identity
_only = [name for name in os.environ.get("CDS_MODEL_PACKAGES", "").split(",") if name]
if _only:
    import importlib

    for _name in _only:
        importlib.import_module(f"citizen_app.{_name}.models")
else:
    import_all_models()
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=settings().database_url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = context.config.attributes.get("database_url") or settings().database_url
    connectable = make_engine(url)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
