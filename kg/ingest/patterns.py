"""Relations a few fixed shapes of words state, read without the parser where it parses poorly.

Appositions and name sequences are what link-grammar attaches least reliably, and news writes
some relations almost always the same way: "Minova, in Kalehe territory", "Goma, the capital of
North Kivu", "Bagram, north of Kabul", "U.S. President Joe Biden", "Russia's Tsentr
Battlegroup", "the Iran-backed Houthis", "A, B and C". Each function reads one shape over a
sentence's mentions and returns :data:`Found` tuples, as the frames do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from kg.ingest.lexicon import ATTACKS, by_lemma
from kg.ingest.mentions import TITLES, Mention, demonyms, normal

__all__ = [
    "ADMIN_UNIT",
    "AIR",
    "Found",
    "across_lists",
    "compounds",
    "directions",
    "forces",
    "killed_in_attacks",
    "landmark",
    "lists",
    "locations",
    "memberships",
    "offices",
    "titles",
    "truces",
]

Found = tuple[str, Mention, Mention, str, str, tuple[int, int], float]
"""A relation found in a sentence: predicate, subject, object, trigger, why, quote span, confidence."""


AIR = re.compile(
    r"\b(?:air ?strikes?|air raids?|air force|aircraft|aviation|warplanes?|jets?|drones?|bombers?|helicopters?|"
    r"cruise missiles?|tomahawk|airstrikes?)\b",
    re.IGNORECASE,
)
_DIRECTION = r"(?:(?:north|south|east|west|central|northern|southern|eastern|western|north-?west(?:ern)?|"
_DIRECTION += r"north-?east(?:ern)?|south-?west(?:ern)?|south-?east(?:ern)?|far|upper|lower)\s+)*"
_SETTLEMENT = (
    r"(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:town|city|village|district|suburb|neighbourhood|neighborhood|port|"
    r"settlement|camp|area|region|province)\s+"
)
_SETTLEMENTS = (
    r"one\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:towns|cities|villages|districts|suburbs|neighbourhoods|"
    r"neighborhoods|ports|settlements|camps|areas|regions|provinces)\s+"
)
"""Among others of its kind: "Kasi, one of the largest cities in X"."""
_RANKED_OF = (
    r",\s+the\s+(?:second|third|fourth|fifth|largest|biggest|main|chief|principal|[\w]+-largest|[\w]+-biggest)\s+"
    r"(?:town|city|port)\s+of\s+(?:the\s+)?|"
)
"""Between a place and its country: ", the second town of " ("Butare, the second town of Rwanda")."""
_LOCATED = re.compile(
    _RANKED_OF
    + rf"(?:\s+(?:is|was)\s+(?:{_SETTLEMENT}|{_SETTLEMENTS})|,?\s+(?:{_SETTLEMENT}|{_SETTLEMENTS})?)"
    + r"(?:in|inside|within)\s+(?:the\s+)?"
    + _DIRECTION
    + r"(?:(?:countryside|outskirts|suburbs|province|region|state|district|governorate|territory|parts?|area|"
    r"north|south|east|west|north-?east|north-?west|south-?east|south-?west|centre|center|heart|middle)"
    r"\s+of\s+(?:the\s+)?)?"
)
_CAPITAL = re.compile(
    r"(?:,|\s+(?:is|was))\s+(?:the|its)\s+(?:\w+\s+)?capital\s+of\s+(?:the\s+)?"
    r"(?:(?:[a-z][\w-]*\s+){0,2}(?:region|province|state|republic|territory|governorate|district)\s+of\s+(?:the\s+)?)?"
    r"(?:(?:neighbou?ring|nearby|adjacent|northern|southern|eastern|western|central)\s+)?"
)
"""Between a place and what it is the capital of: ", the capital of ", ", the capital of the breakaway region of ",
" is the capital of ", ", the capital of neighbouring "."""
_DEMONYM_TOWN = re.compile(
    r"\s+(?:(?:border|frontier|coastal|market|port|river|desert|northern|southern|eastern|western)\s+)?"
    r"(city|town|village|port)\b"
)
"""After "PLACE, the DEMONYM": what kind of place it is ("Zalambessa, the Ethiopian border town")."""
_DEMONYM_PLACE = re.compile(
    r"\s+(city|town|village|port|capital|province|region|border town|state|district)s?\s+(?:of\s+)?"
)


_TITLE = (
    r"president|prime minister|leader|commander|commander-in-chief|chief|head|king|emir|chairman|chairwoman|"
    r"secretary-general|secretary general|general secretary|director-general|director|"
    r"spokesman|spokeswoman|spokesperson|deputy commander|deputy leader|deputy|vice-president|vice president|"
    r"correspondent|cameraman|camerawoman|photographer|reporter|official|member"
)
_STAFF = ("correspondent", "camera", "photographer", "reporter", "official", "member")
"""Titles of someone who works for a body ("Reuters cameraman X"), and for no state ("Dutch cameraman X")."""
_MEMBERS = ("spokes", "deputy", "vice", *_STAFF)
"""Titles of someone who belongs to a body without heading it: partOf."""
_RANKS = (
    r"(?:(?:general|gen|lieutenant|lt|colonel|col|major|maj|brigadier|brig|admiral|adm|marshal|field|captain|capt|"
    r"lord|sir|dame)"
    r"\.?(?:\s+|-))*"
)
"""Ranks between a title and a name ("Army Commander Lieutenant General X", "commander, Brigadier-General X"): no part
of either."""
_TITLE_BETWEEN = re.compile(
    rf"(?:'s|’s|'|’)?\s+(?P<mods>(?:[a-z][\w-]*\s+){{0,3}}?)(?P<title>{_TITLE})"
    rf"(?:\s+and\s+(?:supreme\s+)?(?:{_TITLE}))?,?\s+{_RANKS}",
    re.IGNORECASE,
)
"""Between an organisation and a person: "RSF commander X", "the LTTE's international relations chief X", "Russian
President and Supreme Commander-in-Chief X", "The guard's commander, General X"."""
_WHOSE_TITLE = re.compile(
    rf",\s+whose\s+(?P<mods>(?:[a-z][\w-]*\s+){{0,2}}?)(?P<title>{_TITLE}),?\s+{_RANKS}", re.IGNORECASE
)
"""Between a body and a person: ", whose leader ", ", whose military commander, General "."""
_TITLE_AFTER = re.compile(rf"(?:'s|’s|'|’)?\s+(?P<mods>(?:[a-z][\w-]*\s+){{0,3}}?)(?P<title>{_TITLE})\b", re.IGNORECASE)
"""After "PERSON, the ORG": "Abdelrahim Dagalo, the RSF's deputy commander"."""
_PLAIN = frozenset({"acting", "interim", "transitional", "supreme", "military", "army", "top", "overall", "former"})
"""Words that leave a title whole: a "former army commander" led the whole."""
_NOT_MODIFIERS = frozenset(
    "the a an of and or but to by with from for in on at as said says has have had was were is are who which that "
    "its their his her after before when while".split()
)


def _title(match: re.Match[str] | None) -> tuple[str, str] | None:
    """(predicate, title) for a title phrase: headOf for a plain head's title, partOf for a spokesman, a deputy or
    the head of a part ("intelligence chief", "eastern commander"); None if a "modifier" is a verb or a clause word."""
    if match is None:
        return None
    mods = match.group("mods").lower().split()
    if any(w in _NOT_MODIFIERS or w.endswith(("ed", "ing")) for w in mods):
        return None
    title = match.group("title").lower()
    part = title.startswith(_MEMBERS) or any(w not in _PLAIN for w in mods)
    return ("partOf" if part else "headOf"), " ".join([*mods, title])


