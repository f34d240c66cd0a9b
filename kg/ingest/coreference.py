"""Who "it", "the group", "the city" and "the president" are: the names a report has met so far.

Extraction reads a report sentence by sentence; :class:`Document` keeps what the sentences before
taught: every name in order, aliases ("Rapid Support Forces (RSF)", "Henry" after "Ariel Henry"),
the kinds of new names learnt from the relations they filled, and whether the report is about an
air campaign. :func:`refer` picks the earlier name a pronoun or a description stands for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from kg.ingest import frames as frame_reader
from kg.ingest.frames import NON_STATE
from kg.ingest.mentions import PLACE_PREPOSITIONS, PLACE_WORDS, Gazetteer, Mention, normal
from kg.ingest.patterns import ADMIN_UNIT, AIR, landmark

__all__ = ["BETWEEN_SIDES", "Document", "agent", "refer", "side"]


class Document:
    """The state extraction keeps across sentences: the names met so far, for pronouns and descriptions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.air = len(AIR.findall(text)) >= 2
        self.history: list[Mention] = []
        self._by_word: dict[str, list[Mention]] = {}
        self._indexed = 0
        self.last: list[Mention] = []
        """The previous sentence's mentions: where "it" and "they" look first."""
        self.aliases: dict[str, Mention] = {}
        self.kinds: dict[str, set[str]] = {}
        self.fighters: Counter[str] = Counter()
        """Names that took, attacked, killed or held something so far: who "the militants" can be."""
        self.acted: list[Mention] = []
        """The subjects of the last sentence that stated a relation, in order: "They" in the next is the first."""
        self.country: Mention | None = None
        """The country the whole report names most (set before it is read): whose capital "the capital" is."""
        self.called: Counter[tuple[str, str]] = Counter()
        self.sides: tuple[Mention, Mention] | None = None
        self.attacker: Mention | None = None
        """Who made the last attack, strike or shelling the report stated: the author of "the attack" after it."""
        """The last two armed sides seen fighting each other: who "the two sides" are."""
        self.everyone: list[Mention] = []
        """Every name the whole report spots (set before it is read): where "President X"'s government is named."""
        self.gazetteer: Gazetteer | None = None
        self.people: list[Mention] = []
        """Groups of people named so far ("tens of thousands of displaced people"): whom "many of them" counts."""
        """(description, name) for each "ISWAP fighters", "al-Shabaab militants": what "the militants" stand for."""

    def typed(self, mentions: list[Mention]) -> list[Mention]:
        """Mentions with what the report has taught so far: "RSF" after "Rapid Support Forces (RSF)", learnt kinds."""
        for a, b in zip(mentions, mentions[1:], strict=False):
            if self.text[a.end : b.start].strip() == "(" and self.text[b.end : b.end + 1] == ")":
                self.aliases[normal(b.text)] = a
        for m in mentions:  # "M23 rebels", "ISWAP gunmen": what "the rebels" will stand for
            after = _NEXT_WORD.match(self.text, m.end)
            if after and (lemma := frame_reader.noun_lemma(after.group(1))) in NON_STATE:
                self.called[(lemma, normal(m.label))] += 1
        described = {id(b): a for a, b in zip(mentions, mentions[1:], strict=False) if self._describes(b, a)}
        out = []
        for m in mentions:
            canonical = (
                self.aliases.get(normal(m.text)) or self._surname(m) or self._short_name(m) or described.get(id(m))
            )
            if canonical is not None and canonical.start != m.start:
                m = replace(
                    m, entity=canonical.entity, label=canonical.label, kinds=canonical.kinds, extra=(canonical.text,)
                )
            learnt = self.kinds.get(normal(m.label))
            if learnt and not m.entity and m.source in {"name", "title"}:
                m = replace(m, kinds=m.kinds | frozenset(learnt), learnt=frozenset(learnt) - m.kinds)
            out.append(m)
        return out

    def _describes(self, m: Mention, name: Mention) -> bool:
        """Whether a demonym phrase describes the name before it ("Hezbollah, a Lebanese militia allied with X"):
        the phrase then stands for that name, not for the country (which would make Lebanon X's ally)."""
        between = self.text[name.end : m.start]
        named = (
            "place" not in name.kinds and name.source in {"name", "title", "gazetteer"} and "person" not in name.kinds
        )
        return m.source == "demonym" and named and _DESCRIPTION.fullmatch(between) is not None

    def _surname(self, m: Mention) -> Mention | None:
        """ "Henry" after "Ariel Henry": a lone word that ends an earlier person's (or unknown) name; also one that
        begins a person's name the store knows, or one the report has shown to be a person's ("Rami, thank you"
        in an interview with Rami Abdel-Rahman)."""
        if m.entity or m.source not in {"name", "title"} or " " in m.text.strip():
            return None
        for earlier in reversed(self._sharing_a_word(m.text)):
            words = earlier.text.split()
            person = "person" in earlier.kinds or "person" in self.kinds.get(normal(earlier.label), set())
            if (
                len(words) > 1
                and words[-1] == m.text
                and (person or not earlier.entity)
                and "place" not in earlier.kinds
            ):
                return earlier
            if len(words) > 1 and words[0] == m.text and person:
                return earlier
        return None

    def _sharing_a_word(self, word: str) -> list[Mention]:
        """The earlier names of several words that begin or end with ``word``, in order: what a lone word may stand
        for. Indexed as the history grows, so a long report is not read again for each name."""
        for m in self.history[self._indexed :]:
            words = m.text.split()
            if len(words) > 1:
                for w in {words[0], words[-1]}:
                    self._by_word.setdefault(w, []).append(m)
        self._indexed = len(self.history)
        return self._by_word.get(word, [])

    def _short_name(self, m: Mention) -> Mention | None:
        """ "Velen fighters" after "the Velen Liberation Front", "Wagner mercenaries" after "the Wagner Group": a lone
        word before a fighters' noun that begins an earlier group's name is that group."""
        if m.entity or m.source != "name" or " " in m.text.strip():
            return None
        after = _NEXT_WORD.match(self.text, m.end)
        if after is None or frame_reader.noun_lemma(after.group(1).lower()) not in _FIGHTERS:
            return None
        for earlier in reversed(self._sharing_a_word(m.text)):
            words = earlier.text.split()
            if words[0] == m.text and not earlier.kinds & {"place", "person"}:
                return earlier
        return None

    def named(self, phrases: list[str], qualified: list[str], store: bool = True) -> Mention | None:
        """The body one of ``phrases`` or ``qualified`` names ("interior ministry", "Syrian interior ministry"): as
        the report names it anywhere (the first), else as the store does by a ``qualified`` phrase, one that says
        whose it is (the store's "Interior Ministry" is one report's); None if neither does. A name in the report
        found by bare words keeps no link to the store (its "Interior Ministry" is Syria's); ``store=False``: as the
        report names it only."""
        whose, bare = {normal(p) for p in qualified}, {normal(p) for p in phrases}
        for m in self.everyone:
            if whose & {normal(m.text), normal(m.label)}:
                return m
            if normal(m.text) in bare:  # the store's link of bare words names another's
                return m if m.entity is None else replace(m, entity=None, label=m.text)
        for phrase in qualified if store else []:
            known = self.gazetteer.lookup(phrase) if self.gazetteer is not None else None
            if known is not None:
                entity, label, kinds = known
                return Mention(label, 0, 0, entity, label, kinds, "gazetteer")
        return None

    def forces_of(self, demonym: Mention) -> Mention | None:
        """The country's armed forces as the report names them by its demonym ("Ukrainian armed forces", else "the
        Ukrainian army", "Ukrainian forces"), for "Ukrainian commander-in-chief X"; None if it names none."""
        phrases = [m for m in self.everyone if m.source == "demonym" and " " in m.text.strip()]
        phrases = [m for m in phrases if normal(m.label) == normal(demonym.label)]
        for kind in ("armed forces", "army", "military", "forces"):
            found = next((m for m in phrases if normal(m.text).endswith(kind)), None)
            if found is not None:
                return found
        return None

    def owner(self) -> Mention | None:
        """Whom "its" or "their" opening a sentence stands for ("The Council took power. Its chairman, X, ..."):
        the first actor of the last sentence that acted, else of the last that named one."""
        for candidates in (self.acted, self.last):
            first = next((m for m in candidates[:2] if agent(m) and not self._place(m)), None)
            if first is not None:
                return first
        return None

    def count_people(self, start: int, end: int) -> None:
        """Remember the groups of people a sentence counts ("forced more than 32,000 people from their homes"),
        even where no frame reads them: "Most have fled to Kasi" in the next sentence counts them."""
        for match in _COUNTED_PEOPLE.finditer(self.text, start, end):
            if not any(m.start == match.start() for m in self.people):
                phrase = match.group()[:1].lower() + match.group()[1:]  # "Around 4,000 people" opening a sentence
                self.people.append(
                    Mention(phrase, match.start(), match.end(), None, phrase, frame_reader.PEOPLE_KINDS, "group")
                )

    def learn(self, m: Mention, kind: str | None) -> None:
        if kind and not m.entity and m.source in {"name", "title"} and not m.resolved_from:
            self.kinds.setdefault(normal(m.label), set()).add(kind)

    def _where(self, m: Mention) -> bool:
        """A new name after a preposition of place ("at Idale", "around Baidoa"): where something happened."""
        before = self.text[max(0, m.start - 12) : m.start].lower().split()
        return m.entity is None and bool(before) and before[-1] in _WHERE

    def _place(self, m: Mention) -> bool:
        """A name the report has since shown to be a place only ("Kasi, the capital"): never "they"."""
        learnt = self.kinds.get(normal(m.label), set())
        return not m.kinds and "place" in learnt and "actor" not in learnt

    def only_place(self, m: Mention) -> bool:
        """A new name the report has shown to be a place only, or a known place: no actor of a relation."""
        learnt = self.kinds.get(normal(m.label), set())
        shown = "place" in learnt and "actor" not in learnt and m.kinds <= {"place"}  # a guess ("in X") aside
        return shown or (m.kinds == frozenset({"place"}) and m.entity is not None)

    def _maybe_place(self, m: Mention) -> bool:
        """A new name that may be a place: no kind learnt, not seen fighting, not an acronym, not named as a group
        ("the Orna Army")."""
        words = normal(m.text).split()
        return (
            not m.kinds
            and m.source == "name"
            and normal(m.label) not in self.kinds
            and not self.fighters.get(normal(m.label))
            and not m.text.isupper()
            and not (words and _stem(words[-1]) in _ARMED_WORDS)
        )

    def fought(self, predicate: str, subject: Mention, obj: Mention | None = None) -> None:
        """Remember a name that fought: the subject of a capture, an attack, a killing or a hold; and the last two
        armed sides seen fighting each other, whom "the two sides" stand for."""
        if predicate in _FIGHTING and subject.source == "name":
            self.fighters[normal(subject.label)] += 1
        if predicate in BETWEEN_SIDES and obj is not None and side(subject) and side(obj):
            self.sides = (subject, obj)
        if predicate in {"attacked", "shelled", "struckFromAir"} and agent(subject):
            self.attacker = subject

    def two_sides(self, before: list[Mention]) -> tuple[Mention, Mention] | None:
        """Who "the two sides" are: the last two seen fighting each other, else the two sides the report (up to
        ``before``, the sentence's names before the words) names most, the first named among equals."""
        if self.sides is not None:
            return self.sides
        named = [m for m in self.history + before if side(m)]
        counts = Counter(normal(m.label) for m in named)
        first: dict[str, Mention] = {}
        for m in named:
            first.setdefault(normal(m.label), m)
        ranked = sorted(first, key=lambda k: -counts[k])  # stable: the first named among equals
        return (first[ranked[0]], first[ranked[1]]) if len(ranked) >= 2 else None

    def resolver(self, sentence_mentions: list[Mention], offsets: dict[int, int]) -> frame_reader.Resolver:
        def resolve(head: str, word: int) -> Mention | None:
            at = offsets.get(word, 0)
            if head.startswith("+"):  # a group named in place: "displaced people", "tribal gunmen"
                first, phrase = head[1:].split(":", 1)
                start = offsets.get(int(first), at)
                parts = re.sub(r" (?:in|from) \S.*$", "", phrase).split(" of ")  # "30 hostages in Dakra": hostages
                head, n = parts[0].split()[-1].lower(), 0
                while head in frame_reader.PARTS and n + 1 < len(parts):  # "(tens of) thousands of residents"
                    n += 1
                    head = parts[n].split()[-1].lower()
                kinds = frame_reader.PEOPLE_KINDS if head in frame_reader.PEOPLE else frozenset({"actor"})
                if head in frame_reader.NAMED_BY_KIND and head != "enemy":
                    kinds = frozenset({"place"})  # "the presidential palace"
                bare = _without_number(phrase)  # "more than 60,000 refugees" are also "refugees"
                extra = (bare,) if bare != phrase else ()
                group = Mention(phrase, start, start + len(phrase), None, phrase, kinds, "group", extra=extra)
                if kinds == frame_reader.PEOPLE_KINDS:
                    self.people.append(group)
                return group
            if head == "the attack":  # "The VFF attacked Dakra. The attack killed 20 soldiers": the VFF's
                return replace(self.attacker, resolved_from=head) if self.attacker is not None else None
            if head == "of them":  # "many of them": the last group of people named before
                counted = sorted((m for m in self.people if m.start < at), key=lambda m: m.start)
                return replace(counted[-1], resolved_from="them") if counted else None
            before = [m for m in sentence_mentions if m.end <= at]
            if head == "it:place":  # "the VFF seized it": the place named last, in this sentence first
                earlier = [m for m in self.history + before if not landmark(self.text, m)]
                places = [m for m in earlier if _a_place(m, self.kinds)]
                places = places or [m for m in earlier if self._maybe_place(m)]  # "Dakra is strategic. X took it"
                here = [m for m in places if m in before]
                recent = (here or places)[-3:]  # "Bangassou, in Mbomou prefecture": the town, not its region
                towns = [m for m in recent if not ADMIN_UNIT.search(m.text)]
                return (towns or recent or [None])[-1]
            if head.startswith(("it|", "them|")):  # an object pronoun is not its own clause's subject (see frames)
                head, subject = head.split("|", 1)
                for candidates in (before, self.acted, self.last):
                    others = [m for m in candidates if normal(m.label) != subject and agent(m) and not self._place(m)]
                    if others:
                        return replace(others[0], resolved_from=head)  # the most prominent, as for "it" below
                return None
            pronoun = head in {"it", "its", "they", "them", "their"}
            if pronoun:  # "attacks on positions at Idale and around Baidoa, which they had besieged": who, not where
                before = [m for m in before if not self._where(m)]
                for candidates in (before, self.acted, self.last):  # the subject of this or the last sentence first
                    first = next((m for m in candidates[:2] if agent(m) and not self._place(m)), None)
                    if first is not None:
                        return replace(first, resolved_from=head)
            earlier = self.history + before
            if head in {"country", "nation"}:  # "British and Canadian troops began to leave the country": not Britain
                earlier = self.history + [m for m in before if m.source != "demonym"]
            if head in PLACE_WORDS or head in {"capital", "area"}:  # "the city": not a distance's landmark
                earlier = [m for m in earlier if not landmark(self.text, m)]
                here = [m for m in before if m in earlier and (not m.kinds or "place" in m.kinds)]
                if here and (found := refer(head, here)) is not None:  # "seized Bambari ...; retook the city"
                    return found
            return refer(head, earlier, self.fighters, self.called)

        return resolve


