"""Names in a report: the store's entities, countries and their demonyms, and names kg has never seen.

Extraction needs every name that can fill a relation, known or not, as one unit (so the parser
sees "Rapid Support Forces" as a single proper noun) and with a guess of its kind (actor, place,
person), because the lexicon's frames only accept arguments of the kinds the ontology's domain
and range allow. Sources, in order of trust:

- the gazetteer: every label and alias in the store (short or common ones only as written);
- countries and demonyms (``kg/formats/countries.tsv``): "Syria", "Syrian" -> Syria; a demonym
  before a force noun is one name ("Russian forces", "the Sudanese army");
- runs of capitalised words (with "al-", "bin", "of", "de" inside: "Hayat Tahrir al-Sham",
  "Army of Islam"), not an ordinary English word that merely opens a sentence, and with a title
  ("President", "General") kept out of the name and marking it a person.

Headlines Write Every Word Capitalised, so there only names seen elsewhere in the report count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from kg.formats.names import countries
from kg.names import exact_only

__all__ = ["Gazetteer", "Mention", "capital_of", "demonyms", "find_mentions", "is_headline", "normal"]

TITLES = frozenset(
    """president vice prime minister general gen. gen lt. lt lieutenant colonel col. col major maj. captain
    commander commander-in-chief king queen prince sheikh emir mr mr. mrs ms ms. dr dr. sen. senator governor
    chief marshal field admiral brigadier spokesman spokeswoman spokesperson ambassador envoy secretary
    pope patriarch imam mullah ayatollah maj brig brig. adm adm. capt capt. sgt sgt. cmdr ltg excellency
    h.e. h.e secretary-general director-general rector correspondent cameraman camerawoman photographer
    reporter major-general lieutenant-general brigadier-general lieutenant-colonel highness majesty monsignor miss
    hojjatoleslam nuncio leader chairman lord sir dame presidents leaders commanders ministers""".split()
)
"""Words that introduce a person's name without being part of it ("President Bashar al-Assad")."""

OFFICES = frozenset({"state", "defence", "defense", "interior", "foreign", "finance", "justice", "war"})
"""Offices in a title ("Secretary of State", "Minister of Defence"), not the start of the holder's name."""

CONNECTORS = frozenset(
    "al al- el el- bin ibn abu of de del di da do dos das des du la le los las y van von der the for".split()
)
"""Lower-case words that may sit inside a multi-word name ("Army of Islam", "Democratic Republic of the Congo")."""

FORCE_NOUNS = frozenset(
    """forces force army aviation troops military soldiers navy police government authorities regime militia militias
    fighters rebels jets warplanes aircraft drones artillery paratroopers marines units gunmen formations servicemen
    helicopters warships brigades battalions gunboats bombers""".split()
)
"""Nouns that, after a demonym, name a state's or a people's armed body ("Russian forces")."""

_GROUP_MARKERS = frozenset(
    "islamic jihad haram ansar sunna qaeda shabaab taliban hezbollah militia movement front rebels liberation".split()
)
"""Words that make a name a group's even beside a place's word ("Islamic State", "Sahel Liberation Front")."""

_MEMBERS = frozenset(
    """leader leaders leadership movement officials official militants tribesmen tribes fighter commander commanders
    spokesman group groups insurgents insurgency delegation delegates representatives supporters""".split()
)
"""Nouns for a people's or a group's members, which a name ending in "-i" qualifies ("Houthi leaders")."""

FORCE_ADJECTIVES = frozenset({"armed", "regular", "special", "security", "government", "federal", "regional"})

PLACE_WORDS = frozenset(
    """city town village province governorate region district state county valley mountains mountain
    airport airbase base port harbour bridge sea river strait gulf desert plain plains island islands
    camp square street road highway crossing border oblast raion""".split()
)
ACTOR_WORDS = frozenset(
    """forces force army front brigade brigades movement party council group militia battalion division
    corps committee organisation organization government ministry command alliance coalition guard guards
    police union authority agency observatory network jihad hezbollah rebels wing legion regiment
    service services administration parliament assembly islamic jihad haram ansar sunna qaeda shabaab taliban
    gang gangs cartel navy marines""".split()
)


def _name_words(phrase: str) -> set[str]:
    """A name's words in lower case, letters only: what its kind is read from."""
    return {w.lower() for w in re.findall(r"[A-Za-z]+", phrase)}


def organisational(phrase: str) -> bool:
    """Whether a name's own words say it is a group or a body ("the Velen Front", "Joint Task Force South")."""
    return bool(_name_words(phrase) & (_GROUP_MARKERS | ACTOR_WORDS))


PLACE_PREPOSITIONS = frozenset({"in", "into", "near", "outside", "towards", "toward", "around", "across", "inside"})
"""Words after which an unknown name is most likely a place ("fighting in Khartoum")."""

_NOT_NAMES = frozenset(
    """the a an it its this these those there what we our they their he his she her many while after before
    as at by for from in into on over since under until when where which who with without yet but and or
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec i ii iii
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
    tens dozens hundreds thousands millions if although though
    because during despite following amid according when while meanwhile however""".split()
)
"""Capitalised words that are not names on their own (function words, days, months)."""