_TITLE_OF = re.compile(
    rf"\b(?P<title>{_TITLE}|officer in charge|chief of staff)\s+of\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)
"""Before an organisation: "the Commander of the IAF", "President of the Republic of X"."""
_THEN_NAMED = re.compile(r",\s+(?:[A-Z][\w-]*\.?\s+){0,4}")
"""Between "the Commander of the IAF" and the holder's name: a comma and the holder's titles and ranks ("Maj. Gen.",
"Victorious Commander-in-Chief")."""


_PRONOUN_TITLE = re.compile(
    rf"\b(?:its|their)\s+(?P<mods>(?:[a-z][\w-]*\s+){{0,2}}?)(?P<title>{_TITLE}),\s+{_RANKS}\Z", re.IGNORECASE
)
"""Before a person, a title whose owner is a pronoun: "Its chairman, General X", "Their local commander, X"."""


def _person_like(m: Mention) -> bool:
    """Whether ``m`` may name a person: one the report typed so, or a new full name nothing has typed yet."""
    return "person" in m.kinds or (not m.kinds and m.source == "name" and " " in m.text)


def pronoun_titles(text: str, start: int, mentions: list[Mention], owner: Mention | None) -> list[Found]:
    """ "Its chairman, General Hudson Austin, ...": the person holds the title in what "its" stands for (``owner``,
    the actor of the sentence before), when the phrase opens the sentence."""
    found = []
    for b in mentions:
        title = _PRONOUN_TITLE.search(text, start, b.start)
        person = _person_like(b)
        opening = title is not None and not text[start : title.start()].strip(' "“')
        if owner is not None and person and opening and (read := _title(title)) is not None:
            predicate, words = read
            why = f"pattern: its {words}, PERSON"
            found.append(
                (
                    predicate,
                    b,
                    replace(owner, resolved_from=title.group(0).split()[0].lower()),
                    words,
                    why,
                    (title.start(), b.end),
                    0.65,
                )
            )
    return found


def titles(
    text: str, mentions: list[Mention], forces: Callable[[Mention], Mention | None] | None = None
) -> list[Found]:
    """ "U.S. President Joe Biden", "RSF commander Mohamed Hamdan Dagalo", "the LTTE's intelligence chief X",
    "Mozambique's defence ministry spokesman, Omar Saranga", "Abdelrahim Dagalo, the RSF's deputy commander".

    A demonym's military title ("Ukrainian commander-in-chief X") heads that country's forces as the report names
    them ("Ukrainian armed forces"), when ``forces`` finds them, rather than the country."""
    found = []
    for a, b in zip(mentions, mentions[1:], strict=False):
        force_phrase = a.source == "demonym" and " " in a.text  # "Russian forces", not "Russian"
        read = _title(_TITLE_BETWEEN.fullmatch(text, a.end, b.start))
        if read and "person" in b.kinds and "person" not in a.kinds and not force_phrase:
            predicate, title = read
            if title.startswith(_STAFF) and a.source in {"demonym", "country"}:
                continue  # "Dutch cameraman X" works for no state
            military = a.source == "demonym" and re.search(r"\bcommander|\bchief\b|army|military", title)
            force = forces(a) if military and forces is not None else None
            head = replace(force, start=a.start, end=a.end) if force is not None else a
            found.append((predicate, b, head, title, f"pattern: NAME {title} PERSON", (a.start, b.end), 0.8))
            continue
        whose = _title(_WHOSE_TITLE.fullmatch(text, a.end, b.start))
        holder = "person" in b.kinds or (not b.kinds and b.source == "name" and " " in b.text)  # a new full name
        if whose and holder and "person" not in a.kinds and a.source != "demonym":
            predicate, title = whose  # "the Young Patriots, whose leader Charles Ble Goude"
            found.append((predicate, b, a, title, f"pattern: NAME, whose {title} PERSON", (a.start, b.end), 0.75))
            continue
        of = _TITLE_OF.search(text, max(0, a.start - 40), a.start)
        if of and "person" in b.kinds and "person" not in a.kinds and _THEN_NAMED.fullmatch(text, a.end, b.start):
            title = of.group("title").lower()
            predicate = "partOf" if title.startswith(_MEMBERS) else "headOf"
            why = f"pattern: the {title} of NAME, PERSON"
            found.append((predicate, b, a, title, why, (of.start(), b.end), 0.75))
            continue
        after = _TITLE_AFTER.match(text, b.end)
        read = _title(after) if re.fullmatch(r",\s+(?:the\s+)?", text[a.end : b.start]) else None
        person = _person_like(a)
        if read and after and person and "person" not in b.kinds and b.source != "demonym":
            predicate, title = read
            found.append((predicate, a, b, title, f"pattern: PERSON, the NAME's {title}", (a.start, after.end()), 0.75))
    return found


_OFFICE = r"defen[cs]e|interior|foreign|finance|justice|information|home|war|oil|health|economy"
_OFFICE_TITLE = (
    r"(?:(?:former|acting|interim|then)\s+)?"
    rf"(?:(?P<office>{_OFFICE})\s+(?:minister|ministry\s+(?P<spokes>spokes(?:man|woman|person)))"
    rf"|minister\s+of\s+(?:the\s+)?(?P<office_of>{_OFFICE})(?:\s+affairs)?"
    r"|(?P<state>president|prime\s+minister|premier)"
    r"|(?P<army>army|military)\s+(?:chief(?:\s+of\s+staff)?|commander|(?P<army_spokes>spokes(?:man|woman|person)))"
    r"|chief\s+of\s+(?:the\s+)?(?P<army_of>army))"
)
_UNNAMED_TITLE = re.compile(rf"(?<![\w'’-]){_OFFICE_TITLE},?\s+{_RANKS}\Z", re.IGNORECASE)
_UNNAMED_TITLE_AFTER = re.compile(
    rf",\s+(?:the\s+)?(?:country['’]s\s+)?(?P<title>{_OFFICE_TITLE})(?![\w-])(?!\s+of\b)"
    r"(?!,?\s+(?:said|says|told|added|announced|stated|claimed|confirmed|reported)\b)"  # "Dakra, the army chief said"
    r"(?!,?\s+(?-i:[A-Z]))",  # "and X's son Y, military spokesman Brigadier Z said": the title is Z's
    re.IGNORECASE,
)
"""A title with no country or organisation before it, right before a person ("President X", "Defence Minister X",
"Minister of the Interior X", "army chief General X") or after a comma after one ("X, the defence minister", "X, the
country's army chief"); a spokesman is part of his ministry or army ("military spokesman Brigadier X")."""
_TITLE_WORDS = (
    TITLES | {"army", "military", "of", "the", "minister", "defense"} | set(_OFFICE.replace("[cs]", "c").split("|"))
)


def _title_start(m: Mention) -> int:
    """Where a person's own name begins: after a title the store's name includes ("President Bashar al-Assad")."""
    for word in re.finditer(r"\S+", m.text):
        if word.group().lower() not in _TITLE_WORDS:
            return m.start + word.start()
    return m.start


_HEAD_OF_STATE = re.compile(rf"\b(?P<title>President|Prime\s+Minister|Premier|King|Queen|Emir|Chancellor)\s+{_RANKS}\Z")
"""A head of state's or government's title right before a name, as written ("President", not "president")."""

_HEADS_LISTED = re.compile(
    r"\b(?:heads?\s+of\s+(?:state|government)(?:\s+and\s+(?:of\s+)?government)?|presidents|prime\s+ministers):\s+"
    r"(?:(?:[A-Z][\w.'’-]*\s+)+of\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*(?:,\s+(?:and\s+)?|\s+and\s+))*\Z"
)
"""A list of heads of state up to a name in it: "three heads of state: Thabo Mbeki of South Africa, John Kufuor of
Ghana" (a comma or "and" between them, which also keeps the search linear)."""


def offices(
    text: str,
    mentions: list[Mention],
    country: Mention | None,
    named: Callable[..., Mention | None],
) -> list[Found]:
    """ "President X", "Prime Minister X": head of the government of the country the report is about (``country``);
    "Defence Minister X": head of the defence ministry; "army chief X": head of the army; when no country or
    organisation comes before the title (those are :func:`titles`' "Russian President X", "RSF commander X").

    ``named`` finds the body the report names by one of the phrases given ("interior ministry", "Syrian
    government"), or the store by one that says whose it is. A president's government must be named by the report
    itself: a title alone does not say which country's it is (a report on Georgia quotes "President Medvedev").
    Otherwise the body is proposed under the name its title gives it ("Defence Ministry")."""
    found = []
    for m in mentions:
        person = _person_like(m)
        of = re.match(r"\s+of\s+(?:the\s+)?", text[m.end :])
        described = re.match(r"\s+of\s+the\s+(?:[a-z][\w-]*\s+){1,2}", text[m.end :])  # "the opposition Social ..."
        head = _HEAD_OF_STATE.search(text, max(0, m.start - 40), m.start) or _HEADS_LISTED.search(
            text, max(0, m.start - 300), m.start
        )
        if person and of and head:
            country = next((n for n in mentions if n.start == m.end + of.end() and n.source == "country"), None)
            if country is not None:  # "President Emmanuel Macron of France", "heads of state: X of Ghana, Y of ..."
                title = re.sub(r"\s+", " ", head.group("title") if "title" in head.re.groupindex else "head of state")
                title = title.lower()
                why = f"pattern: {title} PERSON of COUNTRY"
                found.append(("headOf", m, country, title, why, (head.start(), country.end), 0.8))
        ends = {m.end + o.end() for o in (of, described) if o}
        body = next((n for n in mentions if n.start in ends), None) if person and of else None
        if body is not None and body.source not in {"country", "demonym"} and not body.kinds & {"place", "person"}:
            found.append(("partOf", m, body, "of", "pattern: PERSON of ORGANISATION", (m.start, body.end), 0.7))
        if not person or of or " of " in m.text:
            continue  # "President X of Ukraine" says whose
        at = _title_start(m)
        window = max(0, m.start - 60)
        match = _UNNAMED_TITLE.search(text[window:at].replace("\n", " ")) if "person" in m.kinds else None
        if match is not None:
            lo = window + match.start()
            before = [n for n in mentions if n.end <= lo and re.fullmatch(r"\s*", text[n.end : lo])]
            if re.search(r"['’]s?\s*\Z", text[max(0, lo - 3) : lo]) or before:
                continue  # "Russian President X", "Syria's army chief X" (titles() reads them), "its president X"
            words = re.sub(r",?\s+$", "", text[lo : window + match.end()])
            words = re.sub(rf",?\s+{_RANKS}$", "", words) or words
            span = (lo, m.end)
        elif (match := _UNNAMED_TITLE_AFTER.match(text, m.end)) is not None:
            lo, words, span = match.start("title"), match.group("title"), (m.start, match.end())
        else:
            continue
        read = _office(match, lo, lo + len(words), words, country, named)
        if read is not None and normal(read[1].label) != normal(m.label):
            predicate, body, title, confidence = read
            found.append((predicate, m, body, words, f"pattern: {title}", span, confidence))
    return found


def _office(
    match: re.Match[str],
    lo: int,
    hi: int,
    words: str,
    country: Mention | None,
    named: Callable[..., Mention | None],
) -> tuple[str, Mention, str, float] | None:
    """(predicate, body, title, confidence) for a title :func:`offices` found at ``lo``-``hi``; None for a president
    whose government the report does not name."""
    dems = demonyms(country.label) if country is not None else []
    if match.group("state"):
        if country is None:
            return None
        nation = country.label
        phrases = [f"government of {nation}", f"{nation} government", *(f"{d} government" for d in dems)]
        body = named([], [*phrases, *(f"{d} regime" for d in dems)], store=False)  # as the report names it
        if body is None:
            return None
        title = f"{match.group('state').lower()} PERSON (of {nation}, the country the report names most)"
        return "headOf", replace(body, start=lo, end=hi), title, 0.6
    part = bool(match.group("spokes") or match.group("army_spokes"))
    predicate = "partOf" if part else "headOf"  # a spokesman is no head
    if office := (match.group("office") or match.group("office_of") or "").lower():
        spelt = {office, office.replace("defense", "defence"), office.replace("defence", "defense")}
        phrases = [p for o in sorted(spelt) for p in (f"{o} ministry", f"ministry of {o}", f"ministry of {o} affairs")]
        label = f"{office.title()} Ministry"
        qualified = [f"{d} {p}" for d in dems for p in phrases]
        qualified += [f"{p} of {country.label}" for p in phrases if country]
        body = named(phrases, qualified) or Mention(label, lo, hi, None, label, frozenset({"actor"}), "title")
        title = f"{office} {'ministry spokesman' if part else 'minister'} PERSON"
        return predicate, replace(body, start=lo, end=hi), title, 0.7
    nation = country.label if country is not None else ""
    army = re.search(r"army|military", words, re.IGNORECASE)
    assert army is not None
    phrases = [*(f"{d} army" for d in dems), *([f"{nation} army"] if nation else [])]
    label = f"{dems[0]} army" if dems else army.group()
    where = (lo + army.start(), lo + army.end())
    body = named([], phrases) or Mention(
        label, *where, None, label, frozenset({"actor"}), "title", extra=(army.group(),)
    )
    return predicate, replace(body, start=lo, end=hi), f"army {'spokesman' if part else 'chief'} PERSON", 0.65


_DIRECTION_OF = re.compile(
    # ", the town 40 km north of Y", " lies 40 km north of Y"
    r"(?:,\s+(?:[\w-]+\s+){0,6}?|\s+(?:is|lies|sits|was|lay)\s+(?:(?:located|situated)\s+)?)?"
    r"(?:(?:about|some|around|roughly)\s+)?(?:[\d,.]+\s*(?:km|kilometres|kilometers|miles)\s+)?"
    r"(north|south)(?:-?(?:east|west))?\s+of\s+(?:the\s+)?"
)


_LIST_JOINT = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?")
_AND_OTHERS = re.compile(
    r",?\s+(?:and|or)\s+(?:\d+\s+|several\s+|many\s+|dozens\s+of\s+)?(?:other|nearby|surrounding|neighbou?ring)\s"
)
"""After the last of a list that ends with its kind: "Dakra, Mabru and other towns"."""
_QUALIFIER = re.compile(r"\s+in\s+(?:the\s+)?")
"""Between a name and the place that qualifies it in a list ("Hamas in the Gaza Strip")."""


def lists(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Names listed together ("Jabrayil, Fuzuli, Zangilan and Gubadli"): runs joined by commas and a final "and".

    "A, B" alone is more often an apposition ("Geidam, Yobe state") than a list, so a pair counts only
    when joined by "and" or "or", or followed by "and other towns" (three or more names in a run are a list),
    and only names of one sort
    (places, or actors) are joined.
    """
    heads: list[Mention] = []
    ends: list[int] = []
    for m in mentions:  # "Hezbollah in Lebanon, Hamas in Gaza and the Houthis": the places qualify the names
        if heads and _QUALIFIER.fullmatch(text, ends[-1], m.start) and not _placeish(heads[-1]) and _placeish(m):
            ends[-1] = m.end
            continue
        heads.append(m)
        ends.append(m.end)
    runs, run = [], [heads[0]] if heads else []
    closed = False  # the run had its "and": a second one opens a clause ("bombed A and B, and the VFF took C")
    for n, (a, b) in enumerate(zip(heads, heads[1:], strict=False)):
        joint = _LIST_JOINT.fullmatch(text, ends[n], b.start)
        final = bool(joint and re.search(r"\b(?:and|or)\b", joint.group()))
        if joint and not (closed and final) and _placeish(a) == _placeish(b) and "person" not in a.kinds | b.kinds:
            run.append(b)
            closed = closed or final
            continue
        runs.append(run)
        run, closed = [b], False
    runs.append(run)
    joined = [
        r
        for r in runs
        if len(r) > 1
        and (re.search(r"\b(?:and|or)\b", text[r[0].end : r[-1].start]) or _AND_OTHERS.match(text, r[-1].end))
    ]
    return joined + [r for r in runs if len(r) > 2 and r not in joined and not any(map(_where, r))]


def _where(m: Mention) -> bool:
    """A name that places the one before it ("Dikwa, Borno state, Nigeria"): a country or a unit."""
    return m.source == "country" or bool(ADMIN_UNIT.search(m.text))


_LISTED = "; for each name of a list"


def _cover(span: tuple[int, int], m: Mention) -> tuple[int, int]:
    """The quote's span stretched to take in a listed name."""
    return min(span[0], m.start), max(span[1], m.end)


def across_lists(text: str, findings: list[Found], lists: list[list[Mention]]) -> list[Found]:
    """A relation found for one listed name holds for every name of its list ("captured A, B and C")."""
    spread = list(findings)
    for predicate, subject, obj, trigger, why, span, confidence in findings:
        for group in lists:
            starts = {m.start for m in group}
            if not _placeish(subject) and _QUALIFIER.fullmatch(text, subject.end, obj.start):
                continue  # "Hamas in Gaza, the Houthis in Yemen": each its own place ("A and B in C": both in C)
            if "PERSON of" in why:
                continue  # "X of Ghana, and Y of Mozambique": each person with the name right after them
            if obj.start in starts and subject.start not in starts:
                spread += [
                    (predicate, subject, m, trigger, why + _LISTED, _cover(span, m), confidence - 0.1)
                    for m in group
                    if m.start != obj.start
                ]
            elif subject.start in starts and obj.start not in starts:
                spread += [
                    (predicate, m, obj, trigger, why + _LISTED, _cover(span, m), confidence - 0.1)
                    for m in group
                    if m.start != subject.start
                ]
    return spread


_AMONG = re.compile(r",?\s+(?:among them|among whom|including)\s+")
_NAMED_SOON = 60
"""How far after "among them" a name may start and still be one of those counted ("the Dutch cameraman X")."""


def among_them(text: str, findings: list[Found], mentions: list[Mention], lists: list[list[Mention]]) -> list[Found]:
    """ "killed several civilians, among them the reporter X": whoever killed the people killed X (and every name
    listed with X); "including members of the Ossa Guard" names the Ossa Guard."""
    added: list[Found] = []
    for predicate, subject, obj, trigger, why, span, confidence in findings:
        if predicate != "killed" or obj.source != "group" or (among := _AMONG.match(text, obj.end)) is None:
            continue
        near = [m for m in mentions if among.end() <= m.start <= among.end() + _NAMED_SOON]
        first = next((m for m in near if m.source != "demonym"), None)  # "Dutch cameraman X": X
        if first is None or first is subject:
            continue
        named = next((run for run in lists if first in run), [first])
        why_named = why + '; for each name after "among them" or "including"'
        added += [(predicate, subject, m, trigger, why_named, _cover(span, m), confidence - 0.1) for m in named]
    return findings + added


_KILLING_FORCE = re.compile(
    r"(?P<gap>[^.;]{0,80}?),\s+killing\s+(?P<victims>[^,.;()]{1,80}?\b(?:peacekeepers?|soldiers?|troops|servicem[ae]n|"
    r"policem[ae]n|police officers?|officers|personnel|guards)\b[^,.;()]{0,40})",
    re.IGNORECASE,
)
"""After an attack's object: ", killing three Burundian peacekeepers", ", killing a Gabonese and a Moroccan
peacekeeper"."""
_FORCE_AFTER = re.compile(
    r"(?:\s*(?:,|and)\s+[A-Z][\w-]*)*\s+(?:(?:army|military|police|security)\s+)?(?:positions|patrols?|peacekeepers|troops|forces|soldiers|convoys?|bases?|"
    r"units|camps?|checkpoints?)\b"
)
"""A name that owns the force noun after it ("MINUSCA patrols", "SAMIDRC and MONUSCO positions"): a force."""


def killed_in_attacks(text: str, findings: list[Found], mentions: list[Mention]) -> list[Found]:
    """ "attacked MINUSCA patrols near Grimari, killing a Gabonese and a Moroccan peacekeeper": the soldiers an
    attack on a force killed were that force's, so its author killed the force (not the soldiers' countries, which
    the demonyms name, nor the army the report names most).

    Only for an attack on an actor that is no place, and soldiers no other name than a country's qualifies."""
    added: list[Found] = []
    dropped: set[tuple[int, int]] = set()  # (subject, where the soldiers are named)
    for predicate, subject, obj, _, why, span, confidence in findings:
        if predicate not in ATTACKS or "place" in obj.kinds or obj.source == "group" or obj.end < span[0]:
            continue
        if "actor" not in obj.kinds and not _FORCE_AFTER.match(text, obj.end):
            continue  # "attacked Dakra, killing 30 soldiers": whose soldiers, the place does not say
        match = _KILLING_FORCE.match(text, obj.end)
        if match is None or re.search(r",\s+\w+ing\b", match.group("gap")):
            continue  # another participle between: the killing may be its
        lo, hi = match.span("victims")
        named = [m for m in mentions if lo <= m.start < hi]
        if any(m.source not in {"demonym", "country"} for m in named):
            continue  # "killing Tavor Dassin and two soldiers"
        dropped.add((subject.start, lo))
        why_killed = why + '; ", killing" soldiers after an attack on a force: the force\'s'
        added.append(("killed", subject, obj, "killing", why_killed, (min(span[0], obj.start), hi), confidence - 0.1))
    # the killing read otherwise ("a Gabonese" as Gabon, "soldiers" as the army the report names most) goes
    kept = [
        f
        for f in findings
        if not (f[0] == "killed" and any(s == f[1].start and f[5][0] <= lo <= f[5][1] for s, lo in dropped))
    ]
    return kept + added


def _group(m: Mention) -> bool:
    """An actor that is not also a place ("Hezbollah"), or a new name in the plural ("the Houthis", "Hamas"), but not
    an agreement's or a meeting's ("the Cessation of Hostilities in Algiers", "the Geneva Talks")."""
    if m.kinds:
        return "actor" in m.kinds and "place" not in m.kinds and "person" not in m.kinds
    if _agreement(m):
        return False
    return m.source == "name" and m.text.endswith("s") and not m.text.endswith(("ss", "us"))


_AGREEMENT_WORDS = frozenset(
    """agreement agreements accord accords ceasefire cessation hostilities treaty protocol declaration talks
    negotiations elections conference summit""".split()
)
"""Words that make a name an agreement's or a meeting's, which happen somewhere rather than operate there."""


def _agreement(m: Mention) -> bool:
    """Whether a new name is an agreement's or a meeting's ("the Cessation of Hostilities"): neither group nor place."""
    return not m.kinds and bool(set(normal(m.text).split()) & _AGREEMENT_WORDS)


def _placeish(m: Mention) -> bool:
    """A name that may be a place: not known as something else, not a demonym or a group, and not a new name in
    the plural ("the Houthis")."""
    return (
        not (m.kinds and "place" not in m.kinds)
        and m.source not in {"demonym", "group"}
        and not (not m.kinds and _group(m))
        and not _agreement(m)
    )


_TRUCE_THAT = re.compile(
    r"\b(?:cease-?fire|truce|armistice|[Hh]ostilities(?:\s+[Aa]greement)?)\s+(?:that|which)\s+(?:the\s+)?\Z"
)
_BOTH_AGREED = re.compile(r"\s+(?:had\s+|have\s+|has\s+)?(?:agreed|signed|reached|accepted|concluded)\b")


_THEIR_TITLES = re.compile(
    r"\b(?P<title>presidents|leaders|prime\s+ministers|heads\s+of\s+state|kings|(?:foreign|defen[cs]e)\s+ministers|"
    r"army\s+chiefs|commanders)\s+of\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)
"""A plural title before two names ("the presidents of Russia and Moldova, Boris Yeltsin and Mircea Snegur")."""


def respective(text: str, mentions: list[Mention]) -> list[Found]:
    """ "the presidents of Russia and Moldova, Boris Yeltsin and Mircea Snegur": each person heads the body named in
    the same place (a minister is only part of it); added after lists are spread, which would pair them all."""
    found = []
    for a, b, x, y in zip(mentions, mentions[1:], mentions[2:], mentions[3:], strict=False):
        title = _THEIR_TITLES.search(text, max(0, a.start - 40), a.start)
        shape = (r"\s+and\s+(?:the\s+)?", r",\s+", r"\s+and\s+")
        gaps = (text[a.end : b.start], text[b.end : x.start], text[x.end : y.start])
        if title is None or not all(re.fullmatch(p, g) for p, g in zip(shape, gaps, strict=True)):
            continue
        bodies = all(not m.kinds & {"person"} and m.source != "demonym" for m in (a, b))
        people = all("person" in m.kinds or (not m.kinds and m.source == "name" and " " in m.text) for m in (x, y))
        if bodies and people:
            words = re.sub(r"\s+", " ", title.group("title")).lower()
            predicate = "partOf" if "minister" in words else "headOf"
            why = f"pattern: the {words} of A and B, X and Y"
            for person, body in ((x, a), (y, b)):
                found.append((predicate, person, body, words, why, (title.start(), y.end), 0.7))
    return found


_UNDER_FIRE_FROM = re.compile(r"\bunder\s+(?:heavy\s+|intense\s+|sustained\s+)?fire\s+from\s+(?:the\s+)?\Z")
_CAME_UNDER = re.compile(r"\b(?:came|come|comes|coming)\s+under\s+(?:heavy\s+|intense\s+)?(?:the\s+)?\Z")
_FIRE_AFTER = re.compile(r"\s+(?:fire|attack|attacks)\b")


def under_fire(text: str, mentions: list[Mention]) -> list[Found]:
    """ "The Rangers cleared the runway under fire from PRA units", "Afghan forces who reported coming under Taliban
    fire": who fired attacked the one the clause is about, the last actor named before the words."""
    found = []
    for n, b in enumerate(mentions):
        window = text[max(0, b.start - 40) : b.start]
        match, end = _UNDER_FIRE_FROM.search(window), b.end
        if match is None and (came := _CAME_UNDER.search(window)) and (fire := _FIRE_AFTER.match(text, b.end)):
            match, end = came, fire.end()  # the quote ends with "fire"
        if match is None:
            continue
        at = b.start - len(window) + match.start()
        targets = [m for m in mentions[:n] if m.end <= at and not m.kinds & {"place", "person"}]
        if targets:
            a = targets[-1]
            found.append(("attacked", b, a, "fire", "pattern: X under fire from Y", (a.start, end), 0.6))
    return found


def truces(text: str, mentions: list[Mention]) -> list[Found]:
    """ "the humanitarian ceasefire that Armenia and Azerbaijan agreed", "the Cessation of Hostilities Agreement
    that the Government and the SPLM/A in Opposition signed": the two who agreed it have a ceasefire."""
    found = []
    for a, b in zip(mentions, mentions[1:], strict=False):
        before = _TRUCE_THAT.search(text, max(0, a.start - 60), a.start)
        joined = re.fullmatch(r"\s+and\s+(?:the\s+)?", text[a.end : b.start])
        agreed = _BOTH_AGREED.match(text, b.end)
        parties = all("person" not in m.kinds and (not m.kinds or "actor" in m.kinds) for m in (a, b))
        if before and joined and agreed and parties:
            why = "pattern: the ceasefire that A and B agreed"
            found.append(("ceasefireWith", a, b, "ceasefire", why, (before.start(), agreed.end()), 0.7))
    return found


_LANDMARK = re.compile(
    r"\b(?:km|kilometres|kilometers|miles)\s+(?:to\s+the\s+)?(?:north|south|east|west)[\w-]*\s+of\s+(?:the\s+)?\Z"
)


def landmark(text: str, m: Mention) -> bool:
    """Whether a place is where a distance is measured from ("Bambari, 380 km northeast of Bangui"): it only
    places the place measured, and is neither what "the city" after it means nor what a clause acts on."""
    return bool(_LANDMARK.search(text, max(0, m.start - 40), m.start))


def directions(text: str, mentions: list[Mention]) -> list[Found]:
    """ "Bagram, the former air base north of Kabul", "Mainok, 55 km west of Maiduguri": where a place lies.

    A distance after a chain of places ("Barsalogho, a town in Sanmatenga province, Centre-Nord region, about
    40 km north of Kaya") places the town the chain began with: a province or a region is where it lies, and
    is not measured from a city."""
    found = []
    for n, (a, b) in enumerate(zip(mentions, mentions[1:], strict=False)):
        match = _DIRECTION_OF.fullmatch(text, a.end, b.start)
        inside = match and re.search(r"\b(?:in|within|inside)\s+the\s+(?:far\s+)?\Z", text[a.end : match.start(1)])
        if match and not inside and all(_placeish(m) for m in (a, b)):  # "in the south of X" is in X
            word = match.group(1).lower()
            why = f"pattern: PLACE {word} of PLACE"
            a = _chain_start(text, mentions, n) if ADMIN_UNIT.search(a.text) else a
            found.append(("northOf" if word == "north" else "southOf", a, b, word, why, (a.start, b.end), 0.75))
    return found + _measured_from_before(text, mentions)


_DISTANCE_ALONE = re.compile(
    r",\s+(?:(?:located|lying|situated)\s+)?(?:(?:about|approximately|some|around|roughly)\s+)?"
    r"[\d,.]+\s*(?:km|kilometres|kilometers|miles)\s+(?:to\s+the\s+)?(north|south)(?:-?(?:east|west))?\b(?!\s+of\b)",
    re.IGNORECASE,
)
"""A distance and a direction with no "of": "Damascus, located approximately 160 kilometers north" (of the place
the sentence named before it)."""


def _measured_from_before(text: str, mentions: list[Mention]) -> list[Found]:
    """ "The road from Kasi leads to Dakra, 40 km north": a place measured from the place the sentence named last
    before it; nothing when it named none (the place may be "the city", which only coreference knows)."""
    found = []
    for n, b in enumerate(mentions):
        match = _DISTANCE_ALONE.match(text, b.end)
        before = [m for m in mentions[:n] if _placeish(m) and m.source != "country"]
        if match and _placeish(b) and before:
            word = match.group(1).lower()
            why = f"pattern: PLACE, N km {word} (of the place before it)"
            a = before[-1]
            found.append(("northOf" if word == "north" else "southOf", b, a, word, why, (a.start, match.end()), 0.6))
    return found


def _chain_start(text: str, mentions: list[Mention], last: int) -> Mention:
    """The first place that is no administrative unit in the chain of places ending at ``mentions[last]`` ("Nyabibwe,
    in Kalehe territory"), or that mention itself when the chain has none."""
    start = last
    while start > 0 and _placeish(before := mentions[start - 1]) and _chained(text[before.end : mentions[start].start]):
        start -= 1
    return next((m for m in mentions[start:last] if not ADMIN_UNIT.search(m.text)), mentions[last])


def _chained(between: str) -> bool:
    """Whether the words between two places make the second where the first lies: ", ", ", in ", ", a town in "."""
    return bool(re.fullmatch(r",\s+", between) or _LOCATED.fullmatch(between))


_MADE_OF = re.compile(
    r"(?:\s*\([^()]{1,20}\)|\))?,?\s+(?:(?:an alliance|a coalition|made up|composed|formed)\s+of\s+[^.;()]{0,80}?,\s+)?"
    r"(?:among them|among which|including)\s+(?:the\s+)?"
)
"""Between a group and its first member: "the CPC, made up of six armed groups, among them the UPC"."""

_ONE_OF = re.compile(
    r",\s+one of the\s+(?:[\w-]+\s+){0,3}?(?:groups|factions|members|parties|militias|movements|organi[sz]ations|"
    r"units|brigades|countries|states)\s+(?:in|of|within|that make up|making up)\s+(?:the\s+)?"
)
"""Between a member and its whole: "the PFLP, one of the groups in the PLO", "Chad, one of the member states of X"."""


_LOYAL_TITLE = (
    r"(?:(?:the\s+)?(?:former\s+|ousted\s+|late\s+)?(?:president|general|prime minister|commander|leader|"
    r"warlord|colonel|sheikh)\s+|the\s+)?$"
)
_LOYAL = re.compile(
    r"\b(forces|troops|fighters|gunmen|militiamen|soldiers|units|militias|men|those)\s+(?:still\s+)?loyal\s+to\s+"
    + _LOYAL_TITLE,
    re.IGNORECASE,
)
_WHO_LOYAL = re.compile(
    r",\s+(?:who|which)\s+(?:are|were|is|was|remain|remained)\s+"
    r"(?:still\s+)?loyal\s+to\s+" + _LOYAL_TITLE,
    re.IGNORECASE,
)


def loyal(text: str, mentions: list[Mention]) -> list[Found]:
    """ "forces loyal to President Salva Kiir", "gunmen loyal to al-Hafl": a group named by whom it serves, allied
    with them. The group is named by these words (``frames`` reads the same words as the clause's argument), or by
    the name before them ("Fedayeen militiamen loyal to X", "the SPLA-IO forces, who are loyal to X")."""
    found = []
    named = {m.end: m for m in mentions if _names_a_group(m)}
    for m in mentions:
        if (match := _LOYAL.search(text, max(0, m.start - 80), m.start)) is not None and match.end() == m.start:
            before = text[: match.start()]  # "Fedayeen militiamen": the name, with or without the noun after it
            group = named.get(match.end(1)) or (named.get(len(before.rstrip())) if before.endswith(" ") else None)
            group = group or _loyal_group(text, match.start(), m)
        elif (match := _WHO_LOYAL.search(text, max(0, m.start - 80), m.start)) is not None and match.end() == m.start:
            if (group := named.get(match.start())) is None:
                continue
        else:
            continue
        found.append(("alliedWith", group, m, "loyal", "pattern: FORCES loyal to NAME", (group.start, m.end), 0.7))
    return found


_INSTALLED_TITLE = (
    r"(?:the\s+)?(?:new\s+|interim\s+|acting\s+|first\s+)?(?P<title>president|prime\s+minister|leader|commander|"
    r"commander-in-chief|chief|head|king|emir|chairman|chairwoman|secretary-general|director|director-general|"
    r"governor|deputy(?:\s+\w+)?|spokesman|spokeswoman|member)\s+of\s+(?:the\s+)?"
)
_PERSON_INSTALLED = re.compile(
    r",?\s+(?:(?:who\s+)?(?:was|has\s+been|had\s+been|is|were)\s+)?"
    rf"(?:sworn\s+in|installed|inaugurated|appointed|named|elected|re-elected|confirmed|chosen)\s+as\s+{_INSTALLED_TITLE}",
    re.IGNORECASE,
)
"""After a person: "X was sworn in as President of Y", "X, who was appointed as commander of Y"."""
_INSTALLING = re.compile(r"\b(?:appointed|named|installed|chose|elected|nominated)\s+(?:[A-Z][\w.-]*\s+){0,3}\Z")
"""Before a person an act names: "appointed (Colonel) X"."""
_AS_TITLE = re.compile(rf"(?:,\s+[^,;]{{1,40}},)?\s+as\s+{_INSTALLED_TITLE}", re.IGNORECASE)
"""After the person an act names: "appointed X as director of Y", "appointed X, now a general, as director of Y"."""


def installed(text: str, mentions: list[Mention]) -> list[Found]:
    """ "X was sworn in as President of Y", "appointed X as director of Y": X heads Y (a deputy, a spokesman or a
    member belongs to it)."""
    found = []
    starts = {m.start: m for m in mentions}
    for m in mentions:
        if not _person_like(m):
            continue
        match = _PERSON_INSTALLED.match(text, m.end)
        if match is None and _INSTALLING.search(text, max(0, m.start - 60), m.start):
            match = _AS_TITLE.match(text, m.end)
        body = starts.get(match.end()) if match else None
        if match is None or body is None or body.kinds & {"person"} or body.source == "demonym":
            continue
        title = re.sub(r"\s+", " ", match.group("title")).lower()
        predicate = "partOf" if title.split()[0] in {"deputy", "spokesman", "spokeswoman", "member"} else "headOf"
        found.append(
            (predicate, m, body, title, f"pattern: PERSON installed as {title} of NAME", (m.start, body.end), 0.75)
        )
    return found


_FORCE_WORDS = r"troops|forces|soldiers|units|fighters"
_TROOPS_IN = re.compile(
    rf"(?P<owner>,\s+whose\s+)?(?:\b(?:{_FORCE_WORDS}))?(?P<verb>\s+)(?:were|are|was|is|have\s+been|has\s+been|had\s+been|"
    r"remain|remained)\s+(?:still\s+)?(?:present\s+|deployed\s+)?in\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)
"""Before a place: "Ethiopian troops were in X", "A and B, whose troops have been in X"."""


def troops_in(text: str, mentions: list[Mention]) -> list[Found]:
    """ "between 3,000 and 4,000 Ethiopian troops were in Somalia", "Rwanda and Uganda, whose troops have been in the
    Congo": whose troops they are operates in the place (a list of owners is spread by :func:`across_lists`)."""
    found = []
    ends = {m.end: m for m in mentions if _names_a_group(m) or m.source in {"demonym", "country"}}
    for m in mentions:
        if m.kinds - {"place", "actor"} or m.source == "demonym":
            continue  # a person, a date, a people: no place
        if (match := _TROOPS_IN.search(text, max(0, m.start - 80), m.start)) is None:
            continue
        owner = (  # "A, whose troops", "Ethiopian troops" (the force noun in the name or after it)
            ends.get(match.start()) or ends.get(match.start("verb")) or ends.get(len(text[: match.start()].rstrip()))
        )
        troops = owner is not None and re.search(rf"\b(?:{_FORCE_WORDS})\Z", owner.text, re.IGNORECASE)
        said = re.match(rf"(?:,\s+whose\s+)?(?:{_FORCE_WORDS})\b", text[match.start() :].lstrip(), re.IGNORECASE)
        if owner is None or owner is m or not (troops or said):
            continue  # "Velen were in retreat": no troops said to be there
        found.append(("operatesIn", owner, m, "in", "pattern: TROOPS (were) in PLACE", (owner.start, m.end), 0.7))
    return found


_AND_ALLIED = re.compile(
    r"(?:\s+(?:army|forces|troops|soldiers|militias?|fighters))?(?:\s+\([^()]{1,20}\))?\s+and\s+(?:its\s+|their\s+)?allied\s+",
    re.IGNORECASE,
)
"""Between two names: "the Orna army (OA) and allied Velen militias"."""


def and_allied(text: str, mentions: list[Mention]) -> list[Found]:
    """ "clashes with the FARDC and allied Wazalendo militias": the second is the first's ally (who may be allied is
    checked with every other finding's types)."""
    found = []
    starts = {m.start: m for m in mentions}
    for m in mentions:
        if (match := _AND_ALLIED.match(text, m.end)) is None or (ally := starts.get(match.end())) is None:
            continue
        found.append(("alliedWith", ally, m, "allied", "pattern: NAME and allied NAME", (m.start, ally.end), 0.7))
    return found


def _names_a_group(m: Mention) -> bool:
    """Whether ``m`` can name the forces before "loyal to": a group's name or a new one, not a person, place or
    demonym."""
    return not m.kinds & {"person", "place"} and m.source not in {"demonym", "country"}


def _loyal_group(text: str, start: int, owner: Mention) -> Mention:
    """The group "forces loyal to X" as a mention of its own: an actor named by its words."""
    phrase = text[start : owner.end]
    return Mention(phrase, start, owner.end, None, phrase, frozenset({"actor"}), "group")


def memberships(text: str, mentions: list[Mention]) -> list[Found]:
    """ "Russia's Tsentr Battlegroup", "Ukrainian forces, including the 3rd Assault Brigade": a unit of a whole."""
    found = []
    for a, b in zip(mentions, mentions[1:], strict=False):
        between = text[a.end : b.start]
        unit = "actor" in b.kinds and "person" not in b.kinds and b.source == "name"
        if unit and a.source == "country" and re.fullmatch(r"['’]s\s+", between):
            found.append(("partOf", b, a, "'s", "pattern: COUNTRY's UNIT", (a.start, b.end), 0.7))
        elif _branch_of(a, b) and re.fullmatch(r"['’]s\s+", between):  # "Islamic State's Sahel Province"
            # a group's "province" is a branch, not a place, and its full name says whose
            branch = replace(b, kinds=frozenset({"actor"}), extra=(*b.extra, text[a.start : b.end]))
            found.append(("partOf", branch, a, "'s", "pattern: GROUP's BRANCH", (a.start, b.end), 0.7))
        elif unit and "actor" in a.kinds and re.fullmatch(r",?\s+including\s+(?:the\s+)?", between):
            found.append(("partOf", b, a, "including", "pattern: FORCES, including UNIT", (a.start, b.end), 0.7))
        elif "person" not in a.kinds | b.kinds and "place" not in b.kinds and _ONE_OF.fullmatch(between):
            why = "pattern: MEMBER, one of the groups in WHOLE"
            found.append(("partOf", a, b, "one of", why, (a.start, b.end), 0.7))
        elif "actor" in a.kinds and "place" not in a.kinds | b.kinds and _MADE_OF.fullmatch(between):
            why = "pattern: GROUP, made up of ..., among them MEMBER"
            found.append(("partOf", b, a, "among them", why, (a.start, b.end), 0.65))
    return found


_BRANCH_WORDS = frozenset(
    """province branch wing affiliate faction division brigade battalion regiment command front unit""".split()
)
"""Last words of a name that, after an armed group's possessive, make it a part of the group ("Islamic State's Sahel
Province", "the Velen Front's Dakra Brigade"); after a country's, a province is a place in it."""


def _branch_of(group: Mention, branch: Mention) -> bool:
    """Whether ``branch`` names a part of ``group``: an armed group (no country, place or person) before a name whose
    last word says it is a branch."""
    armed = "actor" in group.kinds and not group.kinds & {"place", "person"} and group.source == "name"
    return armed and branch.source == "name" and normal(branch.text).split()[-1] in _BRANCH_WORDS


ADMIN_UNIT = re.compile(
    r"\s(?:district|sub-?district|province|state|territory|governorate|region|department|municipality|prefecture|"
    r"local government area|commune|canton|oblast|raion|county)$",
    re.IGNORECASE,
)
"""The last words of a name that say it is an administrative unit ("Borno state", "Kaga local government area")."""


_SITE_WORDS = frozenset(
    """ministry embassy consulate hospital airport airbase base prison jail camp school college university mosque
    church cathedral market hotel stadium palace compound hub warehouse plant refinery port harbour station bridge
    square alley headquarters barracks academy""".split()
)
"""Words that make a name a building or a site, which lies somewhere rather than operates there."""


_SEATED = frozenset("council government junta parliament assembly cabinet presidency regime leadership".split())
"""Last words of a governing body's name: "X in Y" says where it sits (basedIn), not where it fights."""


_UNITS_OF = re.compile(r"\s+(regions|provinces|districts|states|governorates|territories)\s+of\s+(?:the\s+)?")
"""Between the last of a list of places and what they lie in: "the Don and Kuban regions of Russia"."""


def locations(text: str, mentions: list[Mention]) -> list[Found]:
    """Where places lie: "Minova, in Kalehe territory", "Goma, the capital of North Kivu", "the Saudi city of X",
    "Dikwa, Borno state", "Kingston, Jamaica", "the Catatumbo region of Norte de Santander"."""
    found = []
    listed = {id(m) for run in lists(text, mentions) for m in run}
    for a, b in zip(mentions, mentions[1:], strict=False):
        between = text[a.end : b.start]
        located_in = re.fullmatch(r"\s+(?:in|at)\s+(?:the\s+)?", between)
        if located_in and _placeish(b) and b.source != "demonym" and _SITE_WORDS & set(a.text.lower().split()):
            found.append(("locatedIn", a, b, "in", "pattern: SITE in PLACE", (a.start, b.end), 0.7))
            continue  # "the Ministry of Education in Mogadishu", "Kulu Memorial College in Limbe"
        if (
            _group(a)
            and _placeish(b)
            and b.source != "demonym"
            and (at := re.fullmatch(r"\s+(in|at)\s+(?:the\s+)?", between))
        ):
            word = at.group(1)  # "Hezbollah in Lebanon", "Afghan forces at Bagram"
            if word == "at" and re.search(r"\bby\s+(?:the\s+)?\Z", text[max(0, a.start - 8) : a.start]):
                continue  # "the land held by the LTTE at X": the place is the holding's
            if word == "in" and normal(a.text).split()[-1] in _SEATED:  # "the Revolutionary Command Council in Baghdad"
                found.append(("basedIn", a, b, word, "pattern: GOVERNING BODY in PLACE", (a.start, b.end), 0.6))
                continue
            found.append(("operatesIn", a, b, word, f"pattern: GROUP {word} PLACE", (a.start, b.end), 0.6))
            continue
        placeish = [m for m in (a, b) if not (m.kinds and "place" not in m.kinds) and m.source != "group"]
        if len(placeish) < 2:
            continue
        inner = a.source not in {"demonym", "country"} and b.source != "demonym"
        apposed = re.fullmatch(r",\s+", between) and inner and not (id(a) in listed and id(b) in listed)
        if apposed and (ADMIN_UNIT.search(b.text) or b.source == "country"):
            why = "pattern: PLACE, COUNTRY" if b.source == "country" else "pattern: PLACE, UNIT"
            found.append(("locatedIn", a, b, ",", why, (a.start, b.end), 0.7))
            continue
        if inner and ADMIN_UNIT.search(a.text) and re.fullmatch(r"\s+of\s+(?:the\s+)?", between):
            found.append(("locatedIn", a, b, "of", "pattern: UNIT of PLACE", (a.start, b.end), 0.7))
            continue
        if inner and (units := _UNITS_OF.fullmatch(between)):  # "the Don and Kuban regions of Russia" (a list)
            found.append(("locatedIn", a, b, units.group(1), "pattern: PLACE UNITS of PLACE", (a.start, b.end), 0.7))
            continue
        whose = a.source != "demonym" and b.source not in {"demonym", "country"}  # "Ukraine, whose Odessa region"
        if whose and ADMIN_UNIT.search(b.text) and re.fullmatch(r",\s+whose\s+", between):
            found.append(("locatedIn", b, a, "whose", "pattern: PLACE, whose UNIT", (a.start, b.end), 0.7))
            continue
        if b.source == "demonym" and a.source not in {"demonym", "country"} and re.fullmatch(r",\s+the\s+", between):
            if (town := _DEMONYM_TOWN.match(text, b.end)) is not None:  # "Zalambessa, the Ethiopian border town"
                country = replace(b, text=b.label, source="country")
                why = "pattern: PLACE, the DEMONYM town"
                found.append(("locatedIn", a, country, town.group(1), why, (a.start, town.end()), 0.7))
                continue
        if a.source == "demonym" and (kind := _DEMONYM_PLACE.fullmatch(between)):
            country = replace(a, text=a.label, source="country")
            if kind.group(1) == "capital":  # "the Nigerian capital Abuja"
                why = "pattern: the DEMONYM capital PLACE"
                found.append(("capitalOf", b, country, "capital", why, (a.start, b.end), 0.75))
                continue
            found.append(("locatedIn", b, country, "of", "pattern: DEMONYM city of PLACE", (a.start, b.end), 0.75))
        elif _CAPITAL.fullmatch(between) and a.source not in {"demonym", "country"}:
            predicate = "capitalOf" if b.source == "country" else "locatedIn"
            found.append((predicate, a, b, "capital", "pattern: PLACE, the capital of PLACE", (a.start, b.end), 0.8))
        elif (
            _LOCATED.fullmatch(between)
            and a.source not in {"demonym", "country"}
            and b.source != "demonym"
            and not _agreement(a)
        ):
            found.append(("locatedIn", a, b, "in", "pattern: PLACE(,) in PLACE", (a.start, b.end), 0.7))
        elif (owned := _OWNED_PLACE.match(text, b.end)) and re.fullmatch(r",\s+(?:one of\s+)?", between) and inner:
            found.append(_owned(a, b, owned, (a.start, owned.end())))  # "Mosul, Iraq's second-largest city"
        elif (owned := _OWNED_PLACE.fullmatch(between)) and owned.group(2) and inner:
            found.append(_owned(b, a, owned, (a.start, b.end)))  # "Iraq's second-largest city, Mosul"
    return found + _included_places(text, mentions)


_OWNED_PLACE = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,3}?(city|town|port|village|capital|cities|towns|ports|villages)\b"
    r"(,\s+|\s+of\s+)?",
    re.IGNORECASE,
)
"""A place named as another's: "Iraq's second-largest city", "the region's main port, X", "Sudan's capital of X",
"one of Orna's main ports"."""


def _owned(place: Mention, owner: Mention, match: re.Match[str], span: tuple[int, int]) -> Found:
    """A place named as a city (or the capital) of another: it lies there, or is its capital when that is a country."""
    capital = match.group(1).lower() == "capital" and owner.source == "country"
    why = "pattern: PLACE, OWNER's ... city" if not capital else "pattern: PLACE, COUNTRY's capital"
    return ("capitalOf" if capital else "locatedIn", place, owner, match.group(1).lower(), why, span, 0.7)


_INCLUDING = re.compile(r",\s+including\s+(?:the\s+)?")
_INCLUDED_JOINT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?(?:(?:[a-z]+\s+){1,2}of\s+(?:the\s+)?)?")
"""Between two places a place includes: "A, B and C", "the A municipality and the neighbourhoods of B"."""


def _included_places(text: str, mentions: list[Mention]) -> list[Found]:
    """ "eastern Rafah, including the Al Shouka municipality and the neighbourhoods of Al Salam and Al Jneina":
    each place a place is said to include lies in it."""
    found = []
    for n, a in enumerate(mentions):
        if not (_placeish(a) and "actor" not in a.kinds and a.source != "demonym"):
            continue
        previous, joint = a, _INCLUDING
        for b in mentions[n + 1 :]:
            if not joint.fullmatch(text, previous.end, b.start) or not _placeish(b) or "actor" in b.kinds:
                break
            found.append(("locatedIn", b, a, "including", "pattern: PLACE, including PLACE", (a.start, b.end), 0.65))
            previous, joint = b, _INCLUDED_JOINT
    return found


_SITE_HEADS = "|".join(sorted(_SITE_WORDS | {"site", "facility", "position", "office", "centre", "center"}))
_MODIFIER = r"(?!(?:the|a|an|its|their|his|her|of|on|in|at|to|and|or|from|by|for|with)\b)[\w-]+\s+"
"""A word that can qualify a site ("uranium enrichment", "UNMISS"): not one that opens or links a phrase."""
_FACILITY = re.compile(
    r"\b(?:the|a|an|its|their|his|her|[A-Z][\w-]*['’]s)\s+"
    rf"((?:{_MODIFIER}){{0,3}}?({_SITE_HEADS}))\s+(?:in|at)\s+(?:the\s+)?\Z"
)
"""A site named by its kind, after a determiner or a possessive, just before "in" or "at" and a place."""


def facilities(text: str, start: int, mentions: list[Mention]) -> list[Found]:
    """ "the uranium enrichment site in Natanz", "the UNMISS base in Bor", "its warehouse in Rafah": a site named by
    its kind lies in the place after it.

    The site becomes a name of its own, as "the presidential palace" does, known also with its place ("the
    UNMISS base in Bor"), since a report names it either way. The phrase opens with a determiner or a
    possessive, so that it never takes in the verb before it ("troops stormed a base in X": "base").
    """
    found: list[Found] = []
    for b in mentions:
        if not _placeish(b) or b.source == "demonym":
            continue
        match = _FACILITY.search(text, max(start, b.start - 120), b.start)
        if match is None:
            continue
        words = match.group(1)
        phrase = Mention(
            words,
            match.start(1),
            match.end(1),
            None,
            words,
            frozenset({"place"}),
            "group",
            extra=(f"{words} in {b.text}",),
        )
        found.append(
            ("locatedIn", phrase, b, match.group(2), "pattern: the SITE in PLACE", (match.start(1), b.end), 0.65)
        )
    return found


_FORCE_PHRASE = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:militias?|forces|fighters|rebels|groups?|factions?|troops|government|authorities|"
    r"paramilitaries|gunmen|units|proxies)\b"
)
_FEW_WORDS = re.compile(r"\s+(?:[a-z]+\s+){0,2}")
_STANCE = re.compile(r"\b(pro|anti)-$", re.IGNORECASE)
"""The side a name is taken for or against, just before it ("pro-Russian", "anti-Houthi")."""
_STANCE_NOUN = re.compile(rf"{_FORCE_PHRASE.pattern}|\s+(?:separatists|militants|insurgents|loyalists)\b")
"""Who takes a side: a force, or "separatists" ("pro-Russian separatists")."""
_COMPOUND = re.compile(
    r"-(backed|allied|aligned|supported|sponsored|funded|financed|armed|equipped|trained|held|controlled|run|led|based)\b"
)


_APPOSED = re.compile(r",\s+(?:a|an|the)\s+(?:[a-z][\w-]*\s+){0,2}\Z")
"""Between a name and a description of it: ", a ", ", the powerful "."""


def compounds(text: str, mentions: list[Mention]) -> tuple[list[Found], list[Mention]]:
    """ "the Iran-backed Houthis", "RSF-held El Fasher": the compound's name and the name it describes.

    "GNA-aligned militias" names a group of its own: it replaces "GNA" among the sentence's
    mentions, so the parser sees one name where the text has one subject.
    """
    found: list[Found] = []
    kept = list(mentions)
    for i, m in enumerate(mentions):
        if (stance := _STANCE.search(text, max(0, m.start - 5), m.start)) and (noun := _STANCE_NOUN.match(text, m.end)):
            phrase = text[stance.start() : noun.end()]  # "pro-Russian separatists": a group of its own, on X's side
            kept[i] = Mention(phrase, stance.start(), noun.end(), None, phrase, frozenset({"actor"}), "group")
            found += _described_by(stance.group(1).lower(), m, kept[i], (stance.start(), noun.end()))
            continue
        match = _COMPOUND.match(text, m.end)
        if not match:
            continue
        noun = _FORCE_PHRASE.match(text, match.end())
        if noun:
            phrase = text[m.start : noun.end()]
            described = Mention(phrase, m.start, noun.end(), None, phrase, frozenset({"actor"}), "group")
            kept[i] = described
            before = mentions[i - 1] if i > 0 else None
            if before is not None and _APPOSED.fullmatch(text, before.end, m.start) and not before.kinds - {"actor"}:
                described = before  # "the VFF, a Velen-backed militia": the VFF
        elif i + 1 < len(mentions) and _FEW_WORDS.fullmatch(text[match.end() : mentions[i + 1].start]):
            described = mentions[i + 1]
        else:
            continue
        quote = (min(m.start, described.start), max(match.end(), described.end))  # "the VFF, a Velen-backed"
        found += _described_by(match.group(1), m, described, quote)
    return found, kept


def _described_by(word: str, name: Mention, described: Mention, quote: tuple[int, int]) -> list[Found]:
    """What the lexicon's adjective ``word`` ("backed", "pro") says between the ``name`` in a compound and what the
    compound describes."""
    roles = {"mod": name, "self": described}
    return [
        (entry.predicate, roles[entry.subject], roles[entry.object], word, entry.describe(), quote, 0.8)
        for entry in by_lemma().get(("adj", word), ())
    ]


_FORCE_NOUN = re.compile(
    r"\s+(fighters|forces|troops|militants|soldiers|gunmen|units|elements|combatants|militiamen|peacekeepers|"
    r"insurgents|loyalists|members|operatives|paramilitaries|commandos|instructors|advisers|advisors|mercenaries|"
    r"contractors|guerrillas)\b"
)


def forces(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "CPC fighters", "Hamas gunmen": a group's name with the noun for its people, read as the group itself.

    The parser takes an unknown name before a plural noun for a noun of its own ("after CPC fighters
    withdrew" became "after CPC, [whom] fighters withdrew"); one word for the pair parses as the group
    it is. The mention keeps its name and becomes known also by the pair; it is an actor, not a place or
    a person.
    """
    out = []
    for m in mentions:
        noun = _FORCE_NOUN.match(text, m.end)
        unknown = m.source == "name" and m.entity is None  # its kind is a guess from its words ("... Province")
        group = m.source in {"name", "gazetteer"} and (unknown or not (m.kinds and m.kinds <= {"place", "person"}))
        if noun and group and not text[m.start : m.end].endswith("s"):
            m = replace(
                m,
                end=noun.end(),
                kinds=frozenset({"actor"}) if unknown else m.kinds | {"actor"},
                extra=(*m.extra, f"{m.text} {noun.group(1)}", f"{m.text} s {noun.group(1)}"),
            )
        out.append(m)
    return out
