"""Runs the migrations of this directory on every database named by ``databases``.

Each database gets its own connection and its own version table rows; a revision's
``upgrade(engine_name)`` dispatches to its ``upgrade_<name>()`` section.
"""

import logging
import re
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from mig.runtime import context

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)
logger = logging.getLogger("mig.env")

db_names = [n for n in re.split(r"[\s,]+", config.get_main_option("databases", "")) if n]

# The MetaData of each database's model, for autogenerate, e.g.:
#     target_metadata = {"engine1": mymodel1.metadata, "engine2": mymodel2.metadata}
target_metadata = {}


def run_migrations_offline() -> None:
    """Write each database's SQL to its own file, <name>.sql (``--sql``)."""
    for name in db_names:
        logger.info("Migrating database %s", name)
        file_ = f"{name}.sql"
        encoding = config.get_main_option("output_encoding") or "utf-8"
        with open(file_, "w", encoding=encoding) as buffer:
            context.configure(
                url=config.get_section_option(name, "sqlalchemy.url"),
                output_buffer=buffer,
                target_metadata=target_metadata.get(name),
                literal_binds=True,
                dialect_opts={"paramstyle": "named"},
            )
            with context.begin_transaction():
                context.run_migrations(engine_name=name)


def run_migrations_online() -> None:
    """Connect to every database, then run each one's section of every revision."""
    engines = {
        name: engine_from_config(
            config.get_section(name, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        for name in db_names
    }
    for name, engine in engines.items():
        logger.info("Migrating database %s", name)
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                upgrade_token=f"{name}_upgrades",
                downgrade_token=f"{name}_downgrades",
                target_metadata=target_metadata.get(name),
            )
            with context.begin_transaction():
                context.run_migrations(engine_name=name)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