@dataclass(frozen=True)
class Gazetteer:
    """Names the extractor knows: the store's labels and aliases, keyed by :func:`normal`, and their kinds."""

    names: Mapping[str, tuple[str, str, frozenset[str]]] = field(default_factory=dict)
    """normal name -> (entity IRI, label, kinds), kinds among actor, place, person, event, weapon."""

    def lookup(self, text: str) -> tuple[str, str, frozenset[str]] | None:
        return self.names.get(text if exact_only(text) else normal(text))


@dataclass(frozen=True)
class Mention:
    """A name in the text: a known entity (with its IRI), a country, or a candidate new entity."""

    text: str
    start: int
    end: int
    entity: str | None
    label: str
    kinds: frozenset[str]
    """actor, place, person, event, weapon: all that apply (Syria is a state and a country); empty when unknown."""
    source: str = "name"
    """How it was found: gazetteer, country, demonym, name, title (a name after a title)."""
    resolved_from: str | None = None
    """For a pronoun or description resolved to an earlier mention: the words in this sentence ("the group")."""
    extra: tuple[str, ...] = ()
    """Other names it went by here: "Haftar's forces" for Haftar standing for his forces."""
    settled: bool = False
    """Listed after a settlement noun's "of" ("the town of Kasi", "the villages of Bira and Sela"): a place, whatever a
    parse of its sentence says."""
    learnt: frozenset[str] = frozenset()
    """Kinds the report taught rather than the name's own words or title: "actor" for a name seen signing or fighting,
    which a person's name may be too."""

    def keys(self) -> frozenset[str]:
        """Every way of naming it, normalised: its words here, its label, and a demonym phrase's force noun."""
        keys = {normal(self.text), normal(self.label), *(normal(e) for e in self.extra)}
        if self.resolved_from and self.resolved_from not in {
            "it",
            "its",
            "they",
            "them",
            "their",
            "he",
            "his",
            "she",
            "the attack",
        }:
            keys.add(self.resolved_from)  # "the government" is how this report names it here
        words = normal(self.text).split()
        if self.source == "demonym" and len(words) > 1:
            keys.add(" ".join(words[1:]))
        if len(words) == 2 and words[0] in _INSTITUTIONS and words[1] in _UNIT_NOUNS and self.text.islower():
            keys.add(words[0])  # "army units", "police units": the army, the police
        return frozenset(k for k in keys if k)


@lru_cache(maxsize=65536)
def normal(text: str) -> str:
    """Lower case, no leading article, no possessive, single spaces: how names are compared.

    Cached: extraction compares each name with every earlier one, about two million calls for a 30,000-character
    report, most of them on the same few hundred names."""
    text = re.sub(r"[’']s$", "", text.strip().lower())
    text = re.sub(r"^(the|a|an)\s+", "", text)
    return " ".join(re.sub(r"[^\w\s-]", " ", text).split())


@cache
def _countries() -> dict[str, tuple[str, str]]:
    """Country names and demonyms (normalised) -> (country name, how: country or demonym)."""
    found: dict[str, tuple[str, str]] = {}
    for c in countries():
        if c.adjective:
            for adjective in c.adjective.split(";"):
                found.setdefault(normal(adjective), (c.name, "demonym"))
        for name in (c.name, *c.names):
            found.setdefault(normal(name), (c.name, "country"))
    return found


@cache
def _capitals() -> dict[str, str]:
    return {normal(c.capital): c.name for c in countries() if c.capital}


def capital_of(name: str) -> str | None:
    """The country whose capital ``name`` is ("Moscow" -> Russia), as ``countries.tsv`` gives it (GeoNames')."""
    return _capitals().get(normal(name))


def demonyms(country: str) -> list[str]:
    """The adjectives for a country's people ("Syria" -> ["Syrian"]), as ``countries.tsv`` writes them."""
    for c in countries():
        if normal(country) in {normal(n) for n in (c.name, *c.names)}:
            return [a for a in c.adjective.split(";") if a]
    return []


def is_headline(line: str) -> bool:
    """Title Case Lines Capitalise Every Long Word, so capitals say nothing about names there."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", line) if len(w) > 3]
    short = len(line.split()) <= 15  # a caption may end with a full stop; a sentence in Title Case is rare
    titled = len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.6
    return titled and (short or not line.rstrip().endswith("."))


_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|[A-Za-z\u00C0-\u024F][\w\u00C0-\u024F]*(?:['’](?![sS]\b)\w+)*(?:-[\w\u00C0-\u024F'’]+)*"
    r"|['’][sS]\b|\d+(?:st|nd|rd|th)\b|\d+[A-Z]\w*|\d+|[^\w\s]"
)
"""Words (hyphenated ones whole: "al-Sham", "Port-au-Prince"), a possessive "'s" apart, numbers, marks."""


def _tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Tokens with offsets; a compound ending in a lower-case word ("GNA-aligned", "Kurdish-led") is split at
    its first hyphen, so the name in it stands alone."""
    found = []
    for m in _TOKEN.finditer(text, start, end):
        word, at = m.group(), m.start()
        parts = word.split("-")
        if len(parts) > 1 and parts[0].lower() in _STANCES and parts[1][:1].isupper():  # "pro-Russian", "anti-Houthi"
            found.append((parts[0] + "-", at, at + len(parts[0]) + 1))
            word, at = word[len(parts[0]) + 1 :], at + len(parts[0]) + 1
            parts = parts[1:]
        if len(parts) > 1 and parts[0][:1].isupper() and parts[-1][:1].islower() and parts[-1] not in _PARTICLES:
            found += [(parts[0], at, at + len(parts[0])), ("-" + "-".join(parts[1:]), at + len(parts[0]), m.end())]
        else:
            found.append((word, at, m.end()))
    return found


