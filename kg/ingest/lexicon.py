"""The extraction lexicon (``lexicon.tsv``): which words state which relation, with their provenance.

Kept as data so it can be reviewed and extended without reading code: one line per lemma and
frame, each citing where it comes from (a WordNet 3.0 sense, or kg's own addition). The frame
says where the relation's subject and object sit relative to the trigger word (see the file's
header); voice is handled by the reader (:mod:`kg.ingest.frames`), so each verb is listed once,
in the active.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["ATTACKS", "Entry", "ROLES", "entries", "by_lemma"]

PATH = Path(__file__).with_name("lexicon.tsv")

ROLES = frozenset({"subj", "obj", "by", "self", "mod", "between", "people", "governed", "attacker"})
"""Roles that are not prepositions; any other role names the preposition whose object fills it.

``people`` is the grammatical subject when it names civilians or a person: verbs of plain movement
("headed to", "crossed into") state flight of them, and nothing of an armed group. ``governed`` is the
subject of the clause whose preposition governs the noun ("Tarhuna remained under the control of X"), for
nouns keyed with that preposition ("under control"). ``attacker`` is who made the attack a verb with no object
happened in ("died when X shelled Y", "died in an X attack")."""


ATTACKS = frozenset({"attacked", "struckFromAir", "shelled"})
"""The predicates of an attack, which the readers of attacks' consequences ("..., killing ten soldiers",
"killed when X bombed") look for."""


@dataclass(frozen=True)
class Entry:
    """One lexicon line: a trigger lemma, the predicate it states, where subject and object are, and why."""

    predicate: str
    pos: str
    """verb, noun or adj (an "X-backed" compound)."""
    lemma: str
    subject: str
    object: str
    provenance: str
    line: int

    def describe(self) -> str:
        """How the entry reads in a draft: ``verb "withdraw" subj -> from (lexicon.tsv:23, wordnet-3.0:...)``."""
        return f'{self.pos} "{self.lemma}" {self.subject} -> {self.object} (lexicon.tsv:{self.line}, {self.provenance})'


@cache
def entries() -> tuple[Entry, ...]:
    rows = []
    for number, line in enumerate(PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        predicate, pos, lemma, subject, obj, provenance = line.split("\t")
        rows.append(Entry(predicate, pos, lemma, subject, obj, provenance, number))
    return tuple(rows)


@cache
def by_lemma() -> dict[tuple[str, str], tuple[Entry, ...]]:
    """(pos, lemma) -> its entries, in file order."""
    found: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries():
        found[(entry.pos, entry.lemma)].append(entry)
    return {key: tuple(value) for key, value in found.items()}
