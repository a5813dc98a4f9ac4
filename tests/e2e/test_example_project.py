"""The README's example project stays valid: its migrations record, and the Quick start
script prints them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mig.ops import record_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blog"


def test_every_example_migration_records_both_ways() -> None:
    scripts = sorted((EXAMPLE / "migrations" / "versions").glob("*.py"))
    assert len(scripts) == 3
    for script in scripts:
        assert record_file(script, "upgrade"), script.name
        assert record_file(script, "downgrade"), script.name


def test_quick_start_script_prints_the_chain_in_order() -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLE / "show_directives.py"), "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["revision"] for line in lines] == ["1a2b3c4d5e6f", "2b3c4d5e6f7a", "3c4d5e6f7a8b"]
    assert [d["op"] for d in lines[1]["upgrade"]] == [
        "create_table",
        "create_index",
        "bulk_insert",
        "bulk_insert",
    ]
    batch = lines[2]["upgrade"][0]
    assert batch["op"] == "batch_alter_table" and [d["op"] for d in batch["ops"]] == [
        "add_column",
        "create_index",
    ]