_STANCES = frozenset({"pro", "anti"})
"""Prefixes that make a name a side taken ("pro-Russian separatists"): split off, so the name stands alone."""

_PARTICLES = frozenset(
    {"al", "el", "ez", "ad", "ash", "as", "an", "ar", "au", "des", "de", "la", "le", "du", "sur", "wal"}
)
"""Lower-case words inside a name ("Port-au-Prince", "Deir ez-Zor", "... Lidda'awati wal-Jihad"), not a compound's
adjective."""


_SETTLEMENTS = frozenset(
    """city town village hamlet district province region governorate municipality neighbourhood neighborhood
    suburb port capital island county state oblast department prefecture""".split()
)
_SETTLEMENTS = _SETTLEMENTS | {w + "s" for w in _SETTLEMENTS if not w.endswith("y")} | {"cities", "counties"}
"""Nouns whose "of" names a place ("the village of Togoga")."""

_POSSESSIVE_IN_NAMES = frozenset({"People", "Peoples", "Lord", "Women", "Workers", "Children", "Martyrs", "Mothers"})
"""Words whose possessive continues a name ("Tigray People's Liberation Front"); any other "X's Y" is two names."""


_INSTITUTIONS = frozenset({"army", "police", "navy", "military", "gendarmerie"})
_UNIT_NOUNS = frozenset({"units", "unit", "troops", "forces", "soldiers", "personnel", "elements", "officers"})
"""A description of an institution's people ("army units", "police officers") names the institution."""

_ABBREVIATED = frozenset({"St", "Ste", "Mt", "Ft"})
"""Abbreviations that open a place's name ("St. George's"): their full stop ends no name."""

_NUMBERED = frozenset({"Force", "Group", "Battalion", "Unit", "Team"})
"""Units named by a number after them ("Joint Task Force 120", "Battalion 2000", "Task Force 1-64 Armor")."""


