"""Progress on long work: drawn on a terminal, not one byte in a pipe, silenced by --quiet.

Each command runs as the user runs it, in a process of its own: once with stderr on a real
pseudo-terminal (``pty``), where the steps it is doing must appear, and once with stderr on a
pipe, where stderr must stay empty. The output of the terminal is read until the process has
ended and closed it, never for a fixed time.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.event_files import acled_file
from tests.helpers import ROOT

KG = [sys.executable, "-c", "import sys; from kg.cli import main; sys.argv[0] = 'kg'; main()"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KG_QUIET", "NO_COLOR", "KG_STOP_AT")}
    return {**env, "TERM": "xterm-256color", "COLUMNS": "120", "PYTHONPATH": str(ROOT)}


def on_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run ``kg ARGS`` with stderr on a pseudo-terminal: (exit code, stdout, what it showed, escapes removed)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([*KG, *args], stdout=subprocess.PIPE, stderr=follower, env=environment())
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    out, _ = process.communicate()
    return process.returncode, out.decode(), ANSI.sub("", shown.decode(errors="replace"))


def in_a_pipe(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], capture_output=True, text=True, env=environment())


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("progress")
    acled_file(root / "events.csv", 300, seed=3)
    return root, root / "events.csv"


def test_a_build_on_a_terminal_shows_its_steps(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    code, out, shown = on_terminal(["--store", str(root / "a"), "build", str(ROOT / "ontology"), str(ROOT / "data")])
    assert code == 0, shown
    assert out.startswith("Built ")
    for step in ("reading the inputs", "checking", "inferring", "writing the store", "compacting"):
        assert step in shown, (step, shown[-2000:])


def test_a_build_in_a_pipe_writes_nothing_more(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    done = in_a_pipe(["--store", str(root / "b"), "build", str(ROOT / "ontology"), str(ROOT / "data")])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built ") and done.stdout.count("\n") == 1
    assert done.stderr == ""


def test_quiet_silences_the_terminal_too(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    code, out, shown = on_terminal(
        ["--quiet", "--store", str(root / "c"), "build", str(ROOT / "ontology"), str(ROOT / "data")]
    )
    assert code == 0 and out.startswith("Built ")
    assert shown.strip() == ""


def test_an_import_on_a_terminal_shows_its_rows_and_a_pipe_gets_none(folders: tuple[Path, Path]) -> None:
    root, events = folders
    data = root / "data"
    subprocess.run(["cp", "-r", str(ROOT / "data"), str(data)], check=True)
    store = root / "d"
    assert in_a_pipe(["--store", str(store), "build", str(ROOT / "ontology"), str(data)]).returncode == 0
    code, out, shown = on_terminal(["--store", str(store), "import", "acled", str(events), "--data", str(data)])
    assert code == 0, shown
    assert out.startswith("Imported kgg:acled-events: 300 events")
    assert "reading events.acled.csv" in shown and "relating acled events" in shown
    again = in_a_pipe(["--store", str(store), "import", "acled", str(events), "--data", str(data)])
    assert again.returncode == 0 and again.stdout.startswith("Replaced kgg:acled-events")
    assert again.stderr == ""


def test_synth_and_export_on_a_terminal(folders: tuple[Path, Path]) -> None:
    root, _ = folders
    code, _, shown = on_terminal(["synth", "--triples", "3000", "--seed", "2", "-o", str(root / "synth")])
    assert code == 0 and "writing sources" in shown
    code, _, shown = on_terminal(
        ["--store", str(root / "a"), "export", "--format", "graphml", "-o", str(root / "g.xml")]
    )
    assert code == 0 and "projecting the store" in shown and "writing graphml" in shown
    piped = in_a_pipe(["--store", str(root / "a"), "export", "--format", "nq", "-o", str(root / "all.nq")])
    assert piped.returncode == 0 and piped.stderr == f"wrote {root / 'all.nq'}\n"


def test_scoring_the_gold_reports_shows_each_report_and_a_pipe_gets_the_table_alone(built_store: Path) -> None:
    gold = ROOT / "tests" / "data" / "extraction" / "ukraine-kherson-2022.gold.yaml"
    args = ["--store", str(built_store), "extract", "--gold", str(gold)]
    code, out, shown = on_terminal(args)
    assert code == 0 and "extracting from ukraine-kherson-2022" in shown and "ukraine-kherson-2022" in out
    piped = in_a_pipe(args)
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout == out
