"""When a word in a text names an entity: the one rule that extraction and the checks on new aliases share.

A long name ("Hayat Tahrir al-Sham", "Damascus") is matched whatever its case, since reports
write names in capitals, lower case and title case alike. A short name or one that is also a
common English word ("IS" for Islamic State, "US", "Many") would then match ordinary words
("is", "us", "many"), so it is matched only as written: case-sensitively, as whole tokens.
"""

from __future__ import annotations

from functools import cache

__all__ = ["SHORT", "exact_only", "is_common_word"]

SHORT = 3
"""Names of at most this many characters are matched only as written."""


def exact_only(name: str) -> bool:
    """Whether ``name`` must be matched case-sensitively, as whole tokens.

    >>> [exact_only(n) for n in ("IS", "US", "Many", "Hezbollah", "Hayat Tahrir al-Sham")]
    [True, True, True, False, False]
    """
    return len(name.strip()) <= SHORT or is_common_word(name)


def is_common_word(name: str) -> bool:
    """Whether ``name`` is, ignoring case, a common English word (spaCy's English stop words).

    >>> is_common_word("Us"), is_common_word("Homs")
    (True, False)
    """
    return name.strip().lower() in _common_words()


@cache
def _common_words() -> frozenset[str]:
    """spaCy's English stop words, read from their module alone: importing spaCy to get them took 1.5 s
    of every `kg ingest` (its package loads its whole pipeline machinery); the list is plain data."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("spacy")  # finds the package without importing it
    assert spec is not None and spec.origin is not None, "spacy is a dependency of kg"
    namespace: dict[str, object] = {}
    source = Path(spec.origin).with_name("lang") / "en" / "stop_words.py"
    exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), namespace)  # noqa: S102
    return frozenset(namespace["STOP_WORDS"])  # type: ignore[arg-type]