def _numbered(tokens, j: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether token ``j`` is a unit's number, or a part of it ("1-64"), after the word it numbers."""
    if j >= len(tokens) or j < 1:
        return False
    word, before = tokens[j][0], tokens[j - 1][0]
    if word.isdigit() and before in _NUMBERED:
        return True
    joined = tokens[j - 1][2] == tokens[j][1]  # "1-64", not "2 - 3"
    if word == "-" and joined and before.isdigit() and j + 1 < len(tokens) and tokens[j + 1][0].isdigit():
        return _numbered(tokens, j - 1)
    return word.isdigit() and joined and before == "-" and _numbered(tokens, j - 1)


def _capitalised(word: str) -> bool:
    """Capitalised, or a particle before a capital ("al-Sham", "ez-Zor")."""
    first, _, rest = word.partition("-")
    head = rest if first.lower() in _PARTICLES and rest else word
    return head[:1].isupper()


def find_mentions(
    text: str,
    start: int,
    end: int,
    gazetteer: Gazetteer,
    *,
    headline: bool = False,
    seen: Iterable[str] = (),
    known_word: callable | None = None,  # type: ignore[valid-type]
) -> list[Mention]:
    """The names in ``text[start:end]``, longest first where they overlap, in text order.

    ``seen`` holds the names found capitalised in the report's running text (headlines only
    count those); ``known_word(w)`` says whether a lower-case word is ordinary English, so that
    "Rebels" opening a sentence is not taken for a name while "Hezbollah" is.
    """
    tokens = _tokens(text, start, end)
    seen_names = {normal(s) for s in seen}
    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        found = _longest_known(tokens, i, text, gazetteer)  # a known name may start with one ("Anti-Balaka")
        if found and found[1] < len(tokens) and tokens[found[1]][0] == "City" and found[0].source == "country":
            city = _name(tokens, i, found[1], text, known_word)  # "Panama City", "Kuwait City": no country
            mentions.append(replace(city, kinds=frozenset({"place"})))
            i = found[1] + 1
            continue
        if found:
            mentions.append(_with_direction(found[0], tokens, i))
            i = found[1]
            continue
        if tokens[i][0].lower().removesuffix("-") in _STANCES and tokens[i][0].endswith("-"):  # "Pro-" names nothing
            i += 1
            continue
        if _is_name_start(tokens, i, headline, seen_names, known_word):
            j = i
            while j + 1 < len(tokens) and (
                (
                    _capitalised(tokens[j + 1][0])
                    and tokens[j + 1][0].lower() not in _NOT_NAMES - {"the"}
                    and tokens[j + 1][0].lower() not in TITLES
                    and tokens[j][0].lower() not in {"force", "forces", "navy"}  # "Royal Air Force | Typhoon jets"
                )
                or (  # "Donetsk People's Republic", "Lord's Resistance Army"; not "Islamic State's Sahel Province"
                    tokens[j + 1][0] in {"'s", "’s"}
                    and tokens[j][0] in _POSSESSIVE_IN_NAMES
                    and j + 2 < len(tokens)
                    and _capitalised(tokens[j + 2][0])
                )
                or (
                    tokens[j + 1][0].lower() in CONNECTORS
                    and not _person_of(tokens, i, j, known_word)
                    and j + 2 < len(tokens)
                    and (_capitalised(tokens[j + 2][0]) or _articled(tokens, j + 2))
                    and (tokens[j + 1][0].lower() != "the" or tokens[j][0].lower() in {"of", "for"})
                    and (tokens[j + 1][0].lower() != "for" or _for_in_name(tokens, j, known_word))
                )
                or (  # "Volunteers for the Defence of the Homeland", "National Council for the Safeguard of ..."
                    tokens[j + 1][0].lower() == "for"
                    and j + 3 < len(tokens)
                    and tokens[j + 2][0] == "the"
                    and _capitalised(tokens[j + 3][0])
                    and tokens[j][0].lower() in _FOR_HEADS
                )
                or (
                    tokens[j + 1][0].lower() in ("of",)
                    and j + 3 < len(tokens)
                    and tokens[j + 2][0] == "the"
                    and not _person_of(tokens, i, j, known_word)
                )
                or (  # "St. George's", "Mt. Elgon": an abbreviation's full stop inside a name
                    tokens[j + 1][0] == "."
                    and tokens[j][0] in _ABBREVIATED
                    and j + 2 < len(tokens)
                    and _capitalised(tokens[j + 2][0])
                )
                or _numbered(tokens, j + 1)
                or _ROMAN.fullmatch(tokens[j + 1][0]) is not None  # "UNAVEM II", "World War II"
                or (  # "Hassan Sheikh Mohamud": an honorific inside a name, not a title before the next one
                    tokens[j + 1][0] == "Sheikh" and j + 2 < len(tokens) and _capitalised(tokens[j + 2][0])
                )
                or _in_name(tokens, j, known_word)
            ):
                if (
                    headline
                    and normal(tokens[j + 1][0]) not in seen_names
                    and not _seen_phrase(tokens, i, j + 1, seen_names)
                ):
                    break
                j += 1
            while j > i and not _capitalised(tokens[j][0]) and not _numbered(tokens, j):
                j -= 1
            if tokens[i][0] in _ABBREVIATED and j + 1 < len(tokens) and tokens[j + 1][0] in {"'s", "’s"}:
                j += 1  # "St. George's": a saint's possessive is the place's name
            title_word = j == i and j + 1 < len(tokens) and tokens[j + 1][0].lower() in TITLES
            title_word = title_word and known_word is not None and known_word(tokens[i][0].lower())
            if not title_word:  # not "Defence" of "Defence Minister"
                start = i - 1 if i > 0 and tokens[i - 1][0] in {"al", "el", "Al", "El"} else i  # "al Qaeda"
                if start < i and mentions and mentions[-1].end >= tokens[start][1]:
                    start = i
                mentions.append(
                    _with_direction(_with_kind_word(_name(tokens, start, j, text, known_word), text), tokens, start)
                )
            i = j + 1
            continue
        i += 1
    return _with_demonym_phrases(_spelled_out(mentions, tokens, text), tokens, text)


_FOR_HEADS = ACTOR_WORDS | {"volunteers", "patriots", "fighters", "mission", "office", "centre", "center"}
"""Words after which "for" goes on with the name ("Coalition of Patriots for Change", "Volunteers for the ...")."""


_NOT_PERSONAL = (
    ACTOR_WORDS
    | PLACE_WORDS
    | _GROUP_MARKERS
    | frozenset(
        """republic kingdom state states emirate sultanate federation university bank ministry minister secretary
    people peoples union nations""".split()
    )
)


def _person_of(tokens, i, j, known_word=None) -> bool:  # type: ignore[no-untyped-def]
    """ "Thabo Mbeki of South Africa", "President Emmanuel Macron of France", "King Hussein of Jordan": a person's
    name (two or three words, or one after a title, none an organisation's, a place's or a state's) and the country
    after "of", two names; not "Republic of Korea", "Army of Islam", "Government of Ethiopia". So is a name of no
    ordinary English word before "of the" or an acronym ("Daniel Ortega of the FSLN", "Paco Moncayo of the
    Ecuadorian army"; not "Supreme Council of the Revolution")."""
    titled = i > 0 and tokens[i - 1][0].lower() in TITLES
    if tokens[j + 1][0] != "of" or not (1 if titled else 2) <= j - i + 1 <= 3:
        return False
    if any(t[0].lower() in _NOT_PERSONAL or not t[0][:1].isupper() for t in tokens[i : j + 1]):
        return False
    if known_word is not None and j + 2 < len(tokens) and j - i + 1 >= 2:
        after = tokens[j + 2][0]
        organisation = after == "the" or (after.isupper() and len(after) > 1)
        if organisation and not any(known_word(t[0].lower()) for t in tokens[i : j + 1]):
            return True
    for size in (3, 2, 1):
        after = tokens[j + 2 : j + 2 + size]
        words = " ".join(t[0] for t in after)
        if len(after) == size and all(t[0][:1].isalpha() for t in after) and _is_country(words):
            following = tokens[j + 2 + size][0] if j + 2 + size < len(tokens) else ""
            return not _capitalised(following)  # "of South Africa", not "of South Africa Airways"
    return False


def _is_country(words: str) -> bool:
    return _countries().get(normal(words), ("", ""))[1] == "country"


def _articled(tokens, k: int) -> bool:  # type: ignore[no-untyped-def]
    """A foreign article inside a name, before its capitalised word: "los" of "Cueva de los Tayos", "der" of "van
    der Berg"."""
    return (
        tokens[k][0] in {"los", "las", "la", "le", "der", "den", "del"}
        and k + 1 < len(tokens)
        and _capitalised(tokens[k + 1][0])
    )


def _for_in_name(tokens, j, known_word) -> bool:  # type: ignore[no-untyped-def]
    """ "for" inside a name ("Coalition for Change", "Patriots for Change"), not between two ("fled Dakra for Kasi"):
    after an organisation's word, or before an ordinary English word."""
    after = tokens[j + 2][0].lower()
    ordinary = known_word is not None and after not in _NOT_NAMES and known_word(after)
    return tokens[j][0].lower() in _FOR_HEADS or ordinary


_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z]{1,7})\)")
_SPELLING_WORDS = CONNECTORS | {"and", "in", "on", "pour", "'s", "’s"}
"""Words a name spelled out before its acronym may hold that the acronym need not spell ("Liberians United for
Reconciliation and Democracy (LURD)")."""


