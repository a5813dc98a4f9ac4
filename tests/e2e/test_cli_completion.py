"""Shell completion (click's): revision arguments complete ids, branch labels and the
keywords from the header cache, through the real console script as a shell calls it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .conftest import MIG, Project


def _complete(root: Path, words: str, shell: str = "bash") -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {
        **os.environ,
        "_MIG_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
    }
    proc = subprocess.run([MIG], cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return [line.split(",", 1)[1] for line in proc.stdout.splitlines() if line]


def test_revision_arguments_complete_ids_labels_and_keywords(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, f"sqlite:///{root / 'app.db'}", in_process=True)
    project.init()
    project.revision("ae1027", "start", "pass", "pass")
    project.revision("bf2038", "accounts", "pass", "pass")
    project.mig(
        "revision",
        "-m",
        "reports",
        "--head",
        "base",
        "--branch-label",
        "reports",
        "--rev-id",
        "c03049",
    )
    everything = [
        "head",
        "heads",
        "base",
        "bf2038",
        "ae1027",
        "c03049",
        "reports@head",
        "reports@base",
    ]
    assert _complete(root, "mig upgrade ") == everything
    assert _complete(root, "mig downgrade ae") == ["ae1027"]
    assert _complete(root, "mig stamp rep") == ["reports@head", "reports@base"]
    assert _complete(root, "mig show b") == ["base", "bf2038"]
    assert _complete(root, "mig history -r ae1027:h") == ["ae1027:head", "ae1027:heads"]
    assert _complete(root, "mig revision --head c0") == ["c03049"]
    assert _complete(root, "mig merge heads b") == ["base", "bf2038"]
    # the script is never imported and the database never touched
    assert not (root / "app.db").exists()


def test_no_project_completes_nothing_quietly(tmp_path: Path) -> None:
    assert _complete(tmp_path, "mig upgrade ") == []


def test_the_activation_script_is_clicks(tmp_path: Path) -> None:
    env = {**os.environ, "_MIG_COMPLETE": "bash_source"}
    proc = subprocess.run([MIG], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0
    assert "_mig_completion()" in proc.stdout and "_MIG_COMPLETE=bash_complete" in proc.stdout
