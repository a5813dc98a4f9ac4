"""Offline output and its encoding: binary streams, a file the command names, stdout with
``output_encoding``, and the one-line errors for a bad encoding or an unencodable text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from steps_source import Chain

from mig.ops import op
from mig.runtime import ConfigurationError, EnvironmentContext, StepFailed, __version__, context


def chain() -> Chain:
    def up1():
        op.execute("INSERT INTO notes (body) VALUES ('café ☕')")

    return Chain([("r1", up1, lambda: None)])


EXPECTED = (
    "-- Running upgrade r0 -> r1\n\n"
    "INSERT INTO notes (body) VALUES ('café ☕');\n\n"
    "UPDATE mig_version SET version_num='r1' WHERE mig_version.version_num = 'r0';\n\n"
    "INSERT INTO mig_version_history (revision, direction, checksum, applied_at, duration_ms, "
    "applied_by, mig_version) VALUES ('r1', 'up', NULL, UTC_TIMESTAMP(), NULL, CURRENT_USER(), "
    f"'{__version__}');\n\n"
)


def offline(buffer=None, encoding=None, **command_opts) -> None:
    """One offline run from r0 (a range, so no version-table DDL) to r1 on MariaDB."""
    source = chain()
    source.ids.insert(0, "r0")
    source.revisions.insert(0, ("r0", lambda: None, lambda: None))
    with EnvironmentContext(
        None,
        source,
        as_sql=True,
        starting_rev="r0",
        fn=lambda h, c: source.plan_upgrade(h, "head"),
        **command_opts,
    ):
        context.configure(url="mariadb://", output_buffer=buffer, output_encoding=encoding)
        with context.begin_transaction():
            context.run_migrations()


def test_text_buffer_gets_text() -> None:
    buffer = io.StringIO()
    offline(buffer, encoding="utf-16")  # a text stream keeps its own encoding
    assert buffer.getvalue() == EXPECTED


def test_binary_buffer_is_encoded_with_output_encoding() -> None:
    buffer = io.BytesIO()
    offline(buffer, encoding="utf-16-le")
    assert buffer.getvalue() == EXPECTED.encode("utf-16-le")


def test_binary_buffer_defaults_to_utf8() -> None:
    buffer = io.BytesIO()
    offline(buffer)
    assert buffer.getvalue() == EXPECTED.encode("utf-8")


def test_output_file_named_by_the_command(tmp_path: Path) -> None:
    target = tmp_path / "upgrade.sql"
    offline(output_file=str(target), output_encoding="utf-16")
    assert target.read_bytes() == EXPECTED.encode("utf-16")


def test_output_file_is_shared_by_every_configure(tmp_path: Path) -> None:
    """A multi-database env.py configures once per database: all of it lands in one file."""
    target = tmp_path / "all.sql"
    source = chain()
    with EnvironmentContext(
        None,
        source,
        as_sql=True,
        output_file=target,
        fn=lambda h, c: source.plan_upgrade(h, "head"),
    ) as env:
        for url in ("mariadb://", "postgresql://"):
            context.configure(url=url, output_encoding="latin-1")
            context.static_output(f"-- {url}")
        assert not env._output_file.closed
    assert env._output_file is None
    assert target.read_bytes() == b"-- mariadb://\n\n-- postgresql://\n\n"


def test_stdout_with_output_encoding(capsysbinary) -> None:
    offline(encoding="utf-16-le")  # no buffer: stdout, as `mig upgrade --sql` writes
    assert capsysbinary.readouterr().out == EXPECTED.encode("utf-16-le")


def test_unencodable_text_names_the_encoding() -> None:
    with pytest.raises(StepFailed) as info:
        offline(io.BytesIO(), encoding="latin-1")
    assert str(info.value) == (
        "upgrade of revision r1 failed: output_encoding 'latin-1' cannot encode '☕' in: "
        "INSERT INTO notes (body) VALUES ('café ☕');"
    )


def test_unknown_encoding_names_the_option() -> None:
    with pytest.raises(ConfigurationError, match=r"^output_encoding 'klingon' is not a known"):
        offline(io.BytesIO(), encoding="klingon")


def test_unwritable_output_file_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir.sql"
    with pytest.raises(ConfigurationError, match=r"^output_file '.*dir\.sql': cannot write it"):
        offline(output_file=str(missing))