def _spells(words: list[str], acronym: str) -> bool:
    """Whether ``acronym`` is the words' beginnings in order: each capitalised word gives one or more of its first
    letters, a small word (:data:`_SPELLING_WORDS`) its first letter or none ("Movement for Democracy in Liberia":
    MODEL; "Sahrawi People's Liberation Army": SPLA)."""

    @cache
    def match(w: int, a: int) -> bool:
        if w == len(words):
            return a == len(acronym)
        word = words[w].lower()
        small = word in _SPELLING_WORDS
        if small and match(w + 1, a):
            return True
        longest = 1 if small else len(word)
        return any(
            a + n <= len(acronym) and word[:n] == acronym[a : a + n].lower() and match(w + 1, a + n)
            for n in range(1, longest + 1)
        )

    return match(0, 0)


def _spelled_out(mentions: list[Mention], tokens, text: str) -> list[Mention]:  # type: ignore[no-untyped-def]
    """A name its acronym shows to be longer than the names spotted in it, made one: "Liberians United for
    Reconciliation and Democracy (LURD)" was "Liberians United for Reconciliation" and "Democracy"; "Sahrawi
    People's Liberation Army (SPLA)" was "Sahrawi" and "People's Liberation Army". Only where the acronym spells
    the longer name and not the last name alone."""
    out = list(mentions)
    for m in mentions:
        acronym = _ACRONYM.match(text, m.end)
        if acronym is None or m.entity is not None or _spells(_words_of(m.text), acronym.group(1)):
            continue
        before = [t for t in tokens if t[2] <= m.end][-9:]
        for k in range(len(before)):
            first = before[k]
            if first[1] >= m.start or not _capitalised(first[0]) or first[0].lower() in _SPELLING_WORDS:
                continue
            words = [t[0] for t in before[k:] if t[0] not in {",", "-"}]
            if any(not (_capitalised(w) or w.lower() in _SPELLING_WORDS) for w in words):
                continue
            if not _spells(words, acronym.group(1)):
                continue
            inside = [x for x in out if first[1] <= x.start and x.end <= m.end]
            if any(x.entity is not None for x in inside):
                break  # a known name inside: not ours to swallow
            phrase = text[first[1] : m.end]
            kinds = frozenset({"actor"}) if "person" not in m.kinds else m.kinds
            merged = Mention(phrase, first[1], m.end, None, phrase, kinds, "name")
            out = [x for x in out if x not in inside]
            out.append(merged)
            break
    return sorted(out, key=lambda x: x.start)


def _words_of(phrase: str) -> list[str]:
    return re.findall(r"['’]s\b|[\w\u00C0-\u024F]+", phrase)


_IN_NAME_HEADS = frozenset({"mission", "office", "operation", "operations", "programme", "command"})


