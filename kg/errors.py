"""Errors a user can act on.

Every failure the library expects is a :class:`KGError`; the CLI turns it into one line on
stderr and a non-zero exit, and nothing else reaches the user as a traceback::

    KGError                  base class; str(error) is the whole message
    ├── DataError            an input file is malformed or inconsistent (names file and line)
    │   └── AnnotationError  several things wrong in one annotation; .problems lists each
    ├── ValidationError      SHACL or evidence checks failed; .problems lists each one
    ├── QueryError           a SPARQL query or saved query name is wrong
    │   └── ParameterError   a query parameter is missing, malformed or names no entity
    └── StoreError           the store is missing, busy or unreadable
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AnnotationError",
    "DataError",
    "KGError",
    "ParameterError",
    "Problem",
    "QueryError",
    "StoreError",
    "ValidationError",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, worded for the person who has to fix it.

    Defined here, beside the error that carries a list of them, so that both the checks
    (:mod:`kg.validation`) and everything that reports them can import it from the ground floor.
    """

    where: str
    focus: str
    message: str
    check: str

    def __str__(self) -> str:
        return f"{self.where}: {self.focus}: {self.message}"


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class DataError(KGError):
    """An input file cannot be read as RDF, or refers to a source text that is missing or changed."""


class AnnotationError(DataError):
    """An annotation file has one or more problems, each with its file, line and field.

    All of them are found in one pass, so a person fixing the file sees every problem at once;
    ``str(error)`` is the first, with how many more there are.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        super().__init__(str(self.problems[0]) + (f" (and {more} more: see above)" if more else ""))


class ValidationError(KGError):
    """The data parsed, but breaks the shapes or the evidence rules."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"validation found {len(self.problems)} {noun}")


class QueryError(KGError):
    """A query is malformed, or a saved query does not exist."""


class ParameterError(QueryError):
    """A query parameter is missing, malformed, or names no single entity."""


class StoreError(KGError):
    """The store is missing, locked by another writer, or cannot be opened."""
