"""RDF terms as people and pandas read them: short IRIs, plain values.

>>> import pyoxigraph as ox
>>> display(ox.NamedNode("https://w3id.org/conflict-kg/id/homs"))
'kge:homs'
>>> to_python(ox.Literal("2024-12-07", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")))
datetime.date(2024, 12, 7)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from kg.namespaces import XSD, compact

__all__ = ["Term", "display", "shorten", "to_python"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}


def to_python(term: Term | None) -> object:
    """A Python value for a term: compact IRI string, int, float, Decimal, bool, date, or str."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Triple):
        return display(term)
    datatype = term.datatype.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype == XSD + "decimal":
            return Decimal(term.value)
        if datatype in (XSD + "double", XSD + "float"):
            return float(term.value)
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == XSD + "date":
            return dt.date.fromisoformat(term.value)
        if datatype == XSD + "dateTime":
            return dt.datetime.fromisoformat(term.value)
    except (ValueError, InvalidOperation):
        pass  # an ill-typed literal is shown as written
    return term.value


def display(term: Term | None) -> str:
    """The text of a term for a table cell: compact IRI, ``_:id``, or the literal's value."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return f"<< {display(term.subject)} {display(term.predicate)} {display(term.object)} >>"
    return term.value


def shorten(text: str, width: int = 80) -> str:
    """One line of at most ``width`` characters, for messages.

    >>> shorten("a\\nb" + "c" * 100, 10)
    'a⏎bcccccc…'
    """
    flat = text.replace("\r\n", "⏎").replace("\n", "⏎")
    return flat if len(flat) <= width else flat[: width - 1] + "…"
