"""Killed mid-write, the store is always the old one or the new one, opens cleanly and answers.

Each kill happens at a named phase of the write (:mod:`kg.phases`): the process is started with
``KG_STOP_AT=<phase>``, stops itself there, the test sees it stopped and kills it. So every
phase is hit on every run, on a fast machine as on a loaded one, and each test checks that its
kills really happened. A few more kills at random fractions of a build's or an ingest's own
measured duration cover the moments between the phases; those may find the process finished,
and the invariants are checked either way.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import kg
from kg import phases, synth
from tests.helpers import ROOT

KG = str(Path(sys.executable).with_name("kg"))
TEXT, ANNOTATION = ROOT / "tests" / "data" / "second-report.txt", ROOT / "tests" / "data" / "second-report.yaml"
DEADLINE = 600.0
"""Seconds a write may take to reach its phase before it is killed as hung: generous, for a loaded machine;
the tests wait for the stop itself, never for the clock."""

BUILD_PHASES = [p for p in phases.PHASES if p.startswith("build:")]
INGEST_PHASES = [p for p in phases.PHASES if p.startswith(("ingest:", "store:"))]
STREAMED_BUILD_PHASES = ["build:loaded", "build:written", "streamed-build:written"]
"""Where a streamed build is killed: the first two are reached in the build of the rest, in its staging folder."""


def answers(store: Path) -> int:
    """The store opens and answers; returns how many sources it holds."""
    opened = kg.open_store(store)
    assert opened.query("ASK { kge:hts kg:captured kge:homs }") is True
    result = opened.query("sources")
    assert isinstance(result, kg.SelectResult)
    return len(result)


def stop_and_kill(
    command: list[str], phase: str, env: dict[str, str], while_stopped: Callable[[], None] | None = None
) -> None:
    """Run ``command`` until it stops itself at ``phase``, then SIGKILL it there; fail if it never gets there.

    ``while_stopped`` runs while the process is frozen at the phase, before the kill.
    """
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a full pipe would block the process
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=errors, env={**env, phases.STOP_AT: phase}
        )
        # A hung write is killed after the (generous) deadline, so the test fails instead of hanging
        watchdog = threading.Timer(DEADLINE, process.kill)
        watchdog.start()
        try:
            _, status = os.waitpid(process.pid, os.WUNTRACED)  # returns when it stops at the phase, or ends
            hung = not watchdog.is_alive()
            watchdog.cancel()
            if not os.WIFSTOPPED(status):  # it ended without stopping: the phase was never reached
                process.returncode = os.waitstatus_to_exitcode(status)
                if hung:
                    pytest.fail(f"kg {command[1]} did not reach phase {phase} in {DEADLINE:.0f} s")
                errors.seek(0)
                said = errors.read().decode(errors="replace")
                pytest.fail(f"kg {command[1]} ended ({process.returncode}) before phase {phase}: {said}")
            if while_stopped is not None:
                while_stopped()
            process.send_signal(signal.SIGKILL)
            assert process.wait() == -signal.SIGKILL
        finally:
            if process.returncode is None:
                process.kill()
                process.wait()


def timed(command: list[str], env: dict[str, str]) -> float:
    """How long ``command`` takes here, now: the scale of the random kills that follow."""
    started = time.monotonic()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.monotonic() - started


def kill_after(command: list[str], seconds: float, env: dict[str, str]) -> int:
    """Start ``command``, SIGKILL it after ``seconds`` unless it has ended; its exit code."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """The seed plus synthetic sources, so the new generation is written in more than a moment."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    synth.generate(data / "synthetic", relations=3000, seed=1)
    store = tmp_path / "store"
    kg.build([ROOT / "ontology", data], store_path=store)
    env = {k: v for k, v in os.environ.items() if k != phases.STOP_AT}
    return data, store, {**env, "KG_STORE": str(store)}


def test_every_phase_is_stopped_at_by_one_crash_test() -> None:
    assert sorted(BUILD_PHASES + INGEST_PHASES + ["streamed-build:written"]) == sorted(phases.PHASES)


def test_builds_killed_at_every_phase(workspace: tuple[Path, Path, dict[str, str]]) -> None:
    data, store, env = workspace
    command = [KG, "build", str(ROOT / "ontology"), str(data)]
    before = answers(store)
    live = (store / "live").read_text()
    for phase in BUILD_PHASES:
        stop_and_kill(command, phase, env)
        assert (store / "live").read_text() == live, phase  # still the old generation
        assert answers(store) == before, phase
    assert len(list((store / "generations").iterdir())) > 2  # the killed builds left their generations behind
    rng = random.Random(20241208)
    duration = timed(command, env)
    for _ in range(3):
        assert kill_after(command, rng.uniform(0.05, 0.95) * duration, env) in (0, -signal.SIGKILL)
        assert answers(store) == before
    assert kg.build([ROOT / "ontology", data], store_path=store).sources == before  # the lock was released
    assert len(list((store / "generations").iterdir())) <= 2  # leftovers are cleared by the next build


