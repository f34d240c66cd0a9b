"""Names as event datasets write them, made joinable: keys, casing, countries, and the entities already known.

ACLED and GDELT name the same actor in more than one way. ACLED dates its state forces by
regime and closes the date when the regime ends, so "Military Forces of Syria (2000-)" in an
older export is "Military Forces of Syria (2000-2024)" in a newer one; GDELT writes names in
capitals ("THE EU") and codes a country as an actor by a three-letter code whose name may be a
demonym ("SYRIAN"). :func:`join_key` and :func:`identity` make such variants one key,
:func:`display_name` gives capitals a sensible case, :func:`country` and :func:`countries_in`
read the table of countries (``countries.tsv``: ISO 3166 codes, which CAMEO uses, names,
adjectives and other spellings), and a :class:`Directory` holds the entities already in the
graph (gazetteer, sources, annotations) by name and kind, so a dataset's "Homs" joins the
place, and its "Iraq" the state.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg import queries
from kg.namespaces import GRAPH, INFERRED_GRAPH, ONTOLOGY
from kg.queries import Runner
from kg.results import SelectResult

__all__ = [
    "Country",
    "Directory",
    "countries",
    "countries_in",
    "country",
    "display_name",
    "identity",
    "join_key",
    "start_year",
]

_REGIME = re.compile(r"\s*\(\s*(\d{4})\s*-\s*(?:\d{4})?\s*\)")
"""An ACLED regime date, "(2000-)" or "(2000-2024)", wherever it stands ("(2015-) Gendarmerie")."""
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 16)
def join_key(name: str) -> str:
    """The key two spellings of one name share: case, spacing and an ACLED regime's end date set aside.

    ACLED dates state forces by regime; a regime's name gains its end year when it ends. The
    start year stays in the key, since it tells regimes apart.

    >>> join_key("Military Forces of Syria (2000-2024)") == join_key("military forces of  Syria (2000-)")
    True
    >>> join_key("Military Forces of Syria (2024-)") == join_key("Military Forces of Syria (2000-)")
    False
    >>> join_key("Police Forces of Mali (2013-2020) Gendarmerie")
    'police forces of mali (2013-) gendarmerie'
    """
    plain = _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()
    return _REGIME.sub(lambda m: f" ({m[1]}-)", plain).strip()


def start_year(name: str) -> str | None:
    """The start year of an ACLED regime name ("(2000-2024)" gives "2000"), else None.

    >>> start_year("Police Forces of Algeria (1999-)"), start_year("Hezbollah")
    ('1999', None)
    """
    found = _REGIME.search(name)
    return found[1] if found else None


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@functools.lru_cache(maxsize=1 << 16)
def identity(name: str) -> str:
    """An IRI-safe identity for a name, the same for its spellings: accents, case and punctuation set aside.

    A name in a script without Latin letters keeps its identity through a short hash, so two
    Arabic names never share one.

    >>> identity("Military Forces of Syria (2000-2024)")
    'military-forces-of-syria-2000'
    >>> identity("Ḩamāh"), identity("Al-Bab") == identity("al Bab")
    ('hamah', True)
    """
    key = join_key(name)
    plain = re.sub(r"[^a-z0-9]+", "-", _ascii(key)).strip("-")
    letters = sum(ch.isalnum() for ch in key)
    if not plain or len(plain.replace("-", "")) < letters / 2:
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        plain = f"{plain}-{digest}" if plain else f"n{digest}"
    return plain


_ACRONYMS = frozenset(
    """AU ASEAN BBC CIA CNN ECOWAS EU FBI FSA FSB HTS IAEA ICC ICRC IDF IDP IDPS IGAD IMF IRGC ISI ISIL ISIS KGB
    LGBT MSF NATO NGO OAS OPEC OSCE PKK PLO PYD SDF UAE UK UN UNHCR UNICEF UNSC US USA USSR WFP WHO YPG""".split()
)
_SMALL = frozenset("a an and as at by de del des du for in la le of on or the to von".split())
_PARTICLES = frozenset("al el bin ibn abu".split())


def display_name(name: str) -> str:
    """A name in capitals ("THE EU", "ABU BAKR AL-BAGHDADI") in a sensible case; other names unchanged.

    >>> display_name("THE EU"), display_name("ABU BAKR AL-BAGHDADI"), display_name("MINISTRY OF DEFENCE")
    ('The EU', 'Abu Bakr al-Baghdadi', 'Ministry of Defence')
    >>> display_name("Hayat Tahrir al-Sham")
    'Hayat Tahrir al-Sham'
    """
    if not name.isupper():
        return name

    def part(word: str, first: bool) -> str:
        if word in _ACRONYMS:
            return word
        lower = word.lower()
        if not first and (lower in _SMALL or lower in _PARTICLES):
            return lower
        if len(word) <= 4 and word.isalpha() and not re.search(r"[AEIOUY]", word):
            return word  # no vowel: an acronym ("PKK", "SDF")
        elided = re.match(r"^([a-z])(['’])([a-z])(.*)$", lower)  # O'Brien, D'Souza
        if elided:
            return elided[1].upper() + elided[2] + elided[3].upper() + elided[4]
        return lower[:1].upper() + lower[1:]

    words = []
    for index, word in enumerate(name.split()):
        pieces = word.split("-")
        words.append("-".join(part(p, index == 0 and i == 0) for i, p in enumerate(pieces)))
    return " ".join(words)


@dataclass(frozen=True)
class Country:
    """A country or territory: its code, its name, the adjective for its people, its other names."""

    code: str
    name: str
    adjective: str
    names: tuple[str, ...]
    state: bool
    codes: tuple[str, ...] = ()
    capital: str = ""


@cache
def countries() -> tuple[Country, ...]:
    """Every country and territory in ``countries.tsv``."""
    rows = []
    path = Path(__file__).with_name("countries.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, adjective, names, kind, codes, capital = line.split("\t")
        rows.append(
            Country(
                code,
                name,
                adjective,
                tuple(n.strip() for n in names.split(";") if n.strip()),
                kind == "state",
                tuple(c.strip() for c in codes.split(";") if c.strip()),
                capital.strip(),
            )
        )
    return tuple(rows)


@cache
def _by_code() -> dict[str, Country]:
    return {code: c for c in countries() for code in (c.code, *c.codes)}


@cache
def _by_name() -> dict[str, tuple[Country, ...]]:
    found: dict[str, list[Country]] = defaultdict(list)
    for c in countries():
        for name in {c.name, *c.names, *((c.adjective,) if c.adjective else ())}:
            key = " ".join(re.sub(r"[^a-z0-9]+", " ", _ascii(name)).split())
            if c not in found[key]:
                found[key].append(c)
    return {key: tuple(value) for key, value in found.items()}


def country(code_or_name: str) -> Country | None:
    """The country with this code (ISO 3166 alpha-3, as CAMEO writes it) or this name; None if none or several.

    >>> country("SYR").name, country("Syrian Arab Republic").code, country("syrian").code
    ('Syria', 'SYR', 'SYR')
    >>> country("AFR") is None  # CAMEO's code for Africa, a region
    True
    """
    text = code_or_name.strip()
    if text.upper() in _by_code() and len(text) == 3:
        return _by_code()[text.upper()]
    found = _by_name().get(" ".join(re.sub(r"[^a-z0-9]+", " ", _ascii(text)).split()), ())
    return found[0] if len(found) == 1 else None


@cache
def _longest_name() -> int:
    """Words in the longest country name: how far :func:`countries_in` looks ahead."""
    return max(len(key.split()) for key in _by_name())


@functools.lru_cache(maxsize=1 << 16)
def countries_in(text: str) -> frozenset[str]:
    """The codes of the countries a name mentions, by name, other name or adjective, longest match first.

    >>> sorted(countries_in("Protesters (Iraq)")), sorted(countries_in("Military Forces of South Sudan (2011-)"))
    (['IRQ'], ['SSD'])
    >>> sorted(countries_in("Syrian Democratic Forces")), sorted(countries_in("Hayat Tahrir al-Sham"))
    (['SYR'], [])
    """
    words = re.sub(r"[^a-z0-9]+", " ", _ascii(text)).split()
    names = _by_name()
    longest = _longest_name()
    found: set[str] = set()
    at = 0
    while at < len(words):
        for size in range(min(longest, len(words) - at), 0, -1):
            match = names.get(" ".join(words[at : at + size]))
            if match:
                found.update(c.code for c in match)
                at += size
                break
        else:
            at += 1
    return frozenset(found)


KINDS = {"actor": ONTOLOGY + "Actor", "place": ONTOLOGY + "Place"}
"""The kinds of entity a dataset's names can join, by the top class of the ontology each belongs to."""