def _in_name(tokens, j, known_word) -> bool:  # type: ignore[no-untyped-def]
    """ "in" inside a name ("United Nations Mission in South Sudan", "SPLA in Opposition"), not after one
    ("Hezbollah in Lebanon")."""
    if j + 2 >= len(tokens) or tokens[j + 1][0] != "in" or not _capitalised(tokens[j + 2][0]):
        return False
    after = tokens[j + 2][0].lower()
    ordinary = known_word is not None and after not in _NOT_NAMES and known_word(after)  # "Opposition", "Charge"
    return tokens[j][0].lower() in _IN_NAME_HEADS or ordinary


def _seen_phrase(tokens: list[tuple[str, int, int]], i: int, j: int, seen: set[str]) -> bool:
    return normal(" ".join(t[0] for t in tokens[i : j + 1])) in seen


_ROMAN = re.compile(r"II|III|IV|VI{0,3}|IX|XI{0,3}")
"""A Roman numeral that ends a name ("UNAVEM II"); "I" alone is the pronoun."""

_UNITS = frozenset({"division", "brigade", "battalion", "regiment", "corps", "army", "front", "squadron", "fleet"})
"""Words a unit's number names ("53 Division"); a bare number before another capital is not a name."""


def _is_name_start(tokens, i, headline, seen, known_word) -> bool:  # type: ignore[no-untyped-def]
    word = tokens[i][0]
    if re.fullmatch(r"\d+[A-Z]\w*", word):  # "3R", a group's name
        return True
    if re.fullmatch(r"\d+(?:st|nd|rd|th)?", word):  # "58th Army", "33rd Front", "53 Division": a unit's number
        after = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        ordinal = not word.isdigit() and _capitalised(after) and after.lower() not in _NOT_NAMES
        return ordinal or after.lower() in _UNITS
    possessive = word in _POSSESSIVE_IN_NAMES and i + 1 < len(tokens) and tokens[i + 1][0] in {"'s", "’s"}
    if not _capitalised(word) or word.lower() in _NOT_NAMES or (word.lower() in TITLES and not possessive):
        return False  # a title opens no name, but "Lord's Resistance Army" is one
    if word.lower() in OFFICES and i > 1 and tokens[i - 1][0] == "of" and tokens[i - 2][0].lower() in TITLES:
        return False  # "Secretary of State Antony Blinken"
    if word.lower() == "staff" and i > 1 and tokens[i - 1][0] == "of" and tokens[i - 2][0].lower() == "chief":
        return False  # "Chief of Staff of the Ethiopian Defence Forces"
    if _countries().get(normal(word)) and _institution(tokens, i + 1):
        return True
    if headline:
        return normal(word) in seen
    before = tokens[i - 1][0] if i > 0 else ":"
    shouted = before in {":", "-", "—"} or (len(before) > 1 and before.isupper())  # "LIVE UPDATES", "UPDATE 2:"
    inside = not shouted and (i + 1 == len(tokens) or tokens[i + 1][0] != ":")
    if len(word) >= 3 and word.isalpha() and word.isupper() and inside:
        return True  # an acronym inside a sentence, even one that spells a word ("MODEL"); not "UPDATE:", "NOTE that"
    # an ordinary English word ("Rebels", "Thank", "Joining") is a name only where the report also
    # capitalises it inside a sentence
    stem = re.split(r"['’]", word)[0]  # "We've"
    if _after_title(tokens, i):
        return True  # a holder's name, even one that is also a word ("General Amir Hajizadeh")
    return not (known_word is not None and known_word(stem.lower()) and normal(word) not in seen)


_HOLDER_TITLES = TITLES - {"general"}


def _after_title(tokens, i) -> bool:  # type: ignore[no-untyped-def]
    """Whether token ``i`` follows a title ("President X", "Maj. Gen. X"); not "General", which also opens the
    names of bodies ("General Assembly", "General Staff")."""
    before = tokens[i - 1][0].lower() if i > 0 else ""
    return before in _HOLDER_TITLES or (before == "." and i > 1 and tokens[i - 2][0].lower() in TITLES)


def _longest_known(tokens, i, text, gazetteer):  # type: ignore[no-untyped-def]
    """The longest gazetteer name, country or demonym starting at token ``i``, and the token after it."""
    if tokens[i][0].lower() in {"a", "an"}:
        return None  # "A Russian air raid": the article is no part of the name (normalising would drop it)
    for size in range(min(8, len(tokens) - i), 0, -1):
        s, e = tokens[i][1], tokens[i + size - 1][2]
        if not all(t[0][:1].isalnum() for t in tokens[i : i + size]):
            continue
        phrase = text[s:e]
        hit = gazetteer.lookup(phrase)
        if hit:
            iri, label, kinds = hit
            country = _countries().get(normal(phrase.replace(".", "")), ("", ""))[1] == "country" and "place" in kinds
            return Mention(phrase, s, e, iri, label, kinds, "country" if country else "gazetteer"), i + size
        country = _countries().get(normal(phrase.replace(".", "")))
        if (
            country
            and country[1] == "demonym"
            and phrase[0].isupper()
            and (known := _known_actor(tokens, i + size, text, gazetteer))
        ):
            return replace(known[0], text=text[s : known[0].end], start=s), known[1]  # "the Lebanese Hezbollah"
        if country and phrase[0].isupper() and not _institution(tokens, i + size):
            name, how = country
            known = gazetteer.lookup(name)  # the store's own entry for the country, when it has one
            iri, name = (known[0], known[1]) if known and "place" in known[2] else (None, name)
            after = i + size
            if after < len(tokens) and tokens[after][0] in {"'s", "’s"} and how == "country":
                after += 1  # "Sudan's army"
            if after + 1 < len(tokens) and tokens[after][0].lower() in FORCE_ADJECTIVES:
                after += tokens[after + 1][0].lower() in FORCE_NOUNS  # "Ukrainian armed forces"
            if (
                after < len(tokens)
                and tokens[after][0].lower() in FORCE_NOUNS
                and (how == "demonym" or after > i + size)
            ):
                e = tokens[after][2]
                return Mention(text[s:e], s, e, iri, name, frozenset({"actor"}), "demonym"), after + 1
            return Mention(phrase, s, e, iri, name, frozenset({"actor", "place"}), how), i + size
    return None