def _without_number(phrase: str) -> str:
    """A group's phrase without its number: "at least 11 people" -> "people", "thousands of residents" ->
    "residents"."""
    words = phrase.split()
    while len(words) > 1 and (words[0].lower() in frame_reader.QUANTIFIERS or words[0][:1].isdigit()):
        words = words[1:]
    while len(words) > 2 and words[0].lower() in frame_reader.PARTS and words[1] == "of":  # "tens of thousands of"
        words = words[2:]
    return " ".join(words)


_COUNTED_PEOPLE = re.compile(
    r"\b(?:(?:at least|more than|up to|an estimated|nearly|almost|about|around|some|over|roughly|approximately)\s+)?"
    r"(?:\d[\d,.]*(?:\s+(?:million|thousand))?|(?:tens|hundreds|thousands|dozens|millions)\s+of"
    r"(?:\s+thousands\s+of)?)\s+(?:(?!of\b)[a-z-]+\s+)?(?:" + "|".join(sorted(frame_reader.PEOPLE)) + r")\b",
    re.IGNORECASE,
)
"""A group of people with its number: "more than 32,000 people", "tens of thousands of displaced people"."""


_PERSON_HEADS = frozenset(
    """president minister commander leader general chief spokesman spokeswoman king emir governor envoy
    premier colonel""".split()
)

