"""Progress on long work (build, import, synth, export): what is being done and how far along, on stderr.

Shown only when stderr is a terminal, so a pipe, a file or a CI log gets not one byte more, and
never when ``kg --quiet`` (or :func:`silence`) asked for quiet. The library marks its steps with
:func:`task` whoever calls it; when nothing is shown a step costs a function call, and rich is
imported only when something is drawn. Bars go away when their work is done: what stays on the
terminal is the command's own summary line.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["Task", "shown", "silence", "task"]

QUIET = "KG_QUIET"
"""Set (to anything but empty) in the environment, progress stays off: for child processes of a quiet command."""

_state: dict[str, Any] = {"quiet": False, "progress": None}


def silence(quiet: bool = True) -> None:
    """Turn progress off (or back on) for this process."""
    _state["quiet"] = quiet


def shown() -> bool:
    """Whether progress is drawn: stderr is a terminal and nobody asked for quiet."""
    if _state["quiet"] or os.environ.get(QUIET) or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


class Task:
    """One step of the work; when progress is off every method does nothing."""

    def advance(self, amount: float = 1) -> None:
        """Count ``amount`` more units of the step done."""

    def update(self, *, description: str | None = None, total: float | None = None) -> None:
        """Say what the step is doing now, or how much there is to do."""


class _Shown(Task):
    def __init__(self, progress: Any, task_id: Any) -> None:
        self._progress = progress
        self._id = task_id

    def advance(self, amount: float = 1) -> None:
        self._progress.advance(self._id, amount)

    def update(self, *, description: str | None = None, total: float | None = None) -> None:
        changes: dict[str, Any] = {}
        if description is not None:
            changes["description"] = description
        if total is not None:
            changes["total"] = total
        self._progress.update(self._id, **changes)


_OFF = Task()


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


@contextlib.contextmanager
def task(description: str, total: float | None = None) -> Iterator[Task]:
    """A step of the work, drawn while the block runs (a bar when ``total`` is known, else a spinner and a count).

    Steps nest: one inside another is drawn below it, in the same display.

    >>> with task("counting", total=3) as step:
    ...     step.advance()
    """
    if not shown():
        yield _OFF
        return
    outer = _state["progress"] is None
    if outer:
        _state["progress"] = _progress()
        _state["progress"].start()
    progress = _state["progress"]
    task_id = progress.add_task(description, total=total)
    progress.refresh()  # drawn now, not at the next tick: a step shorter than a tick is still seen
    try:
        yield _Shown(progress, task_id)
    finally:
        progress.remove_task(task_id)
        if outer:
            progress.stop()
            _state["progress"] = None
