"""The history-table SQL that offline (``--sql``) runs write, spelled out per dialect, for
tests that assert a whole offline script."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from mig.runtime import __version__

ID_COLUMN = {
    "sqlite": "id INTEGER NOT NULL",
    "postgresql": "id SERIAL NOT NULL",
    "mariadb": "id INTEGER NOT NULL AUTO_INCREMENT",
    "mysql": "id INTEGER NOT NULL AUTO_INCREMENT",
}
APPLIED_AT = {
    "sqlite": ("DATETIME", "CURRENT_TIMESTAMP"),
    "postgresql": ("TIMESTAMP WITHOUT TIME ZONE", "(now() AT TIME ZONE 'utc')"),
    "mariadb": ("DATETIME", "UTC_TIMESTAMP()"),
    "mysql": ("DATETIME", "UTC_TIMESTAMP()"),
}
USER = {
    "postgresql": "current_user",
    "mariadb": "CURRENT_USER()",
    "mysql": "CURRENT_USER()",
}


def create_history(dialect: str, name: str = "mig_version_history") -> str:
    return (
        f"CREATE TABLE {name} (\n    {ID_COLUMN[dialect]}, \n"
        "    revision VARCHAR(255) NOT NULL, \n    direction VARCHAR(8) NOT NULL, \n"
        f"    checksum VARCHAR(80), \n    applied_at {APPLIED_AT[dialect][0]} NOT NULL, \n"
        "    duration_ms INTEGER, \n    applied_by VARCHAR(255), \n"
        "    mig_version VARCHAR(32), \n    PRIMARY KEY (id)\n);\n\n"
    )


def insert_history(
    dialect: str,
    revision: str,
    script: Path | None,
    direction: str = "up",
    name: str = "mig_version_history",
) -> str:
    checksum = (
        "NULL"
        if script is None
        else f"'sha256:{hashlib.sha256(Path(script).read_bytes()).hexdigest()}'"
    )
    user = USER.get(dialect) or f"'{getpass.getuser()}'"
    return (
        f"INSERT INTO {name} (revision, direction, checksum, applied_at, duration_ms, "
        f"applied_by, mig_version) VALUES ('{revision}', '{direction}', {checksum}, "
        f"{APPLIED_AT[dialect][1]}, NULL, {user}, '{__version__}');\n\n"
    )


def script_of(versions: Path, revision: str) -> Path:
    """The revision file whose name holds ``revision``."""
    return next(p for p in Path(versions).glob("*.py") if revision in p.name)