_GROUP_HEADS = frozenset(
    """group militia movement organisation organization rebel insurgent jihadist paramilitary army military force
    regime government faction alliance coalition militant fighter battlegroup brigade unit formation
    command division ministry terrorist separatist extremist gunman guerrilla gang""".split()
)
"""Descriptions of an armed group or a state's body, by their lemma ("the rebels" -> "rebel")."""

_INSTITUTIONS = frozenset({"army", "military", "government", "regime", "ministry"})
"""Descriptions of a state's own bodies: never an unknown name that merely came before ("clashes with the army")."""


_FIGHTING = frozenset({"captured", "attacked", "killed", "shelled", "advancedOn", "controls", "occupied", "encircled"})
"""Relations whose subject is seen fighting: the evidence that a name is the armed group "the militants" are."""

_STATE_WORDS = frozenset(
    """army military government regime ministry police navy troops soldiers authorities junta forces battlegroup
    regiment corps guard""".split()
)
"""Words that make a name a state's own body ("the Nigerian army", "Russian forces", "Kabul's government")."""


_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)\b")

_FIGHTERS = NON_STATE | {"fighter", "mercenary", "member", "unit", "force", "troop", "commander", "combatant"}
"""Nouns for a group's people ("Velen fighters", "Wagner mercenaries"), as lemmas."""


