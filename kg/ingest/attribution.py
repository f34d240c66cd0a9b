"""Who says what a sentence states: the claimant a draft proposes for each candidate claim.

A report's statements are its reporter's unless a sentence gives them to someone, and "says who?" is
half of what an analyst asks of a claim. A sentence gives a statement away in a few shapes, read here
off its words and the names spotted in it, not off the parse (which hangs a trailing "X said" on any
verb):

- after it: "Velen fighters took Kasi, residents said." / ", the army said in a statement." /
  ", said Dani Orel, a spokesman for the VLF.";
- before it: "The army said (on Monday) (that) its troops withdrew." / "Orna says its troops ...";
- around it: "..., according to the UN refugee agency, ..." (the whole sentence);
- an accusation: "Orna accused Tarvia of arming the rebels" (what follows "of");
- a transcript's turn: "**Rami Abdel-Rahman:** The situation is ..." (the whole line).

The speaker is the name in the speaking phrase: the person when one is named ("the acting governor,
Alexei Smirnov", as the project's own annotations credit a monitor's director), else the body ("a
spokesman for the VLF", "Orna's defence ministry": the VLF's and Orna's words); a pronoun ("he
said", "it accused") is the last person or actor named before it. A phrase with no name ("residents",
"a monitoring group") leaves the reporter as claimant, and the draft says who spoke, for the
reviewer to name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from kg.ingest.mentions import Mention

__all__ = ["TURN", "Attribution", "attributions", "speaker_of"]

_VERBS = (
    r"said|says|say|told|tells|tell|announced|announces|claimed|claims|reported|reports|stated|states|"
    r"confirmed|confirms|added|adds|insisted|insists|warned|warns|alleged|alleges|asserted|asserts|declared|"
    r"declares|acknowledged|acknowledges|admitted|admits|wrote|writes|posted|posts"
)
_AUX = r"(?:(?:has|have|had|also|later|earlier|previously)\s+)*"

_AFTER = re.compile(rf"\s+{_AUX}(?P<verb>{_VERBS})\b(?P<rest>[^;,]{{0,120}})$", re.IGNORECASE)
"""A speaking verb closing the sentence: ", residents said." or ", the spokesman, Dani Orel, told reporters"
(up to 120 characters of "on Monday", "in a statement", "by phone" after it); its speaker is before it."""

_INVERTED = re.compile(r",\s+(?P<verb>said|says|added)\s+(?P<who>[^;]{2,120})$", re.IGNORECASE)
"""", said Dani Orel, a spokesman for the VLF." """

_BEFORE = re.compile(
    rf"^(?P<who>[^;:]{{2,90}}?)\s*,?\s+{_AUX}(?P<verb>{_VERBS})\b(?P<rest>(?:\s+(?:on|in|late|early|last)\b[^,;]{{0,40}}?)?"
    rf"(?:,\s*)?(?:\s+(?:reporters|journalists|the\s+\w+))?\s+(?:that\s+)?)",
    re.IGNORECASE,
)
"""A speaker before what was said, opening the sentence: "The army said on Monday that ...", "Orna says its
troops ...", "He told reporters the town had fallen"."""

_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<who>[^,;.]{2,90})", re.IGNORECASE)

_ACCUSED = re.compile(
    r"^(?P<who>[^,;:]{2,90}?)\s+" + _AUX + r"(?P<verb>accused|accuses|blamed|blames)\b[^;]*?\b(?:of|for)\s+",
    re.IGNORECASE,
)
""""Orna accused Tarvia of arming the rebels": Orna's claim, about what follows "of"."""

TURN = re.compile(r"[*_\s]{0,3}(?P<who>[A-Z][\w .'’()-]{1,60}?)[*_\s]{0,3}:[*_]{0,3}\s")
"""A speaker's turn in a transcript: "**Rami Abdel-Rahman:** The situation is ..."; "Interviewer: ..."."""

_ROLES = frozenset({"interviewer", "host", "moderator", "presenter", "reporter", "correspondent", "question", "q", "a"})
"""Turn labels that name a role, not a speaker kg can name."""

_PERSONS = frozenset({"he", "she"})
_ACTORS = frozenset({"it", "they"})


@dataclass(frozen=True)
class Attribution:
    """Part of a sentence (``start``-``end`` in the text) that ``words`` give to someone: to ``speaker`` when it
    is named, else to the reporter, who relays the unnamed speaker."""

    start: int
    end: int
    words: str
    """The speaking phrase as written: "residents said", "according to the UN refugee agency"."""
    speaker: Mention | None
    phrase: tuple[int, int] | None = None
    """Where an "according to X" or ", said X, a spokesman" phrase is in the text: no argument of what it gives away
    comes from there (the parser hangs "to X" on "supplied drones to the VLF", "withdrew to Tolo")."""