@pytest.mark.parametrize(
    ("command", "phase"),
    [
        (["build", str(ROOT / "ontology"), "DATA"], "build:written"),
        (["ingest", str(TEXT), str(ANNOTATION), "--data", "DATA"], "store:revised"),
    ],
    ids=["build", "ingest"],
)
def test_no_writer_holds_a_generation_when_it_goes_live(
    workspace: tuple[Path, Path, dict[str, str]], command: list[str], phase: str
) -> None:
    """A database still open for writing when it goes live compacts and deletes its own files under the
    readers: a server's worker that opened it failed with "No such file" (and an ingest that copied it next)."""
    import pyoxigraph as ox

    data, store, env = workspace
    live = (store / "live").read_text().strip()

    def nobody_holds_the_new_generation() -> None:
        (new,) = [g for g in (store / "generations").iterdir() if g.name != live and not g.name.endswith(".work")]
        ox.Store(str(new))  # a writable open takes the database's lock: it fails while a writer holds it

    argv = [KG, *(str(data) if a == "DATA" else a for a in command)]
    stop_and_kill(argv, phase, env, nobody_holds_the_new_generation)


def padded_acled(path: Path, rows: int) -> Path:
    """An ACLED export of ``rows`` rows whose notes are long enough (115 KB) that 80 rows pass the 8 MB above
    which a build streams event files, and are streamed in about a second."""
    import csv
    import io

    from benchmarks.event_files import acled_file

    table = list(csv.reader(io.StringIO(acled_file(path, rows).read_text(encoding="utf-8"))))
    notes = table[0].index("notes")
    for row in table[1:]:
        row[notes] += " More detail follows." * 5_500
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)
    return path


def test_streamed_builds_killed_midway_leave_the_store_and_their_staging_is_cleared(tmp_path: Path) -> None:
    """A build that streams its event files works in a staging folder inside the store's: killed there, in the
    rest's build, after it or after the rows, it leaves the live store as it was; the next build clears it."""
    from kg.build import STREAM_EVENTS_ABOVE

    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(ROOT / "data", data)
    assert padded_acled(data / "padded.acled.csv", 80).stat().st_size > STREAM_EVENTS_ABOVE
    kg.build([ROOT / "ontology", ROOT / "data"], store_path=store)
    env = {**{k: v for k, v in os.environ.items() if k != phases.STOP_AT}, "KG_STORE": str(store)}
    command = [KG, "build", str(ROOT / "ontology"), str(data)]
    before, live = answers(store), (store / "live").read_text()
    for phase in STREAMED_BUILD_PHASES:
        stop_and_kill(command, phase, env)
        assert (store / "live").read_text() == live, phase
        assert answers(store) == before, phase
        assert [p.name.startswith(".staging-") for p in store.iterdir() if p.name.startswith(".")] == [True], phase
    assert kg.build([ROOT / "ontology", data], store_path=store).sources == before + 80
    assert not [p for p in store.iterdir() if p.name.startswith(".staging-")]
    assert answers(store) == before + 80


def test_ingests_killed_at_every_phase(workspace: tuple[Path, Path, dict[str, str]]) -> None:
    data, store, env = workspace
    command = [KG, "ingest", str(TEXT), str(ANNOTATION), "--data", str(data)]
    yaml, text = data / "second-report.yaml", data / "second-report.txt"  # source.text: beside it
    before = answers(store)
    for phase in INGEST_PHASES:
        kg.build([ROOT / "ontology", data], store_path=store)  # back to the store without the report
        assert answers(store) == before
        stop_and_kill(command, phase, env)
        swapped = phase in ("ingest:swapped", "ingest:renamed-one")
        assert answers(store) == before + swapped, phase  # without the new report, or with all of it: never half
        assert yaml.exists() is False, phase  # the annotation lands last, after the store has the source
        assert text.exists() is (phase == "ingest:renamed-one"), phase
        assert kg.build([ROOT / "ontology", data], store_path=store).sources == before  # staged files are not read
    rng = random.Random(7)
    duration = timed(command, env)  # a whole ingest; from here on the report is in the store and the data folder
    after = answers(store)
    assert after == before + 1 and yaml.exists()
    for _ in range(3):
        assert kill_after(command, rng.uniform(0.05, 0.95) * duration, env) in (0, -signal.SIGKILL)
        assert answers(store) == after  # re-ingesting the same report replaces it: old or new, the same count
    rebuilt = kg.build([ROOT / "ontology", data], store_path=store)
    assert rebuilt.sources == after
    leftovers = [p.name for p in data.rglob(".*.tmp")]
    assert all(name.startswith(".second-report.") for name in leftovers)  # hidden, and builds skip them