def _armed_group(
    head: str, earlier: list[Mention], fought: Mapping[str, int], called: Mapping[tuple[str, str], int]
) -> Mention | None:
    """Who "the militants" (``head``: "militant") are: a name called so ("ISWAP militants") or with the word in
    it, else the name seen fighting most often (the report's protagonist); never a state's body, a
    person or a place. None when the report has shown no such group: "the militants" are then a group of their
    own."""

    def evidence(m: Mention) -> int:
        return fought.get(normal(m.label), 0)

    outside = [
        m
        for m in earlier
        if m.source == "name"
        and not m.kinds & {"person", "place"}
        and not _words(m) & _STATE
        and ("actor" in m.kinds or evidence(m))
    ]
    said = [m for m in outside if head in _words(m) or called.get((head, normal(m.label)))]
    best = max(reversed(said or outside), key=evidence, default=None)
    return best if best is not None and (said or evidence(best)) else None


def _words(m: Mention) -> set[str]:
    """A name's words without their plural "s", to match a description's lemma ("rebel" in "M23 rebels")."""
    return {_stem(w) for w in f"{normal(m.text)} {normal(m.label)}".split()}  # "SNA": "Somali National Army"


def _stem(word: str) -> str:
    """A word without its plural "s", for matching a lemma against a name's words ("rebel" in "M23 rebels")."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


_STATE = frozenset(_stem(w) for w in _STATE_WORDS)
"""The state words as :func:`_words` gives a name's words."""


