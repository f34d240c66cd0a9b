"""Named moments of a write (build, ingest), where a crash test can freeze the process and kill it.

A test that kills a build after a random delay tests nothing on a machine fast enough to finish
first. So each step of a write after which different things are on disk calls :func:`reached`
with its name. When the environment variable ``KG_STOP_AT`` names that step, the process stops
itself with SIGSTOP; the test, waiting for exactly that (``waitpid`` with ``WUNTRACED``), then
kills it there, whatever the speed of the machine. Outside such tests the variable is unset and
a call costs one environment lookup; nothing here ever sleeps or changes what the write does.
"""

from __future__ import annotations

import os
import signal

__all__ = ["PHASES", "STOP_AT", "reached"]

STOP_AT = "KG_STOP_AT"
"""The environment variable naming the phase at which the process should stop itself."""

PHASES: dict[str, str] = {
    "build:loaded": "the inputs are parsed into memory; nothing is checked or written yet",
    "build:checked": "the checks passed; the inputs may still be being written beside them; inference is to come",
    "build:writing": "the inputs are written to the new generation; the inferred triples and compaction are to come",
    "build:written": "the new generation is complete and closed; live still names the old one",
    "streamed-build:written": (
        "a build that streams event files has written them into the generation it made in its staging folder; "
        "compaction, the move into the store and the swap are to come"
    ),
    "ingest:checked": "the new source is converted and validated; nothing is written",
    "ingest:staged": "its files are in the data folder under hidden temporary names; the store is untouched",
    "store:copied": "a writable copy of the live generation exists and is being changed",
    "store:revised": "the changed copy is checkpointed as the generation to go live; live still names the old one",
    "ingest:swapped": "the store's new generation is live; the staged files are not yet renamed",
    "ingest:renamed-one": "the source text is renamed into place; its annotation is still staged",
}
"""Every phase a crash test can stop at, and what is on disk at that moment."""


def reached(phase: str) -> None:
    """Mark that the write has reached ``phase``; stop the process here if ``KG_STOP_AT`` asks for it."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}; known: {', '.join(PHASES)}")
    if os.environ.get(STOP_AT) == phase:
        os.kill(os.getpid(), signal.SIGSTOP)