_KIND_WORDS = re.compile(
    r"\s+((?:central\s+|international\s+)?(?:prison|district|sub-?district|province|state|territory|governorate|"
    r"region|department|municipality|prefecture|local government area|commune|canton|air base|airbase|airport|airfield|"
    r"camp|oblast|raion|county|forest|gorge|valley|desert|lagoon|settlement|hospital|hotel))\b"
)


_GROUP_NOUNS = "group|militia|movement|faction|gang|network|coalition|alliance"
_GROUP_WORDS = re.compile(rf"\s+({_GROUP_NOUNS})\b")
_ENDS_IN_GROUP_WORD = re.compile(rf"\s(?:{_GROUP_NOUNS})$")


_SITE_KIND = re.compile(
    r"\s+((?:border\s+)?crossing|base|naval base|embassy|consulate|detention centre|detention center|compound|"
    r"refinery|power plant|plant|bridge|dam|barracks|stadium|palace|mosque|church|cathedral|market|university)\b"
)
"""Words that make a place's (or a new) name a site: "Rafah crossing", "Senaki base"; not an actor's ("the LNA
base" is the LNA's)."""


def _with_kind_word(m: Mention, text: str) -> Mention:
    """ "Rubavu district", "Munzenze central prison", "the Maute group", "Rafah crossing": a name with the word
    saying what it is (also known without it)."""
    match = _KIND_WORDS.match(text, m.end)
    if not match and m.source == "name" and m.entity is None and not m.text.isupper() and "person" not in m.kinds:
        if site := _SITE_KIND.match(text, m.end):  # "Senaki base" (not "the LNA base": an acronym is a group's)
            whole = text[m.start : site.end()]
            return Mention(whole, m.start, site.end(), None, whole, frozenset({"place"}), m.source, extra=(m.text,))
    kind = "place"
    if not match and "place" not in m.kinds and (match := _GROUP_WORDS.match(text, m.end)):
        kind = "actor"
    if not match:
        return m
    whole = text[m.start : match.end()]
    return Mention(whole, m.start, match.end(), None, whole, m.kinds | {kind}, m.source, extra=(m.text,))


_DIRECTIONS = frozenset(
    {"eastern", "western", "northern", "southern", "central", "north", "south", "east", "west", "upper", "lower"}
)


def _with_direction(m: Mention, tokens, i) -> Mention:  # type: ignore[no-untyped-def]
    """ "eastern Rafah": the place, known also by the part the text names."""
    if i > 0 and tokens[i - 1][0].lower() in _DIRECTIONS and ("place" in m.kinds or not m.kinds):
        return replace(m, extra=(*m.extra, f"{tokens[i - 1][0]} {m.text}"))
    return m


def _known_actor(tokens, i, text, gazetteer):  # type: ignore[no-untyped-def]
    """The store's actor named from token ``i`` on, and the token after it: after a demonym, a name the store knows
    is that actor, qualified ("the Lebanese Hezbollah", "the Syrian Hezbollah" of a report that errs), not a new
    name made of both."""
    found = _longest_known(tokens, i, text, gazetteer) if i < len(tokens) else None
    if found and found[0].source == "gazetteer" and "actor" in found[0].kinds and "place" not in found[0].kinds:
        return found
    return None


def _institution(tokens, after) -> bool:  # type: ignore[no-untyped-def]
    """Whether capitalised words after a country make it part of a name ("Rwanda Defence Force", "Syrian Arab Army")."""
    j = after
    while j < len(tokens) and _capitalised(tokens[j][0]) and tokens[j][0].lower() not in _NOT_NAMES:
        if tokens[j][0].lower() in ACTOR_WORDS:
            return True
        j += 1
    return False


def _modifies(tokens, j) -> bool:  # type: ignore[no-untyped-def]
    """Whether the word after a name is a noun for a people's members or forces that it qualifies ("Houthi rebels",
    "Houthi leaders"), unlike a place's next word ("Poti and ...", "Gori kills")."""
    after = tokens[j + 1][0] if j + 1 < len(tokens) else ""
    return after in FORCE_NOUNS or after in _MEMBERS