BETWEEN_SIDES = frozenset({"attacked", "shelled", "struckFromAir", "killed", "opposes", "encircled"})
"""Relations between two armed sides: the last one seen says who "the two sides" are."""


def side(m: Mention) -> bool:
    """A name that can be one side of a war: an armed group, a state's forces or a state, not a place, a person or
    a group of people ("Convención", named only as attacked, is no side; "the 33rd Front" says it is one)."""
    if "person" in m.kinds or m.kinds == frame_reader.PEOPLE_KINDS:
        return False
    if "actor" in m.kinds:  # a country is an actor and a place
        return "place" not in m.kinds or m.source in {"country", "demonym"} or m.entity is not None
    last = normal(m.text).split()[-1:] or [""]
    return not m.kinds and m.source == "name" and _stem(last[0]) in _ARMED_WORDS


_ARMED_WORDS = frozenset(
    """army force front group militia movement brigade battalion division regiment corps faction gang coalition
    alliance rebel guard""".split()
)
"""Last words of a new name that make it an armed side ("the 33rd Front", "the Kalver Brigade")."""


def _a_place(m: Mention, learnt: Mapping[str, set[str]]) -> bool:
    """A town, a region or a site (not a country, which is an actor too, nor a demonym's country)."""
    kinds = set(m.kinds) | learnt.get(normal(m.label), set())
    return "place" in kinds and "actor" not in kinds and m.source not in {"demonym", "country", "group"}


_WHERE = PLACE_PREPOSITIONS | {"at"}
"""Words before a name that say where something happened ("positions at Idale"), not who did it."""


def agent(m: Mention) -> bool:
    """A name that can act: an actor, a country or demonym phrase, or unknown; not a person, not a place alone."""
    return "person" not in m.kinds and ("actor" in m.kinds or not m.kinds) and m.source != "group"