def attributions(
    text: str,
    start: int,
    end: int,
    mentions: Sequence[Mention],
    earlier: Sequence[Mention],
    previous: Sequence[Mention] = (),
) -> list[Attribution]:
    """The attributions of the sentence ``text[start:end]``, whose spotted names are ``mentions``; ``earlier``
    holds the names met before it and ``previous`` those of the sentence before, for a pronoun speaker."""
    sentence = text[start:end].rstrip()
    body = sentence.rstrip(".!?\"'”’ ")
    found = []
    newline = text.rfind("\n", max(0, start - 2000), start)  # a turn's label opens its line, not far back
    line = newline + 1 if newline >= 0 else 0 if start < 2000 else None
    if line is not None and (turn := TURN.match(text, line)) is not None and turn.end() <= end:
        who = (turn.start("who"), turn.end("who"))
        speaker = speaker_of(text, who, [*earlier, *mentions], earlier, previous)
        if speaker is not None or turn.group("who").strip().lower() in _ROLES:
            words = " ".join(turn.group(0).split())
            return [Attribution(max(start, turn.end()), start + len(sentence), words, speaker)]
    if (match := _ACCORDING.search(body)) is not None:
        who = (start + match.start("who"), start + match.end("who"))
        phrase = (start + match.start(), start + match.end())
        found.append(
            _attribution(text, (start, start + len(sentence)), who, match, mentions, earlier, previous, phrase)
        )
    if (match := _ACCUSED.match(body)) is not None and _short(match):
        who = (start + match.start("who"), start + match.end("who"))
        region = (start + match.end("verb"), start + len(sentence))  # from the accused on: "Tarvia of arming"
        found.append(_attribution(text, region, who, match, mentions, earlier, previous))
    elif (match := _AFTER.search(body)) is not None and (who := _closing_speaker(text, start, match, mentions)):
        words = " ".join(text[who[0] : start + match.end()].split())
        speaker = speaker_of(text, who, mentions, earlier, previous)
        found.append(Attribution(start, who[0], words, speaker))
    elif (match := _INVERTED.search(body)) is not None and _named_only(match.group("who")):
        who = (start + match.start("who"), start + match.end("who"))
        phrase = (start + match.start(), start + match.end())
        found.append(
            _attribution(text, (start, start + match.start()), who, match, mentions, earlier, previous, phrase)
        )
    elif (match := _BEFORE.match(body)) is not None and _short(match) and len(body) - match.end() > 10:
        who = (start + match.start("who"), start + match.end("who"))
        found.append(
            _attribution(text, (start + match.end(), start + len(sentence)), who, match, mentions, earlier, previous)
        )
    return found


def _named_only(phrase: str) -> bool:
    """Whether the words after a closing "said" name a speaker ("Dani Orel, a spokesman for the VLF"), not what was
    said ("said it had deployed troops")."""
    return len(phrase.split()) <= 12 and not _clause_in(phrase)


def _short(match: re.Match[str]) -> bool:
    """Whether an opening speaker's phrase is short enough to be one ("The army", "Orna's defence ministry", "A
    spokesman for the group"), not a clause ("Velen fighters took Kasi after the army")."""
    return len(match.group("who").split()) <= 10


def _closing_speaker(
    text: str, start: int, match: re.Match[str], mentions: Sequence[Mention]
) -> tuple[int, int] | None:
    """Where the speaker of a closing "..., X said" is: the last comma's phrase, or with the one or two before it
    when only they name someone ("the spokesman, Dani Orel, told"); None when what precedes is no speaker's
    phrase (a clause, or no comma) or the verb has a clause after it."""
    if _clause_in(match.group("rest")):
        return None
    head = text[start : start + match.start()]
    commas = [m.end() for m in re.finditer(r",\s+", head)]
    spans = [(start + c, start + len(head)) for c in reversed(commas[-3:])]
    spans = [(a, b) for a, b in spans if len(text[a:b].split()) <= 12]
    if not spans:
        return None
    named = [(a, b) for a, b in spans if any(a <= m.start and m.end <= b for m in mentions)]
    return (named or spans)[0]


def _clause_in(rest: str) -> bool:
    """Whether the words after a closing "X said" hold a clause of their own ("said the town fell"), which makes
    the verb no afterthought."""
    return bool(re.search(r"\b(?:that|it|they|he|she|its|their)\b", rest, re.IGNORECASE))


def _attribution(
    text: str,
    region: tuple[int, int],
    who: tuple[int, int],
    match: re.Match[str],
    mentions: Sequence[Mention],
    earlier: Sequence[Mention],
    previous: Sequence[Mention],
    phrase: tuple[int, int] | None = None,
) -> Attribution:
    words = " ".join(match.group(0).strip(" ,").split())
    return Attribution(region[0], region[1], words, speaker_of(text, who, mentions, earlier, previous), phrase)


def speaker_of(
    text: str,
    who: tuple[int, int],
    mentions: Sequence[Mention],
    earlier: Sequence[Mention],
    previous: Sequence[Mention] = (),
) -> Mention | None:
    """The named speaker of the phrase ``text[who]``: a pronoun's antecedent (for "it" and "they" the first actor of
    the sentence before, its subject most often), else the person or the actor named in it ("a spokesman for the
    VLF", "Orna's defence ministry", "Dani Orel, a spokesman"); None when it names no one."""
    phrase = text[who[0] : who[1]].strip().lower()
    before = (m for m in reversed(earlier) if m.end <= who[0])  # read back only as far as needed
    if phrase in _PERSONS:
        return next((m for m in before if "person" in m.kinds), None)
    if phrase in _ACTORS:
        return next((m for m in chain(previous, before) if "place" not in m.kinds or "actor" in m.kinds), None)
    named = [m for m in mentions if who[0] <= m.start and m.end <= who[1]]
    persons = [m for m in named if "person" in m.kinds]
    actors = [m for m in named if not m.kinds or m.kinds & {"actor", "person"}]
    return (persons or actors or [None])[0]  # the one who spoke, else the body named for him ("a VLF spokesman")