def _name(tokens, i, j, text, known_word) -> Mention:  # type: ignore[no-untyped-def]
    s, e = tokens[i][1], tokens[j][2]
    phrase = text[s:e]
    words = _name_words(phrase)
    kinds: set[str] = set()
    source = "name"
    settled = _of_settlements(tokens, i)
    after_office = i > 2 and tokens[i - 1][0].lower() in OFFICES and tokens[i - 3][0].lower() in TITLES
    office = i > 1 and tokens[i - 2][0].lower() == "the" and tokens[i - 1][0].lower() in TITLES  # "the General Staff"
    abbreviated = i > 1 and tokens[i - 1][0] == "." and tokens[i - 2][0].lower() in TITLES  # "Maj. Gen. X"
    if i > 0 and (tokens[i - 1][0].lower() in TITLES or after_office or abbreviated) and not office:
        kinds.add("person")
        source = "title"
    elif words & _GROUP_MARKERS or (words & ACTOR_WORDS and not words & PLACE_WORDS):
        kinds.add("actor")  # "Islamic State West Africa Province" is a group, "Rivers State" a place
    elif words & PLACE_WORDS:
        kinds.add("place")
    elif i == j and (re.search(r"(?:ish|ese|ian)$", phrase) or (phrase.endswith("i") and _modifies(tokens, j))):
        kinds.add("actor")  # a people's adjective used as a name ("Kurdish-led", "Houthi rebels"): not a person
    elif i > 0 and tokens[i - 1][0].lower() in PLACE_PREPOSITIONS:
        kinds.add("place")
    elif settled:
        kinds.add("place")  # "the village of Togoga", "the town of Palma", "the villages of Bira and Sela"
    elif phrase.isupper() and i == 0 and j + 1 < len(tokens) and tokens[j + 1][0] == ",":
        kinds.add("place")  # a dateline: "CAIRO, Dec 19 -"
    extra = (_titled(tokens, i, e, text),) if source == "title" else ()
    return Mention(
        phrase, s, e, None, phrase, frozenset(kinds), source, extra=tuple(x for x in extra if x), settled=settled
    )


def _titled(tokens, i: int, end: int, text: str) -> str:  # type: ignore[no-untyped-def]
    """The name with the capitalised titles written before it ("King Mohammed VI", "Maj. Gen. X"), another way the
    report names the person; empty when the title is lower-case ("cameraman X")."""
    k = i
    while k > 0 and (
        tokens[k - 1][0] == "." or (tokens[k - 1][0].lower() in TITLES and tokens[k - 1][0][:1].isupper())
    ):
        k -= 1
    return text[tokens[k][1] : end] if k < i and tokens[k][0] != "." else ""


def _of_settlements(tokens, i: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether the name at token ``i`` is one of those a settlement noun's "of" lists: "the village of Togoga", "the
    villages of Bira, Sela and Dura"."""
    k = i - 1
    while k > 1 and (tokens[k][0] in {",", "and"} or _capitalised(tokens[k][0])):
        k -= 1
    return k > 0 and tokens[k][0].lower() == "of" and tokens[k - 1][0].lower() in _SETTLEMENTS


def _with_demonym_phrases(mentions: list[Mention], tokens, text) -> list[Mention]:  # type: ignore[no-untyped-def]
    """Keep mentions in order and without overlaps (the first found wins), and without the descriptions that only
    say what the next name is (:func:`_describes_next`)."""
    ordered, last_end = [], -1
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if m.start >= last_end:
            ordered.append(m)
            last_end = m.end
    following = [*ordered[1:], None] if ordered else []
    return [m for m, after in zip(ordered, following, strict=True) if not _describes_next(m, after, text)]


def _describes_next(m: Mention, after: Mention | None, text: str) -> bool:
    """Whether ``m`` is a description the name after it follows ("the Islamist militia Hayat Tahrir al-Sham", "the
    Salafist group Ansar Dine"): the words say what that name is, and are no actor of their own."""
    described = m.source == "name" and m.entity is None and _ENDS_IN_GROUP_WORD.search(m.text) is not None
    return described and after is not None and text[m.end : after.start].isspace() and "place" not in after.kinds


def gazetteer_from(rows: Iterable[tuple[str, str, Iterable[str], Iterable[str]]]) -> Gazetteer:
    """A gazetteer from (IRI, label, aliases, kinds) rows; a short or common name is kept as written.

    A description with no capital letter ("rebels", "government forces") names an actor or a place
    only in the report it came from: elsewhere "the rebels" are that report's own, so such aliases are
    left to coreference. A weapon's ("chemical weapons") means the same everywhere and is kept.
    """
    names: dict[str, tuple[str, str, frozenset[str]]] = {}
    for iri, label, aliases, kinds in rows:
        frozen = frozenset(kinds)
        for name in (label, *aliases):
            if name and (name != name.lower() or not frozen & {"actor", "place", "person"}):
                names.setdefault(name if exact_only(name) else normal(name), (iri, label, frozen))
    return Gazetteer(names)