def refer(
    head: str,
    earlier: list[Mention],
    fighters: Mapping[str, int] | None = None,
    called: Mapping[tuple[str, str], int] | None = None,
) -> Mention | None:
    """The earlier name a pronoun or a description stands for: the nearest that fits, the most named among actors.

    Places ("the city") take the nearest place; a facility ("the airport") only a name that says
    so; groups ("the group", "it", "they") the actor the report names most among the last few, so
    that a passing mention does not steal the report's protagonist.
    """

    def actor(m: Mention) -> bool:
        unknown_or_actor = "actor" in m.kinds or not m.kinds
        lone_demonym = m.source == "demonym" and " " not in m.text
        return "person" not in m.kinds and unknown_or_actor and m.source != "country" and not lone_demonym

    recent = earlier[-10:]
    if head in {"he", "him", "his", "she", "her"}:
        pick = next((m for m in reversed(earlier) if "person" in m.kinds), None)
    elif head in _FACILITIES:
        pick = next((m for m in reversed(earlier) if head in normal(m.text).split()), None)
    elif head in PLACE_WORDS or head in {"capital", "area"}:

        def fits(m: Mention) -> bool:
            settlement = head in {"city", "town", "village", "capital"}
            region = normal(m.text).split()[-1] in _REGION_WORDS | _FACILITIES  # "Bentiu hospital" is no town
            region = region or "actor" in m.kinds  # nor is a country the store knows ("Russia")
            return (m.source not in {"demonym", "country", "group"} or head in {"country", "state"}) and not (
                settlement and region
            )

        pick = next((m for m in reversed(recent) if fits(m) and "place" in m.kinds), None)
        # an acronym ("the VFF") names an organisation, not a town
        pick = pick or next(
            (m for m in reversed(recent) if fits(m) and not m.kinds and not re.fullmatch(r"[A-Z]{2,6}", m.text)), None
        )
    elif head in _PERSON_HEADS:  # "the president", "the commander": the last person named
        pick = next((m for m in reversed(earlier) if "person" in m.kinds), None)
    elif head in {"country", "nation"}:  # "the country": the last country named
        pick = next((m for m in reversed(earlier) if m.source in {"country", "demonym"} and " " not in m.text), None)
        pick = replace(pick, text=pick.label) if pick is not None else None
    elif head in {"soldier", "troop"}:  # "killing more than 30 soldiers": the state's forces the report names most
        named = [m for m in recent if actor(m) and (_words(m) & _STATE or m.source == "demonym")]
        counts = Counter(normal(m.label) for m in earlier)
        pick = max(reversed(named), key=lambda m: counts[normal(m.label)], default=None)
    elif head in NON_STATE:  # "the militants": the group seen as one, never the state
        pick = _armed_group(head, earlier, fighters or {}, called or {})
    elif head in _GROUP_HEADS or head in {"it", "its", "they", "them", "their"}:
        named = [m for m in recent if actor(m)]
        if head in _INSTITUTIONS:  # "the army" is a name with "army" in it, else the army itself (not "Kasi")
            named = [m for m in named if head in _words(m) or "actor" in m.kinds and m.source != "name"]
        elif head in _GROUP_HEADS:
            named = [m for m in named if head in _words(m)] or named
        counts: dict[str, int] = {}
        for m in earlier:
            counts[normal(m.label)] = counts.get(normal(m.label), 0) + 1
        ranked = sorted(enumerate(named), key=lambda im: (counts[normal(im[1].label)] + bool(im[1].kinds), im[0]))
        pick = ranked[-1][1] if ranked else None
    else:
        return None
    return replace(pick, resolved_from=head) if pick else None


_DESCRIPTION = re.compile(r",\s+(?:a|an)\s+(?:[a-z][\w-]*\s+){0,3}")
"""Between a name and a description of it: ", a powerful ", ", an Iran-backed "."""


_REGION_WORDS = frozenset(
    {"province", "state", "region", "district", "territory", "governorate", "oblast", "county", "area", "department"}
)

_FACILITIES = frozenset(
    """airport base airbase bridge port prison camp plant dam hospital border road street square highway crossing river
    sea strait gulf island islands mountain mountains desert plain plains""".split()
)
"""Descriptions that only a name with the same word can stand for ("the airport": "Mitiga International Airport";
"the border" is no town named before it: "fled towards the Tarvian border", "evacuated people from the border
areas")."""
