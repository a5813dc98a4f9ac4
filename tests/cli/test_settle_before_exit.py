"""The console script's last step before exit (mig.cli.main.settle_before_exit): garbage
cycles are still finalized, what is alive is frozen, the exit code is unchanged."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

MIG = str(Path(sys.executable).with_name("mig"))

# A cycle with a finalizer, dropped before exit: its __del__ leaves a mark in a file.
PROGRAM = textwrap.dedent(
    """
    import gc, sys

    class Holder:
        def __del__(self):
            with open(sys.argv[1], "w") as fh:
                fh.write("finalized")

    holder = Holder()
    holder.me = holder
    del holder
    if sys.argv[2] == "settle":
        from mig.cli.main import settle_before_exit
        settle_before_exit()
        print(gc.get_freeze_count() > 0, len(gc.garbage))
    else:
        gc.freeze()  # what a bare freeze would do: the cycle is never finalized
    """
)


def finalized(tmp_path: Path, mode: str) -> tuple[bool, str]:
    mark = tmp_path / f"mark-{mode}"
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(mark), mode],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return mark.exists(), proc.stdout.strip()


def test_a_dropped_cycle_is_still_finalized_and_the_rest_frozen(tmp_path: Path) -> None:
    assert finalized(tmp_path, "settle") == (True, "True 0")
    assert finalized(tmp_path, "freeze") == (False, "")  # the test can tell the difference


def test_the_console_script_keeps_its_exit_codes(tmp_path: Path) -> None:
    ok = subprocess.run([MIG, "--version"], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("mig, version")
    missing = subprocess.run(
        [MIG, "-c", str(tmp_path / "absent.ini"), "current"], capture_output=True, text=True
    )
    assert missing.returncode == 2, missing.stderr
    assert missing.stderr.startswith("mig: error:")