class Directory:
    """The entities a dataset's names may join, by name and kind (actor or place).

    Built from the store without the event datasets' own graphs, so that what a file's names
    join does not depend on which other event files were read first: :meth:`of_store` at import
    time, and the same from the loaded files (plus the entities annotations declare) at build
    time. A name that several entities of the kind share joins none of them.
    """

    def __init__(self, class_kinds: dict[str, frozenset[str]] | None = None, armed_classes: Iterable[str] = ()) -> None:
        self._names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._class_kinds = class_kinds or {}
        self._armed_classes = frozenset(armed_classes)
        self._armed: set[str] = set()

    def add(self, entity: str, names: Iterable[str], kinds: Iterable[str], *, armed: bool = False) -> None:
        """Let ``names`` find ``entity`` as each of ``kinds`` ("actor", "place"); ``armed`` if it is an armed actor."""
        for name in names:
            for kind in kinds:
                self._names[join_key(name)][kind].add(entity)
        if armed:
            self._armed.add(entity)

    def kinds_of(self, cls: str) -> frozenset[str]:
        """The kinds an ontology class (IRI or local name) belongs to."""
        return self._class_kinds.get(cls if ":" in cls else ONTOLOGY + cls, frozenset())

    def is_armed_class(self, cls: str) -> bool:
        """Whether an ontology class (IRI or local name) is one of armed or state actors."""
        return (cls if ":" in cls else ONTOLOGY + cls) in self._armed_classes

    def armed(self, name: str) -> bool | None:
        """Whether the known actor ``name`` joins is armed (an armed group, military unit, state or government); None
        when it joins none."""
        entity = self.find((name,), "actor")
        return None if entity is None else entity in self._armed

    def find(self, names: Iterable[str], kind: str) -> str | None:
        """The one entity of ``kind`` the first of ``names`` to name exactly one entity of that kind, else None."""
        for name in names:
            found = self._names.get(join_key(name), {}).get(kind, set())
            if len(found) == 1:
                return next(iter(found))
        return None

    @classmethod
    def of_store(cls, store: Runner) -> Directory:
        """The entities of ``store`` outside the event datasets' graphs and the inferred graph."""
        skip = {INFERRED_GRAPH, GRAPH + "analysis"}
        events = store.run(queries.internal_query("internal/event-graphs"))
        assert isinstance(events, SelectResult)
        skip |= {row[0].value for row in events.rows}  # type: ignore[union-attr]
        classes = store.run(queries.internal_query("internal/class-kinds"))
        assert isinstance(classes, SelectResult)
        top = {iri: kind for kind, iri in KINDS.items()}
        class_kinds: dict[str, set[str]] = defaultdict(set)
        armed_classes = set()
        for cls_term, kind_term in classes.rows:
            if kind_term.value == "armed":  # type: ignore[union-attr]
                armed_classes.add(cls_term.value)  # type: ignore[union-attr]
            else:
                class_kinds[cls_term.value].add(top[kind_term.value])  # type: ignore[union-attr]
        directory = cls({key: frozenset(value) for key, value in class_kinds.items()}, armed_classes)
        types: dict[str, set[str]] = defaultdict(set)
        typed = store.run(queries.internal_query("internal/entity-types"))
        assert isinstance(typed, SelectResult)
        for entity, cls_term in typed.rows:
            types[entity.value].add(cls_term.value)  # type: ignore[union-attr]
        names = store.run(queries.internal_query("internal/entity-names-by-graph"))
        assert isinstance(names, SelectResult)
        for entity, name, graph in names.rows:
            if graph.value in skip:  # type: ignore[union-attr]
                continue
            entity_classes = types.get(entity.value, set())  # type: ignore[union-attr]
            kinds = set().union(*(class_kinds.get(c, ()) for c in entity_classes))
            if kinds:
                armed = bool(entity_classes & armed_classes)
                directory.add(entity.value, [name.value], kinds, armed=armed)  # type: ignore[union-attr]
        return directory
