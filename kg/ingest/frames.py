"""Relations from one parsed sentence: lexicon frames read off link-grammar's links.

Given a sentence whose names were replaced by placeholder proper nouns (so each is one word),
its best linkage, and which word stands for which :class:`~kg.ingest.mentions.Mention`, this
finds every trigger word of :mod:`kg.ingest.lexicon` and fills its frame:

- **verbs**: the grammatical subject through auxiliaries, coordinated verbs and relative
  pronouns ("Hezbollah, which had withdrawn ..."), the object, particles ("pulled out of"),
  light-verb nouns ("took control of", "launched an attack on"), prepositional objects (also
  where the parser hung the phrase on the object: "withdrew its fighters from Homs to
  Latakia"); the passive swaps subject and object and takes the agent from "by"; a reduced
  relative ("forces backed by Iran") makes the modified noun the grammatical subject;
- **nouns**: the agent from "by", a possessive, a modifying name or demonym ("Israeli air
  strikes"), or the subject of a light verb; "between X and Y"; the described name for
  "ally", "leader", "member" nouns ("Russia is Assad's main ally", "HTS leader Jolani");
- **arguments**: coordinations ("Russia and Iran") give one relation per member; a force noun
  takes its owner ("Hezbollah's fighters", "fighters of HTS"); a pronoun or a description ("the
  group", "the city") is resolved by the caller's coreference.

Negated, modal and intended actions ("did not capture", "could fall", "vowed to retake") state
no relation and are skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache

from kg.ingest.lexicon import ATTACKS, Entry, by_lemma
from kg.ingest.linkgrammar import Parse
from kg.ingest.mentions import TITLES, Mention, normal

__all__ = ["Finding", "read_frames"]

Resolver = Callable[[str, int], "Mention | None"]
"""(a pronoun or description's head word, the word's index) -> the mention it refers to, or None."""

AUXILIARY_LINKS = ("Pv", "Pg", "PP", "I", "TO", "IV", "Pa")
"""Links from an auxiliary, modal or control verb down to the verb it governs."""

MODAL = frozenset({"could", "would", "may", "might", "should", "must", "can"})
INTENT = frozenset(
    """threaten vow plan aim seek try attempt want hope intend prepare refuse fail deny threaten warn pledge
    promise expect fear urge call demand ask order tell instruct encourage require request""".split()
)
"""Verbs whose complement did not (yet) happen: "vowed to retake", "denied seizing", "called on X to leave"."""

DENIAL = frozenset({"deny", "dispute", "reject", "refute", "doubt"})
"""Verbs whose "that" clause the report does not assert: "denied that it had attacked Dakra"."""

MANDATIVE = frozenset({"demand", "insist", "require", "request", "urge", "ask", "propose", "recommend", "order"})
"""Verbs and nouns whose "that" clause says what should happen, not what did: "demanded that X withdraw"."""

REPORTING = frozenset(
    """condemn denounce decry deplore criticise criticize hail praise welcome celebrate mourn report document
    investigate confirm deny blame protest note describe call reject dismiss respond retaliate react""".split()
)
"""Verbs of speaking about an event: their subject is not the event's agent ("UNMISS condemns the killing")."""

STATES = frozenset({"basedIn", "headOf", "partOf", "alliedWith", "controls", "capitalOf", "locatedIn"})
"""Relations a noun states of its own possessor only ("the LNA's base"), never of whoever the clause is about."""

PEOPLE_KINDS = frozenset({"actor", "people"})
"""The kinds of a group of people named in place ("displaced people", "residents of Tarhuna")."""

NAMED_BY_KIND = frozenset(
    """palace embassy airport base headquarters ministry parliament hospital camp crossing bridge port prison
    compound enemy cathedral church mosque school jail hub warehouse market hotel university checkpoint
    barracks refinery plant station""".split()
)
"""Nouns that, when no earlier name fits, name a place or side of their own ("the presidential palace")."""

BARE_GROUPS = frozenset(
    """gangs rebels militants jihadists insurgents gunmen separatists protesters demonstrators militias
    bandits pirates government junta regime authorities army military police""".split()
)
"""Nouns that name a group in their own right when nothing earlier does ("the gangs", "rebels", "the junta")."""

LASTING = frozenset({"trained", "alliedWith", "supplied", "operatesIn", "sheltered", "basedIn"})
"""Relations a purpose states as done by the sending itself ("sent instructors to train X"), unlike an intended
event ("launched an offensive to retake X")."""

SUFFERING = frozenset({"die", "perish", "suffer", "flee", "disappear"})
"""Verbs whose subject bore what the noun after them did ("47 civilians died in the fighting"): not its author."""

NON_STATE = frozenset(
    "rebel insurgent jihadist militant terrorist separatist extremist gunman guerrilla gang fighter".split()
)
"""Lemmas of descriptions only an armed group outside the state answers to: "the militants" are never "the
army" (:func:`kg.ingest.coreference.refer`), and "separatist forces" are named by their kind, not referred."""

SUBORDINATORS = frozenset({"after", "before", "while", "since", "without", "upon", "when", "by", "despite"})
"""Words that open a participle clause whose subject is the main clause's ("after seizing Homs")."""

GROUP_NOUNS = frozenset(
    """group militia movement organisation organization rebels insurgents jihadists paramilitary paramilitaries
    army military regime government faction alliance coalition militants battlegroup brigade command""".split()
)
"""Descriptions of actors that coreference resolves ("the group", "the army")."""

RECIPROCAL = frozenset({"opposes", "alliedWith", "negotiatedWith", "ceasefireWith"})
"""Symmetric relations a coordinated subject can state alone ("X and Y clashed")."""

CONDITIONS = frozenset({"until", "unless", "if", "whether", "lest"})
"""Words opening a clause whose action has not happened."""

LIGHT_VERBS = frozenset(
    """launch carry conduct mount stage begin start make unleash order resume step intensify continue deliver
    announce complete open form forge""".split()
)
"""Verbs whose object noun carries the relation ("launched an attack on", "carried out air strikes")."""

HAPPENING_VERBS = frozenset("""erupt break rage continue resume flare intensify escalate occur persist""".split())
"""Verbs whose subject noun carries the relation ("fighting erupted between X and Y", "clashes broke out between")."""

OWNED_HEADS = frozenset(
    """forces force fighters troops soldiers militants members units unit army militia rebels jets warplanes
    aircraft drones artillery gunmen men officials government police positions convoy convoys ranks
    loyalists supporters insurgents paramilitaries commanders leadership remnants formations aviation
    battalions brigades targets sites strongholds facilities bases depots launchers troop columns column
    elements instructors advisers advisors mercenaries contractors checkpoints checkpoint posts outposts jet warplane
    drone helicopter helicopters plane planes tank tanks ship ships vessel vessels boat boats hideouts hideout dens
    den gunboats bombers""".split()
)
"""Nouns that stand for the name that owns them ("Hezbollah's fighters", "fighters of HTS")."""

PLACE_HEADS = frozenset(
    """city town village province region area district capital outskirts centre center countryside suburbs
    suburb neighbourhood neighborhood parts governorate territory port base airbase airport harbour settlement
    municipality locality enclave home house stronghold bastion heartland""".split()
)
"""Nouns that stand for the place they name ("the city of Homs", "Homs province", "the outskirts of X")."""

GIVING_UP = frozenset({"surrender"})
"""Verbs whose subject, a force somewhere, gives that place up to the one it yields to."""

FACILITIES = frozenset(
    {"base", "airbase", "airport", "port", "harbour", "site", "facility", "compound", "hub", "camp", "home", "house"}
)
"""Places named by what they are and where they lie ("the army base in Mainok" stands for Mainok)."""

THINGS = frozenset(
    """jets warplanes aircraft drones artillery positions convoy convoys targets sites strongholds facilities bases
    depots launchers aviation checkpoints checkpoint posts outposts jet warplane drone helicopter helicopters plane
    planes tank tanks ship ships vessel vessels boat boats gunboats bombers""".split()
)
"""Owned nouns that are things or places, not people: their owner may be a place ("sites in Sanaa")."""


QUANTIFIERS = frozenset(
    """at least most more less fewer than about around some nearly roughly almost over up to an estimated
    approximately as many million thousand""".split()
)
"""Words of a number's phrase ("at least", "more than", "up to", "an estimated", "1.2 million")."""

PARTICLES = frozenset({"out", "back", "in", "off", "up", "down", "away", "over"})

PARTS = frozenset(
    """most much part parts half all some areas swathes swaths rest control tens hundreds thousands dozens
    millions many two three four five six seven eight nine ten dozen scores cent percent""".split()
)
"""Words whose "of" phrase names the place meant ("most of the capital", "parts of Darfur")."""

PARTITIVES = frozenset({"most", "many", "some", "others", "half"})
"""Words that alone, as a subject, count the people named before ("Most have fled to Kasi", "others fled"): a
part of a group stands for the group, as "many of them" does."""

USING = frozenset({"operate", "fire", "launch", "fly", "pilot", "use", "deploy", "send", "drop", "man", "shoot"})
"""Verbs whose agent uses the weapon or unit they describe ("drones operated by X" are X's)."""

ORDNANCE = frozenset({"rocket", "missile", "shell", "mortar", "artillery", "rockets", "missiles", "shells", "mortars"})
"""What artillery and rocket launchers fire: an attack made with them is shelling ("fired rockets at" is)."""

ATTACK_NOUNS = frozenset(
    {"strike", "strikes", "airstrike", "airstrikes", "attack", "attacks", "raid", "raids", "bombing", "shelling"}
)
"""Nouns whose authors are the ones who killed or destroyed ("strikes killed five fighters")."""

DEPUTIES = frozenset({"deputy", "vice", "assistant"})
"""Who serves under the head ("deputy commander"): a member, not the leader."""

PEOPLE = frozenset(
    """people civilians residents refugees migrants inmates prisoners detainees families villagers
    displaced protesters demonstrators workers children women hostages population inhabitants locals
    evacuees victims""".split()
)
"""Nouns for groups of people that can fill a relation themselves ("displaced people fled to Sennar")."""

AIRCRAFT = frozenset(
    {
        "aviation",
        "warplanes",
        "jets",
        "aircraft",
        "drones",
        "helicopters",
        "planes",
        "bombers",
        "drone",
        "warplane",
        "jet",
    }
)
"""Attackers that make an attack an air strike ("warplanes struck", "drones hit")."""

HOLDERS = frozenset({"leader", "head", "chief", "founder", "ruler", "strongman"})
"""Nouns for who leads, besides the titles: set off before a name, they stand for it ("the group's leader, X, said")."""

PRONOUNS = frozenset({"it", "its", "they", "them", "their", "he", "him", "his", "she", "her"})
RELATIVES = frozenset({"which", "who", "that", "whom", "whose"})


@dataclass(frozen=True)
class Finding:
    """A relation read from the parse: predicate, subject and object mentions, and the frame that read it."""

    predicate: str
    subject: Mention
    object: Mention
    entry: Entry
    trigger: int
    """The trigger word's index in the parse."""
    words: tuple[int, ...]
    """The parse words that state it (trigger, arguments): their span is the quote."""
    passive: bool
    light: int | None = None
    """The object noun that was part of the trigger ("control" of "took control of"), if any."""


def surface(word: str) -> str:
    """A parse word without the dictionary's tags: "withdrew.v-d" -> "withdrew", "Homs[!<...>]" -> "Homs"."""
    found = _TAGGED.match(word.split("[", 1)[0])
    return found.group(1) if found else word.split("[", 1)[0]


def tag(word: str) -> str:
    found = _TAGGED.match(word.split("[", 1)[0])
    return found.group(2) if found else ""


_TAGGED = re.compile(r"^(.*[^.])\.([a-z][a-z]*(?:-[a-z]+)*)$")


@cache
def verb_lemma(word: str) -> str:
    from lemminflect import getLemma

    lemmas = getLemma(word.lower(), upos="VERB")
    return lemmas[0] if lemmas else word.lower()


@cache
def noun_lemma(word: str) -> str:
    from lemminflect import getLemma

    lower = word.lower()
    if lower in {"talks", "sanctions", "negotiations", "arms", "weapons"}:
        return lower
    lemmas = getLemma(lower, upos="NOUN")
    return lemmas[0] if lemmas else lower


class _Graph:
    """The linkage as adjacency lists, with the few walks frames need."""

    def __init__(self, parse: Parse, slots: Mapping[int, Mention] | None = None) -> None:
        self.parse = parse
        self.slots = slots or {}
        self.words = [surface(w) for w in parse.words]
        self.lower = [_SPELLINGS.get(w.lower(), w.lower()) for w in self.words]
        self.tags = [tag(w) for w in parse.words]
        self.right: dict[int, list[tuple[str, int]]] = defaultdict(list)
        self.left: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for link in parse.links:
            self.right[link.left].append((link.label, link.right))
            self.left[link.right].append((link.label, link.left))

    def rights(self, i: int, *prefixes: str) -> list[int]:
        return [j for label, j in self.right[i] if label.startswith(prefixes)]

    def lefts(self, i: int, *prefixes: str) -> list[int]:
        return [j for label, j in self.left[i] if label.startswith(prefixes)]

    def is_conjunction(self, i: int) -> bool:
        return self.tags[i].startswith("j") or self.lower[i] in {"and", "or"}

    def members(self, i: int, seen: frozenset[int] = frozenset()) -> list[int]:
        """The members of a noun coordination ("Russia and Iran", "X, Y and Z"), else [i]."""
        if not self.is_conjunction(i) or i in seen:
            return [i]
        found = []
        for j in self.lefts(i, "SJ") + self.rights(i, "SJ"):
            if j not in seen:
                found += self.members(j, seen | {i})
        return sorted(set(found)) or [i]

    def chain(self, verb: int) -> list[int]:
        """The verb and the auxiliaries, modals, control verbs and conjunctions above it, nearest first."""
        chain, todo = [verb], [verb]
        while todo:
            i = todo.pop()
            above = self.lefts(i, *AUXILIARY_LINKS)
            above += [j for j in self.rights(i, "VJl") + self.lefts(i, "VJr") if self.is_conjunction(j)]
            for j in above:
                if j not in chain:
                    chain.append(j)
                    todo.append(j)
        return chain

    def passive(self, verb: int) -> bool:
        """Passive: after "be" (Pv), or a participle modifying a noun ("forces backed by Iran", "The army, led by")."""
        return bool(self.lefts(verb, "Pv", "Mv")) or (
            self.tags[verb] == "v-d"
            and bool(self.lefts(verb, "MX"))
            and self.lower[verb].endswith(("ed", "en", "led", "held"))
        )

    def subject(self, verb: int) -> int | None:
        if (head := _after_subordinator(self, verb)) is not None:  # "retaking Dakra before advancing on Kasi"
            return self.subject(head) if head != verb else None
        if (opened := self._opening(verb)) is not None:  # "Backed by Velen, the VFF captured Dakra": the VFF
            return opened
        for to in self.lefts(verb, "I"):  # "forced the VFF to withdraw", "allowing the VFF to enter": the VFF
            for above in self.lefts(to, "TOo"):
                # named or not: "forcing thousands of residents to flee" is the residents' flight, never the subject's
                objects = sorted(self.rights(above, "O"), key=lambda o: o not in self.slots)
                if objects:
                    return objects[0]
        for i in self.chain(verb):
            for j in self.lefts(i, "S"):
                if not self.lower[j] or self.lefts(i, "SJ") == [j]:
                    continue
                return j
            for j in self.rights(i, "SI", "SX"):
                return j
            for j in self.lefts(i, "RS"):  # "Residents who left X": the relative pronoun, then what it stands for
                return j
            for j in self.lefts(i, "Mv", "Mg", "Mp", "MX"):  # a reduced relative: "forces backed by Iran"
                if self.tags[i] in {"v-d", "v", "g", "w", "q"} or self.lower[i].endswith(("ed", "ing")):
                    if self.lower[j] in SUBORDINATORS:  # "after seizing Homs": the subject of the main clause
                        return next((s for v in self.lefts(j, "MV") if (s := self.subject(v)) is not None), None)
                    accused = [  # "accused the VFF of killing": the VFF killed (the object, wherever "of" hangs)
                        *(n for n in self.lefts(j, "Mf", "Mp") if self.lefts(n, "O")),
                        *(o for v in self.lefts(j, "MV", "OF") for o in self.rights(v, "O")),
                    ]
                    accused = [n for n in accused if self.lower[j] == "of" and self.can_name(n)]
                    if accused and self.tags[i] in {"v", "g"}:
                        return accused[0]
                    if j in self.lefts(i, "Mv"):  # "the strip of land held by X": the land, never the clause's subject
                        return j if self.can_name(j) else None
                    if not self.can_name(j) or self._place(j) or self._after_object(j, i):
                        return self.clause_subject(j)  # "made advances, capturing Homs": who made them
                    return j
        for copula in self.rights(verb, "PF"):  # "Standing by Assad are Russia and Iran": the inverted subject
            for j in self.rights(copula, "SI"):
                return j
        for j in self.lefts(verb, "AN") if self.tags[verb] == "g" else []:  # "struck Zqas withdrawing": the Zqas
            if j in self.slots:
                return j
        if (main := self.purpose(verb)) is not None:  # "sent 300 instructors to train X": the sender's
            return self.subject(main)
        for v in self.lefts(verb, "O"):  # "began advancing on": the subject of "began"
            if self.tags[verb] == "g" and (s := self.subject(v)) is not None:
                return s
        for i in self.chain(verb):  # "attacked X, killing Y": the participle's subject is the clause's
            # (a participle clause the parser hangs on the main verb as on a sentence's wall: "advanced, clashing with")
            for j in self.lefts(i, "MVg", "MVx", "MVs") + [w for w in self.lefts(i, "Wg") if w > 0]:
                if j != verb and (s := self.subject(j)) is not None:
                    return s
        return None

    def _opening(self, verb: int) -> int | None:
        """The subject of a participle clause that opens the sentence: the main clause's ("Backed by Velen, the VFF
        captured Dakra", "After seizing Dakra, the VFF ...", "Having seized Dakra, the VFF ...", "Seizing Dakra,
        the VFF ..."); None for any other verb.

        The parser hangs such a clause on the main clause's subject (CO), or reads "Having" as a noun subject, or
        the clause as an imperative beside a main verb it reads as inverted (Wg and CP from the wall)."""
        chain = self.chain(verb)
        openers = [j for i in chain for j in self.lefts(i, "Mg") if self.lower[j] in SUBORDINATORS and j == 1]
        for i in chain + openers:
            if i > 1:
                continue
            for j in self.rights(i, "CO"):
                if self.can_name(j):
                    return j
        having = any(self.lower[j] == "having" and j == 1 for i in chain for j in self.lefts(i, "S"))
        if having or any(0 in self.lefts(i, "Wg") for i in chain):
            for main in self.rights(0, "CP"):
                if main not in chain and (found := self.subject(main)) is not None:
                    return found
        return None

    def _after_object(self, noun: int, participle: int) -> bool:
        """ "stormed Dakra, killing dozens": an "-ing" participle set off by a comma after an object tells what
        the clause's subject did, not what the object did."""
        comma = "," in self.lower[noun + 1 : participle]
        return comma and self.lower[participle].endswith("ing") and bool(self.lefts(noun, "O", "J"))

    def _place(self, word: int) -> bool:
        """A name known only as a place: what a participle after it ("Togoga, killing 64") did not do."""
        kinds = self.slots[word].kinds if word in self.slots else frozenset()
        return "place" in kinds and "actor" not in kinds

    def can_name(self, word: int) -> bool:
        """Whether a word can stand for a name: a name, a pronoun, or a noun kg resolves ("the group", "fighters")."""
        lemma = noun_lemma(self.words[word])
        heads = OWNED_HEADS | PEOPLE | PLACE_HEADS | PARTS | GROUP_NOUNS
        return word in self.slots or self.lower[word] in PRONOUNS | RELATIVES | heads or lemma in heads

    def clause_subject(self, noun: int, depth: int = 0) -> int | None:
        """The subject of the verb a noun's phrase hangs on ("X ... after months of fighting against Y" -> X).

        Not a speaker's: who "condemns the killing of civilians" or "hailed the liberation of X" did not do it.
        """
        for verb in self.lefts(noun, "O"):
            return None if verb_lemma(self.words[verb]) in REPORTING else self.subject(verb)
        for p in self.lefts(noun, "J"):
            reporting = any(verb_lemma(self.words[h]) in REPORTING for h in self.lefts(p, "MV", "Mp"))
            if reporting and self.lower[p] != "with":  # "responded with artillery fire on X" is the act itself
                return None  # "is responding to the shelling", however the parser hung the "to"
            for verb in self.lefts(p, "MV"):
                other = any(self.lower[q] in {"with", "against"} for q in self.rights(noun, "Mp", "MX"))
                suffered = verb_lemma(self.words[verb]) in SUFFERING and not other  # "died in the fighting": its toll
                suffered = suffered or self.passive(verb)  # "civilians were killed in air strikes": not their strikes
                return None if suffered else self.subject(verb)  # "died in clashes with X" still fought X
            for head in self.lefts(p, "Mp", "Mf"):  # one noun up: "months of fighting"
                if depth < 3:
                    return self.clause_subject(head, depth + 1)
        return None

    def purpose(self, verb: int) -> int | None:
        """The verb whose purpose an infinitive states ("sent instructors to train the army" -> "sent"), if any."""
        for to in self.lefts(verb, "I"):
            if self.lower[to] == "to":
                return next(iter(self.lefts(to, "MVi")), None)
        return None

    def negated_or_unreal(self, verb: int) -> bool:
        """Negated ("did not seize"), modal ("could fall") or intended ("vowed to retake")."""
        if self._denied_by_words(verb):
            return True
        for i in self.chain(verb):
            if self.lower[i] in MODAL or self.rights(i, "N") or self.lower[i] in {"not", "never"}:
                return True
            if i != verb and verb_lemma(self.words[i]) in INTENT:
                return True
            for j in self.lefts(i, "O", "Mg", "TO", "I", "MVi", "Pg"):
                if verb_lemma(self.words[j]) in INTENT:
                    return True
        return False

    def _denied_by_words(self, verb: int) -> bool:
        """ "never captured", "has yet to capture", "denied that it had attacked": read off the words, not the links,
        which the lesser linkages hang elsewhere."""
        before = self.lower[max(1, verb - 3) : verb]
        if "never" in before or before[-2:] == ["yet", "to"] or _no_longer(before):
            return True  # "no longer holds Tolo"
        for k in range(verb - 1, max(1, verb - 15), -1):  # the "that" clause of a denial, in this sentence
            if self.lower[k] in {".", ";", ":"}:
                break
            if self.lower[k] == "that" and verb_lemma(self.words[k - 1]) in DENIAL | MANDATIVE:
                return True
        return self._mandated(verb)

    def _mandated(self, verb: int) -> bool:
        """A bare verb in the "that" clause of a demand, however long its subject: "demands that X, as well as Y and
        other armed groups, withdraw ..., and that Z withdraw"; not "demanded that ... Z withdrew"."""
        if self.lower[verb] != verb_lemma(self.words[verb]):
            return False
        for k in range(verb - 1, 0, -1):
            if self.lower[k] in {".", ";", ":"}:
                return False
            if self.lower[k] == "that" and (k == 1 or self.lower[k - 1] in {"and", "or"}):
                return True  # "..., and that Z withdraw": a second demand, whose clause may be read alone
            if self.lower[k] == "that" and verb_lemma(self.words[k - 1]) in MANDATIVE:
                return True
        return False

    def preposition_objects(self, head: int, *, verb: bool) -> dict[str, list[int]]:
        """Preposition -> its objects, for phrases attached to ``head`` (MV for a verb, M for a noun)."""
        found: dict[str, list[int]] = defaultdict(list)
        attached = self.rights(head, *(("MV",) if verb else ("Mp", "Mf")), "OF")
        if verb:  # "headed mainly to Khan Younis": the phrase hangs on the adverb
            attached += [p for a in self.rights(head, "MVa", "MVl") for p in self.rights(a, "MVp")]
        attached = [q for p in attached for q in (self.lefts(p, "MJ") + self.rights(p, "MJ") or [p])]  # "by X and by Y"
        for p in attached:
            if self.lower[p] == "at" and p + 1 < len(self.words) and self.lower[p + 1] in {"least", "most"}:
                continue  # "at least five", not a place
            for j in self.rights(p, "J", "ON", "IN"):
                found[self.lower[p]].append(j)
        return found


_SPELLINGS = {"toward": "towards", "afterward": "afterwards"}
"""American spellings read as the lexicon writes them ("launched drones toward X" as "towards")."""


def read_frames(parse: Parse, slots: Mapping[int, Mention], resolve: Resolver) -> list[Finding]:
    """Every relation the lexicon's frames find in one parsed sentence."""
    graph = _Graph(parse, slots)
    findings: list[Finding] = []
    consumed: set[int] = set()  # nouns a verb frame has read already ("took control of": not also "control of")
    for i, word in enumerate(graph.words):
        if i in slots or not word[:1].isalpha():
            continue
        tagged = graph.tags[i]
        gerund = tagged == "g" and bool(graph.lefts(i, "O"))  # "began advancing on Sirte"
        gerund = gerund or (tagged == "g" and _after_subordinator(graph, i) is not None)  # "before advancing on X"
        if _quoted_backwards(graph, i):
            continue
        if tagged.startswith(("v", "w", "q")) or gerund or (tagged in {"g", ""} and graph.rights(i, "O", "MV")):
            verbs = _verb(graph, i, slots, resolve)
            findings += verbs
            consumed |= {f.light for f in verbs if f.light is not None}
        if i in consumed:
            continue
        # "i": a noun the parser reads in an idiom ("is part.i of X", where "a part of X" is a noun)
        if tagged.startswith(("n", "g", "s", "t")) or tagged in {"", "i"} or word.lower() in {"talks", "sanctions"}:
            findings += _noun(graph, i, slots, resolve)
    return _unique(findings)


def _quoted_backwards(graph: _Graph, verb: int) -> bool:
    """A linkage that reads "X's leader, Y, said the group took Z" as "Y took Z, said the group": the verb of saying
    that introduces a quotation ("Eq") comes after it in such a sentence, never before; this reading is wrong."""
    return any(j < verb and verb_lemma(graph.words[j]) in SAYING for j in graph.lefts(verb, "Eq"))


def _after_subordinator(graph: _Graph, gerund: int) -> int | None:
    """The verb a gerund after "before", "after", "while" ... hangs on ("retaking Dakra before advancing on Kasi":
    "retaking"), whose subject is the gerund's; None for any other word."""
    if graph.tags[gerund] != "g":
        return None
    for p in graph.lefts(gerund, "J"):
        if graph.lower[p] in SUBORDINATORS:
            return next(iter(graph.lefts(p, "MV")), None)
    return None


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, kept = set(), []
    for f in findings:
        key = (f.predicate, f.subject.start, f.object.start, f.subject.text, f.object.text)
        if key not in seen and f.subject.label != f.object.label:
            seen.add(key)
            kept.append(f)
    return kept


_DETERMINED = frozenset("a an the its their his her this that these those".split()) | {""}
"""The first word of a noun phrase, which no particle stands before ("took Tolo in a counter-attack"), or a word the
parser left unlinked ("" in the linkage), as it leaves the rest of such a phrase."""


def _preposition_after(graph: _Graph, word: int, objects: list[int]) -> bool:
    """Whether a word linked as a particle is a preposition after the verb's object, with a noun phrase of its own
    (linked, or starting with a determiner or an unlinked word)."""
    following = graph.lower[word + 1] if word + 1 < len(graph.lower) else None
    return any(o < word for o in objects) and (bool(graph.rights(word, "J")) or following in _DETERMINED)


def _verb(graph: _Graph, verb: int, slots: Mapping[int, Mention], resolve: Resolver) -> list[Finding]:
    lemma = verb_lemma(graph.words[verb])
    if lemma == "wound" and verb > 0 and graph.lower[verb - 1] in {"fatally", "mortally"}:
        lemma = "kill"  # "fatally wounded the governor": he died of it
    if lemma == "fall" and graph.lower[verb + 1 : verb + 2] == ["short"]:
        return []  # "the proposal fell short of its demands": no town fell to anyone
    if lemma == "hold" and "together" in graph.lower[verb + 1 : verb + 3]:
        return []  # "the alliance is held together by a common enemy": no one holds anything
    objects = graph.rights(verb, "O")
    # not a preposition with a noun of its own after the object, which the parser may link as a particle (leaving the
    # noun unlinked): "took Tolo in a counter-attack" is no "take in" (sheltering)
    particles = [graph.lower[j] for j in graph.rights(verb, "K") if not _preposition_after(graph, j, objects)]
    if verb + 1 < len(graph.words) and graph.lower[verb + 1] in PARTICLES:  # "pulls out of", when not linked as one
        particles.append(graph.lower[verb + 1])
    for o in objects:  # "drove the VFF out of Dakra": the particle after the object, unlinked
        if graph.lower[o + 1 : o + 3] in (["out", "of"], ["out", "from"], ["away", "from"], ["back", "to"]):
            particles.append(graph.lower[o + 1])
    candidates: list[tuple[str, int | None]] = [(f"{lemma} {p}", None) for p in particles]
    candidates += [(f"{lemma} {noun_lemma(graph.words[o])}", o) for o in objects]
    if not objects and graph.passive(verb) and (sent := graph.subject(verb)) is not None:
        candidates.append((f"{lemma} {noun_lemma(graph.words[sent])}", sent))  # "the missiles were sent by X to Y"
    candidates += [(f"{lemma} {graph.lower[j]}", None) for j in graph.rights(verb, "Pa")]  # "be active in"
    candidates.append((lemma, None))
    lexicon = by_lemma()
    chosen = next(((lexicon[("verb", key)], light) for key, light in candidates if ("verb", key) in lexicon), None)
    if chosen is None:
        return []
    entries, light = chosen
    if graph.purpose(verb) is not None:  # "to retake Dakra" is intended, "to train the army" a lasting tie
        entries = [e for e in entries if e.predicate in LASTING]
        if not entries:
            return []
    with_particle = entries[0].lemma.split()[-1] in PARTICLES and " " in entries[0].lemma
    if graph.negated_or_unreal(verb):
        return []
    subject = graph.subject(verb)
    if subject is not None and any(graph.lower[j] in CONDITIONS for j in range(max(1, subject - 3), subject)):
        return []  # "until Eritrean forces had left", "if the army retakes"
    transitive = any("obj" in (e.subject, e.object) for e in entries)  # "withdrew under a deal brokered by X": no
    passive = graph.passive(verb) or (transitive and _by_particle(graph, verb))  # passive has no by-agent of its own
    roles = _verb_roles(graph, verb, light, passive, with_particle)
    found = []
    for entry in entries:
        found += _fill(graph, entry, verb, roles, slots, resolve, passive, light)
    return found


def _light(light: int | None) -> list[int]:
    """The light verb's noun, for the quote: "sending the Front weapons" ends with "weapons"."""
    return [] if light is None else [light]


def _by_particle(graph: _Graph, verb: int) -> bool:
    """A participle the parser took for an active verb ("the capital held by the Houthis", "by" as its particle,
    or "held" as a verb of saying with no object): a passive."""
    if graph.tags[verb] not in {"v-d", "q-d"}:
        return False
    particle = any(graph.lower[k] == "by" for k in graph.rights(verb, "K"))
    agent = not graph.rights(verb, "O") and any(graph.lower[k] == "by" for k in graph.rights(verb, "MVp"))
    return particle or agent


def _verb_roles(
    graph: _Graph, verb: int, light: int | None, passive: bool, with_particle: bool = False
) -> dict[str, list[int]]:
    """Role -> the words that fill it, as the frame names roles (subj, obj, prepositions)."""
    roles: dict[str, list[int]] = defaultdict(list)
    subject = graph.subject(verb)
    objects = [o for o in graph.rights(verb, "O") if o != light]
    if not objects:  # "attacked and burned Dakra": the object the conjunction shares
        joined = [c for c in graph.chain(verb) if graph.is_conjunction(c)]
        objects = [o for c in joined for o in graph.rights(c, "O")]
        # "armed, financed and directed its proxies": the object of the list's last verb
        objects = objects or [
            o for c in joined for v in graph.rights(c, "VJr") if v != verb for o in graph.rights(v, "O")
        ]
    if not objects and subject is not None and not passive:  # "Dakra, which the VFF seized": the relative
        joined = [c for c in graph.chain(verb) if graph.is_conjunction(c)]  # "which Velen has armed and trained"
        verbs = [verb, *(v for c in joined for v in graph.rights(c, "VJr") if v != verb)]
        objects = [
            r
            for v in verbs
            for r in graph.lefts(v, "B")
            if graph.lower[r] in {"which", "whom", "that"} and r != subject
        ]
    preps = graph.preposition_objects(verb, verb=True)
    if not passive and subject is not None and verb_lemma(graph.words[verb]) in GIVING_UP:
        preps["at"] += [  # "Afghan forces at Bagram have surrendered to the Taliban": Bagram is given up
            j
            for p in graph.rights(subject, "Mp")
            if graph.lower[p] in {"at", "in"}
            for j in graph.rights(p, "J")
            if j in graph.slots  # a name: not "the former US air base", whose owner is no place given up
        ]
    if light is not None and not passive and "to" not in preps:  # "sending the Front weapons": to the Front
        preps["to"] += [o for o in objects if o < light]
    if passive and _by_particle(graph, verb):
        preps["by"] += objects  # "the capital held by the Houthis", misread as "held by" taking an object
        objects = []
    if with_particle and verb + 1 < len(graph.words) and graph.lower[verb + 1] in PARTICLES and not objects:
        objects += graph.rights(verb + 1, "J")  # "took over the towns": the particle parsed as a preposition
        preps.pop(graph.lower[verb + 1], None)
    if graph.tags[verb] == "g":  # a gerund's phrases hang on it as on a noun
        for p, objs in graph.preposition_objects(verb, verb=False).items():
            preps[p] += objs
    for conj in [j for j in graph.lefts(verb, "VJr") if graph.is_conjunction(j)]:  # shared phrases of "X and Y"
        for p, objs in graph.preposition_objects(conj, verb=True).items():
            preps[p] += objs
    for p in graph.rights(verb, "K"):  # "pulled out of Homs": the phrase hangs on the particle
        for p2, objs in graph.preposition_objects(p, verb=True).items():
            preps[p2] += objs
    for holder in [
        *objects,
        *([light] if light is not None else []),
        *[j for objs in list(preps.values()) for j in objs],
    ]:
        for p, objs in graph.preposition_objects(holder, verb=False).items():  # phrases the parser hung lower
            if p not in preps:
                preps[p] += objs
    _adjacent_phrase(graph, verb, preps)
    if passive:
        if subject is not None:
            roles["obj"].append(subject)
        roles["subj"] += preps.pop("by", []) or _when_attacked(graph, verb) or _in_attack(graph, preps)
    else:
        if subject is not None:
            roles["subj"].append(subject)
        roles["obj"] += objects
        if not objects:  # "12 people died when X shelled Y", "died in an X attack": the attacker
            roles["attacker"] += _when_attacked(graph, verb) or _in_attack(graph, preps)
    for p, objs in preps.items():
        roles[p] += objs
    after = " ".join(graph.lower[verb + 1 : verb + 4])
    if after.startswith(("alongside", "side by side")):  # "fought alongside X", "fighting side by side with X"
        roles["alongside"] += roles.pop("obj", []) + roles.pop("with", [])
    return roles


def _when_attacked(graph: _Graph, verb: int) -> list[int]:
    """ "20 people were killed when Orna jets bombed a market": a passive with no agent of its own, in the time of an
    attack, has the attacker for its agent."""
    lexicon = by_lemma()
    for when in graph.rights(verb, "MVs"):
        if graph.lower[when] not in {"when", "as"}:
            continue
        for v in graph.rights(when, "CV"):
            attack = any(e.predicate in ATTACKS for e in lexicon.get(("verb", verb_lemma(graph.words[v])), []))
            if attack and not graph.passive(v) and (s := graph.subject(v)) is not None:
                return [s]
    return []


ASSAULTS = frozenset(
    {"attack", "strike", "airstrike", "raid", "bombing", "shelling", "assault", "offensive", "ambush", "bombardment"}
)
"""Nouns of an attack whose author is the agent of what happened in it ("killed in a VFF attack")."""


def _in_attack(graph: _Graph, preps: Mapping[str, list[int]]) -> list[int]:
    """ "Twelve soldiers were killed in a VFF attack on Dakra", "were killed in Orna air strikes", "in the Velen
    assault": a passive with no agent of its own, in an attack a name makes, has that name for its agent (the
    attack's modifier, owner or by-phrase; not "the fighting" or "clashes", which have two sides)."""
    for p in ("in", "during"):
        for noun in preps.get(p, []):
            if noun in graph.slots and any(graph.lower[g] in ASSAULTS for g in graph.rights(noun, "Mg")):
                return [noun]  # "killed in Velen shelling of Dakra", parsed as the name and a gerund after it
            if noun_lemma(graph.words[noun]) not in ASSAULTS:
                continue
            owners = [o for d in graph.lefts(noun, "D") for o in graph.lefts(d, "YS", "YP")]
            modifiers = graph.lefts(noun, "AN", "A", "GN")
            modifiers += [k for j in modifiers if j not in graph.slots for k in graph.lefts(j, "AN", "A")]  # "air"
            by = [j for q in graph.rights(noun, "Mp") if graph.lower[q] == "by" for j in graph.rights(q, "J")]
            agents = [j for j in [*owners, *by, *modifiers] if j in graph.slots]
            if agents:
                return agents[:1]
            if graph.lower[noun] in ATTACK_NOUNS and any(
                graph.lower[d] in {"the", "this"} for d in graph.lefts(noun, "D")
            ):
                return [noun]  # "killed in the attack": the last attack's author (see _mention)
    return []


def _adjacent_phrase(graph: _Graph, head: int, preps: dict[str, list[int]]) -> None:
    """The phrase right after a trigger is its own, wherever the parser hung it ("killed by", "clashes with")."""
    p = head + 1
    if p < len(graph.words) and graph.lower[p] not in preps and graph.tags[p] in {"", "p", "r"}:
        objects = graph.rights(p, "J")
        at_least = graph.lower[p] == "at" and p + 1 < len(graph.words) and graph.lower[p + 1] in {"least", "most"}
        if objects and not at_least:
            preps[graph.lower[p]] = objects


def _no_longer(words: list[str]) -> bool:
    """ "no longer" among ``words``: what held before holds no more."""
    return any(a == "no" and b == "longer" for a, b in zip(words, words[1:], strict=False))


def _noun(graph: _Graph, noun: int, slots: Mapping[int, Mention], resolve: Resolver) -> list[Finding]:
    lemma = noun_lemma(graph.words[noun])
    keys = [lemma]
    left = [j for label, j in graph.left[noun] if label.startswith(("AN", "A"))]
    keys = [f"{graph.lower[j]} {lemma}" for j in left if j not in slots] + keys  # "air strike", "drone strike"
    keys = [f"{graph.lower[p]} {lemma}" for p in graph.lefts(noun, "J")] + keys  # "under (the) control of"
    for key in keys:
        entries = by_lemma().get(("noun", key))
        if entries:
            break
    else:
        return []
    before = [graph.lower[j] for j in range(max(1, noun - 2), noun)]
    if any(graph.lower[d] in {"no", "neither"} for d in graph.lefts(noun, "D")) or "no" in before:
        return []  # "there would be no attack on the city", "no new offensive": denied, not stated
    if _no_longer(graph.lower[max(1, noun - 4) : noun]) or {"not", "never"} & set(graph.lower[max(1, noun - 3) : noun]):
        return []  # "is no longer in control of Baghdad", "was not under the control of X"
    roles = _noun_roles(graph, noun, slots)
    found = []
    for entry in entries:
        found += _fill(graph, entry, noun, roles, slots, resolve, False)
    return found


def _noun_roles(graph: _Graph, noun: int, slots: Mapping[int, Mention]) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = defaultdict(list)
    preps = graph.preposition_objects(noun, verb=False)
    _adjacent_phrase(graph, noun, preps)
    light_verbs = [v for v in graph.lefts(noun, "O") if verb_lemma(graph.words[v]) in LIGHT_VERBS]
    for v in light_verbs:
        for p, objs in graph.preposition_objects(v, verb=True).items():
            preps.setdefault(p, objs)
    happening = [  # "heavy fighting erupted between X and Y": the parser hangs "between" on the verb
        w
        for v in graph.rights(noun, "S")
        for w in (v, *graph.rights(v, "PP", "I"))
        if verb_lemma(graph.words[w]) in HAPPENING_VERBS
    ]
    for v in happening:
        preps.setdefault("between", graph.preposition_objects(v, verb=True).get("between", []))
    roles.update(preps)
    agents = list(preps.get("by", []))
    for target in ("on", "against"):  # "the attack by X on Y": the parser hangs "on Y" on X
        hung = [
            k for a in agents for q in graph.rights(a, "Mp") if graph.lower[q] == target for k in graph.rights(q, "J")
        ]
        if hung and target not in roles:
            roles[target] = hung
    if not agents:  # "the siege of Dakra by the VFF": the parser hangs "by" on the "of" phrase's name
        agents = [
            k
            for o in preps.get("of", [])
            for q in graph.rights(o, "Mp")
            if graph.lower[q] == "by"
            for k in graph.rights(q, "J")
        ]
    for j in graph.lefts(noun, "D"):  # "Israel's strikes": Israel -YS-> 's -D-> strikes
        agents += graph.lefts(j, "YS", "YP")
        if graph.lower[j] in PRONOUNS:
            agents.append(j)
    agents += [j for j in graph.lefts(noun, "AN", "A", "GN") if j in slots]
    agents += [k for j in graph.lefts(noun, "AN") if j not in slots for k in graph.lefts(j, "AN") if k in slots]
    for v in light_verbs:  # ("Velen air strikes": the name qualifies "air")
        if (s := graph.subject(v)) is not None:
            agents.append(s)
    roles["by"] = agents
    if not agents and (s := graph.clause_subject(noun)) is not None:  # "M23 advanced ... in clashes with FARDC"
        roles["by-clause"] = [s]
    roles["between"] = [m for j in preps.get("between", []) for m in graph.members(j)]
    governing = [
        q for p in graph.lefts(noun, "J") for q in (p, *graph.lefts(p, "MJ"), *graph.rights(p, "MJ"))
    ]  # "under X and under Y"
    roles["governed"] = [  # "Tarhuna remained under the control of X", "fighters were in control of Kabul"
        s for p in governing for v in graph.lefts(p, "MV", "Pp") if (s := graph.subject(v)) is not None
    ] + [s for p in governing for s in graph.rights(p, "CO")]  # "With support from X, the army ..."
    roles["self"] = _described(graph, noun, slots)
    owners = [o for d in graph.lefts(noun, "D") for o in graph.lefts(d, "YS", "YP")]  # "the RSF's"
    # a possessive owns the noun; a name between them qualifies it ("al Qaeda's Sahel affiliate")
    roles["modifier"] = owners or [j for j in graph.lefts(noun, "AN", "A", "GN") if j in slots]
    return roles


def _described(graph: _Graph, noun: int, slots: Mapping[int, Mention]) -> list[int]:
    """The name a noun like "ally" or "leader" describes: by copula, apposition or a following name."""
    found = []
    for be in graph.lefts(noun, "O"):
        if verb_lemma(graph.words[be]) in {"be", "remain", "become"} and (s := graph.subject(be)) is not None:
            found.append(s)
    if noun + 1 < len(graph.words) and noun + 1 in slots:  # "HTS leader Jolani"
        found.append(noun + 1)
    j = noun - 1
    while j > 0 and (
        graph.tags[j].startswith(("a", "e"))
        or noun in graph.rights(j, "A")  # "the armed wing": a participle read as an adjective
        or graph.lower[j] in {"the", "a", "an", "its", "their", "his", "her", "main", "key", "top", "closest", "chief"}
        or j in slots
        or graph.lower[j] in {"'s", "’s"}
    ):
        j -= 1
    if j > 0 and graph.words[j] == "," and j - 1 in slots:  # "Jolani, the HTS leader"
        found.append(j - 1)
        return found  # the name after ("..., the head of its secretariat, Pulidevan, and ...") is the next in a list
    last = noun
    for p in graph.rights(noun, "Mf", "Mp"):  # "the commander of the SDF, Mazloum Abdi,"
        last = max([last, *graph.rights(p, "J")])
    if last + 2 < len(graph.words) and graph.words[last + 1] == "," and last + 2 in slots:
        found.append(last + 2)
    return found


def _fill(
    graph: _Graph,
    entry: Entry,
    trigger: int,
    roles: Mapping[str, list[int]],
    slots: Mapping[int, Mention],
    resolve: Resolver,
    passive: bool,
    light: int | None = None,
) -> list[Finding]:
    if entry.predicate == "operatesIn" and entry.subject == "obj" and not passive:
        return []  # "troops are stationed in X" places the troops; "X stationed troops in Y" the one who sent them
    if entry.predicate == "partOf" and entry.pos == "verb" and entry.object == "obj" and passive:
        return []  # "the protesters were joined by armed X elements": X came along, it did not become one of them
    if entry.subject == "between":
        members = [(j, m) for j in roles.get("between", []) if (m := _mention(graph, j, slots, resolve))]
        pairs = [(a, b, (ja, jb)) for ja, a in members for jb, b in members if ja < jb]
    else:
        subject_words, object_words = roles.get(_role(entry.subject), []), roles.get(entry.object, [])
        subject_words = _direct(graph, subject_words) if _role(entry.subject) in {"subj", "obj"} else subject_words
        object_words = _direct(graph, object_words) if entry.object in {"subj", "obj"} else object_words
        if entry.subject == "by" and not subject_words and entry.predicate not in STATES:
            subject_words = roles.get("by-clause", [])  # an event's agent may be the clause's subject
        if passive and entry.predicate == "alliedWith" and entry.object != "obj" and not subject_words:
            subject_words = roles.get("obj", [])  # "X is allied with Y": the one allied is an ally, as in the active
        if entry.subject == "self" and not object_words:  # "HTS leader Jolani", "Assad ally Russia"
            object_words = roles.get("modifier", [])
        subject_words = [j for j in subject_words if not _none_of(graph, j)]  # "No group has claimed the attack"
        subjects = _arguments(graph, subject_words, slots, resolve)
        if entry.subject == "people":  # "families headed to Khan Younis": flight only of civilians or a person
            subjects = [(j, s) for j, s in subjects if _is_people(s)]
        elif entry.predicate == "operatesIn":  # "refugees landed in X", "civilians stayed in X": no force at work
            subjects = [(j, s) for j, s in subjects if not _is_people(s)]
        left = [j for j in object_words if entry.predicate == "withdrewFrom" and _own_positions(graph, j)]
        objects = _arguments(graph, [j for j in object_words if j not in left], slots, resolve)
        objects += [
            (j, m) for j in left if (m := _place_it(graph, j, resolve, "positions")) is not None
        ]  # positions": there
        if entry.predicate in PLACE_OBJECTS and entry.object in {"obj", "subj"}:  # "seized it": the place
            placed = [(j, _place_it(graph, j, resolve) if graph.lower[j] == "it" else o) for j, o in objects]
            objects = [(j, o) for j, o in placed if o is not None]  # no place named before: no "it" taken
        if entry.predicate == "sheltered":  # "Sudan, which continues to host them": the people counted before
            for j in (j for j in object_words if graph.lower[j] == "them"):
                if (people := resolve("of them", j)) is not None:
                    objects = [(k, o) for k, o in objects if k != j] + [(j, people)]
        pairs = [(s, o, (js, jo)) for js, s in subjects for jo, o in objects]
        # "X and Y have been fighting" states no alliance: "fought alongside" or "stood by" needs its partner named
        mutual = entry.object not in {"governed", "alongside", "by"} and not passive
        # "X and Y fought together against Z": side by side, not each other
        mutual = mutual and not {"together", "jointly"} & set(graph.lower[trigger + 1 : trigger + 3])
        # and "X and Y supported the operation" names an object that is no one, not each other
        unnamed = [j for j in object_words if graph.lower[j] not in {"other", "another", "each"}]
        if not objects and not unnamed and entry.predicate in RECIPROCAL and len(subjects) > 1 and mutual:
            # "the LNA and the GNA fought"; but "with support from A and B" or "supported by A and by B" (the
            # agents of a passive whose object is not named) says nothing of A and B
            pairs = [(a, b, (ja, jb)) for ja, a in subjects for jb, b in subjects if ja < jb]
    predicate = entry.predicate
    if predicate in {"advancedOn", "captured", "encircled"}:  # civilians do not advance on or take a place
        pairs = [(s, o, words) for s, o, words in pairs if not _is_people(s)]
    if predicate in {"controls", "captured", "occupied"}:  # "held thousands of Tamil civilians": hostages, no place
        pairs = [(s, o, words) for s, o, words in pairs if not _is_people(o) and not _people_after(graph, o)]
        # "captured 20 Orna soldiers", "PDF members are held by U.S. forces": prisoners, not their side's ground
        pairs = [(s, o, words) for s, o, words in pairs if not _captives(graph, words[1], o)]
    if predicate == "headOf" and any(graph.lower[j] in DEPUTIES for j in graph.lefts(trigger, "A", "AN")):
        predicate = "partOf"  # "the RSF's deputy commander"
    if predicate == "headOf" and entry.pos == "noun" and _one_of_many(graph, trigger):
        predicate = "partOf"  # "X, a Mukti Bahini commander": one of its commanders, not its head
    if predicate == "headOf" and graph.lower[trigger] in {"minister", "secretary"}:
        if any(
            j not in slots and graph.lower[j] not in {"prime", "chief", "first"}
            for j in graph.lefts(trigger, "A", "AN")
        ):
            predicate = "partOf"  # "Orna's defence minister" heads a ministry, not Orna: he is of its government
    if predicate == "attacked" and any(
        graph.lower[j] in AIRCRAFT or any(graph.lower[k] in AIRCRAFT for k in graph.lefts(j, "A", "AN"))
        for j in roles.get(entry.subject, []) + roles.get("with", [])
    ):
        predicate = "struckFromAir"
    elif predicate == "attacked" and any(
        noun_lemma(graph.words[j]) in ORDNANCE for j in roles.get(entry.subject, []) + roles.get("with", [])
    ):
        predicate = "shelled"  # "Rockets fired by X hit Lumo", "pounded Kasi with artillery": as "fired rockets at"
    return [
        Finding(
            _moved(predicate, s), s, o, entry, trigger, tuple(sorted({trigger, *words, *_light(light)})), passive, light
        )
        for s, o, words in pairs
        if s.start != o.start
    ]


def _one_of_many(graph: _Graph, noun: int) -> bool:
    """A title with "a" before it names one of several ("a senior RSF commander"): a member, as the gold sets read
    it; "a former head of X" was its head."""
    articles = [d for d in graph.lefts(noun, "D") if graph.lower[d] in {"a", "an"}]
    former = any(graph.lower[j] in {"former", "ex", "then"} for j in graph.lefts(noun, "A", "AN"))
    return bool(articles) and not former


CAPTIVES = frozenset(
    """soldier troop fighter militant member rebel insurgent officer commander official gunman man loyalist supporter
    mercenary personnel force unit element jihadist paramilitary guerrilla policeman prisoner""".split()
)
"""Nouns for people a side is made of: taking or holding them is taking prisoners, not the side's ground."""


def _captives(graph: _Graph, word: int, mention: Mention) -> bool:
    """Whether the object is people of a side ("its members", "20 Orna soldiers", read as the name "Orna" with the
    force phrase among its other names)."""
    heads = [graph.words[j] for j in (word, *graph.rights(word, "AN", "A", "GN"))]
    heads += [name.split()[-1] for name in (mention.text, *mention.extra) if name.split()]
    return any(noun_lemma(w) in CAPTIVES for w in heads)


def _none_of(graph: _Graph, word: int) -> bool:
    """A noun determined by "no" or "neither" names no one ("No group has claimed", "neither side"): it is not
    "the group" named before."""
    return any(graph.lower[d] in {"no", "neither"} for d in graph.lefts(word, "D"))


_FLIGHT = {"withdrewFrom": "fledFrom", "withdrewTo": "fledTo"}


def _moved(predicate: str, subject: Mention) -> str:
    """People who leave a place flee it: each of "the troops and most residents left the valley" by its own kind (the
    troops withdrew, the residents fled)."""
    return _FLIGHT[predicate] if predicate in _FLIGHT and _is_people(subject) else predicate


_PLACING = frozenset({"near", "in", "at", "outside", "around", "inside", "across", "towards", "into", "from"})


def _direct(graph: _Graph, words: list[int]) -> list[int]:
    """A subject or an object, not a word right after a preposition of place the parser hung there instead ("killed
    40 fighters near Dakra": Dakra was not killed); a name that qualifies the noun after it is no place there
    ("killed in Velen air strikes")."""
    return [j for j in words if not (j > 0 and graph.lower[j - 1] in _PLACING and not _qualifies(graph, j))]


def _qualifies(graph: _Graph, j: int) -> bool:
    """Whether the name ``j`` qualifies what follows it: "in Velen air strikes", "in Velen shelling of Dakra"."""
    return bool(graph.rights(j, "AN")) or any(graph.lower[g] in ASSAULTS for g in graph.rights(j, "Mg"))


def _role(role: str) -> str:
    """The role a frame's argument is read from: ``people`` is the grammatical subject, restricted later."""
    return "subj" if role == "people" else role


def _is_people(m: Mention) -> bool:
    """Civilians named in place ("displaced families") or a person: who can flee, as opposed to withdraw."""
    return (m.source == "group" and m.kinds == PEOPLE_KINDS) or m.kinds == frozenset({"person"})


PLACE_OBJECTS = frozenset("""captured encircled advancedOn withdrewFrom fledFrom controls occupied shelled""".split())
"""Relations whose object is a place: "it" there is the place named last ("before the VFF seized it")."""


def _people_after(graph: _Graph, m: Mention) -> bool:
    """Whether a name qualifies the people named after it ("Tamil civilians", "Orna hostages")."""
    words = [k for k, slot in graph.slots.items() if slot.start == m.start]
    return any(k + 1 < len(graph.words) and graph.lower[k + 1] in PEOPLE | {"hostages"} for k in words)


def _own_positions(graph: _Graph, word: int) -> bool:
    """ "abandoned their positions", "its positions" with no place said: where they were is the place named last."""
    placed = any(graph.lower[p] in {"in", "at", "around", "near"} for p in graph.rights(word, "Mp"))
    owned = any(graph.lower[d] in {"its", "their"} for d in graph.lefts(word, "D"))
    return noun_lemma(graph.words[word]) == "position" and owned and not placed


def _place_it(graph: _Graph, word: int, resolve: Resolver, said: str = "it") -> Mention | None:
    """The place an object "it" stands for: the nearest place named before it, in its sentence first."""
    found = resolve("it:place", word)
    return replace(found, resolved_from=said) if found is not None else None


def _arguments(
    graph: _Graph, words: list[int], slots: Mapping[int, Mention], resolve: Resolver
) -> list[tuple[int, Mention]]:
    found = []
    for word in words:
        for member in graph.members(word):
            for part in _listed(graph, member, slots):
                mention = _mention(graph, part, slots, resolve)
                if mention is not None:
                    found.append((part, mention))
    return found


def _listed(graph: _Graph, word: int, slots: Mapping[int, Mention]) -> list[int]:
    """ "the towns of X and Y": the names a plural head lists, else the word itself."""
    if word in slots or noun_lemma(graph.words[word]) not in PLACE_HEADS | OWNED_HEADS:
        return [word]
    for p in graph.rights(word, "Mf", "Mp"):
        if graph.lower[p] == "of":
            for j in graph.rights(p, "J"):
                if graph.is_conjunction(j):
                    return graph.members(j)
    return [word]


def _mention(
    graph: _Graph, word: int, slots: Mapping[int, Mention], resolve: Resolver, depth: int = 0
) -> Mention | None:
    """The mention a word stands for: itself, its owner ("Hezbollah's fighters"), or what it refers to."""
    if word in slots:
        return slots[word]
    lower = graph.lower[word]
    if graph.tags[word] == "g" and (named := [j for j in graph.lefts(word, "AN") if j in slots]):
        return slots[named[0]]  # "struck JNIM fighters withdrawing from the area", parsed as a gerund: the fighters
    if lower in RELATIVES:
        antecedent = _antecedent(graph, word, slots)
        event = antecedent - 2 if antecedent is not None and antecedent > 2 else None
        if event is not None and graph.lower[event + 1] in {"in", "at", "near"} and event not in slots:
            if noun_lemma(graph.words[event]) in ASSAULTS and depth < 2:  # "a bombing in Dakra that killed 12":
                return _mention(graph, event, slots, resolve, depth + 1)  # the bombing's, not Dakra
        if antecedent is not None:
            return slots[antecedent]
        linked = [j for j in graph.lefts(word, "R", "MX", "B") if j not in slots]  # "Residents who left X"
        before = [j for j in range(word - 2, word) if j > 0 and graph.words[j] not in {",", "-", "—"}]
        linked = linked or [j for j in before[-1:] if noun_lemma(graph.words[j]) in ASSAULTS]
        return next((m for j in linked if depth < 2 and (m := _mention(graph, j, slots, resolve, depth + 1))), None)
    if lower == "them" and word > 1 and graph.lower[word - 1] == "of" and graph.lower[word - 2] in PARTS:
        if (counted := resolve("of them", word)) is not None:  # "many of them": the people named before
            return counted
    if lower in PARTITIVES and not graph.rights(word, "D", "Mf", "Mp", "OF", "A") and graph.rights(word, "S"):
        counted = resolve("of them", word)  # "Most have fled to Kasi": most of the people named before
        return replace(counted, resolved_from=lower) if counted is not None else None
    if lower in PRONOUNS:
        return _pronoun(graph, word, slots, resolve, depth)
    if (lower in ATTACK_NOUNS or lower == "fire") and depth < 2:  # "U.S. and British strikes had killed", "by X fire"
        agents = _noun_roles(graph, word, slots)["by"]
        found = [m for j in agents for k in graph.members(j) if (m := _mention(graph, k, slots, resolve, depth + 1))]
        if (
            not found
            and lower != "fire"
            and any(graph.lower[d] in {"the", "this", "these"} for d in graph.lefts(word, "D"))
        ):
            return resolve("the attack", word)  # "The attack killed 20 soldiers": the last attack's author
        return found[0] if found else None
    head = noun_lemma(graph.words[word])
    if head in TITLES | HOLDERS:  # "Orna's president, Anton Gerra, met X": the person the title is set off for
        named = [j for j in _described(graph, word, slots) if j > word and j in slots and "place" not in slots[j].kinds]
        verbs = graph.rights(word, "S")  # its verb right after the name: not "X's leader, Y, said the group took Z"
        if named and all(v <= named[0] + 4 for v in verbs):  # read as "the leader took Z, said the group"
            return slots[named[0]]
    if (named := _including(graph, word, slots)) is not None:  # "its proxies in the region, including Hezbollah"
        return named
    if head in GROUP_NOUNS | {"outfit", "affiliate", "offshoot"}:  # "X, the Boko Haram faction led by Y": X
        apposed = [j for j in _described(graph, word, slots) if j < word and j in slots]
        if apposed and not slots[apposed[0]].kinds & {"place", "person"}:
            return slots[apposed[0]]
    if head in OWNED_HEADS | PLACE_HEADS | FACILITIES or lower in OWNED_HEADS or lower in PARTS or _is_number(lower):
        apposed = [j for j in _described(graph, word, slots) if j < word and j in slots] if head in PLACE_HEADS else []
        if apposed and (not slots[apposed[0]].kinds or "place" in slots[apposed[0]].kinds):  # "Sanaa, the capital"
            return slots[apposed[0]]
        if head in PLACE_HEADS:  # "the Black Sea port of Poti": the place it names, not where it lies
            named = [j for p in graph.rights(word, "Mf", "Mp") if graph.lower[p] == "of" for j in graph.rights(p, "J")]
            if named and named[0] in slots:
                return slots[named[0]]
        if head in FACILITIES:  # "the army base in Mainok": where it is, not whose it is
            where = [
                j for p in graph.rights(word, "Mp") if graph.lower[p] in {"in", "at"} for j in graph.rights(p, "J")
            ]
            if where and where[0] in slots:
                return slots[where[0]]
        for j in graph.lefts(word, "AN", "A", "GN"):
            if j in slots:
                return _owning(slots[j], graph.words[word])
            kind = noun_lemma(graph.words[j]) in NON_STATE  # "separatist forces": named by their kind, not referred
            if not kind and (m := resolve(noun_lemma(graph.words[j]), j)) is not None:  # "Army warplanes"
                return _owning(m, graph.words[word])
        if head in OWNED_HEADS and (m := _used_by(graph, word, slots, resolve, depth)) is not None:
            return m  # "drones operated by X struck Kasi"
        for d in graph.lefts(word, "D"):
            if graph.lower[d] == "whose" and (a := _antecedent(graph, d, slots)) is not None:
                return _owning(slots[a], graph.words[word])
            for owner in graph.lefts(d, "YS", "YP"):
                if depth < 2 and (m := _mention(graph, owner, slots, resolve, depth + 1)):
                    return _owning(m, graph.words[word])
            if graph.lower[d] in {"its", "their", "his", "her"}:
                return _pronoun(graph, d, slots, resolve, depth)
        for a in graph.rights(word, "Ma"):  # "forces loyal to President X": a group of its own (patterns.loyal)
            served = [j for p in graph.rights(a, "MV") if graph.lower[p] == "to" for j in graph.rights(p, "J")]
            if graph.lower[a] == "loyal" and served and served[0] in slots:
                words = [slots[k].text if k in slots else graph.words[k] for k in range(word, served[0] + 1)]
                return resolve(f"+{word}:{' '.join(words)}", word)
        preps = sorted(graph.rights(word, "Mp", "Mf", "OF"), key=lambda p: graph.lower[p] != "of")
        for p in preps:
            located = head in {"site", "target", "position", "facility", "base"} and graph.lower[p] in {"in", "at"}
            if graph.lower[p] == "of" or located or (graph.lower[p] in {"from", "loyal"} and head not in PLACE_HEADS):
                for j in graph.rights(p, "J"):
                    if depth < 2 and (m := _mention(graph, j, slots, resolve, depth + 1)):
                        people = m.source == "group" and m.kinds == PEOPLE_KINDS
                        if people and lower in m.text.lower().split():  # named with its number already
                            return m
                        if lower in PARTS and people and graph.lower[j] == "them":
                            return m  # "many of them": the people named before, as the gold names them
                        if lower in PARTS and people:  # "Thousands of
                            first = _quantity(graph, word)  # residents": the people, named with their number
                            words = " ".join(graph.words[k] for k in range(first, word + 1))
                            return resolve(f"+{first}:{words} of {m.text}", word)
                        return _owning(m, graph.words[word]) if head in OWNED_HEADS else m
        if word + 1 in slots and head in PLACE_HEADS:  # "the city of" is handled above; "province Idlib" rarely
            return slots[word + 1]
    if head in ORDNANCE:  # "Rockets fired by X", "X's missiles", "Russian missiles"; not "Grad rockets": a make
        if (m := _used_by(graph, word, slots, resolve, depth)) is not None:
            return m
        owners = [j for j in graph.lefts(word, "AN", "A") if j in slots and slots[j].source in {"demonym", "country"}]
        owners += [o for d in graph.lefts(word, "D") for o in graph.lefts(d, "YS", "YP") if o in slots]
        if owners:
            return _owning(slots[owners[0]], graph.words[word])
        for d in graph.lefts(word, "D"):
            if graph.lower[d] in {"its", "their"}:
                return _pronoun(graph, d, slots, resolve, depth)
    # "tribal gunmen" and "military aircraft" are a group; "Velen fighter jets" are Velen's, however parsed
    qualified = graph.lefts(word, "A", "AN")
    owned = (head in AIRCRAFT or lower in AIRCRAFT) and any(
        k in slots for j in qualified for k in (j, *graph.lefts(j, "A", "AN"))
    )
    if lower in PEOPLE or head in PEOPLE or (head in OWNED_HEADS and not owned and qualified):
        demonyms = {
            j: slots[j].text for j in graph.lefts(word, "A", "AN") if j in slots and slots[j].source == "demonym"
        }
        modifiers = sorted(
            j
            for j in graph.lefts(word, "A", "AN")
            if (j not in slots or j in demonyms) and graph.words[j].isalpha() and not graph.is_conjunction(j)
        )  # "Sahrawi refugees" are named with their demonym (and match "refugees" too: coreference's extra names)
        first = _quantity(graph, modifiers[0] if modifiers else word)  # "at least 11 people"
        while first > 2 and graph.lower[first - 1] == "of" and graph.lower[first - 2] in PARTS:
            first = _quantity(graph, first - 2)  # "Tens of thousands of"
        kept = [j for j in modifiers if j > first]
        number = [demonyms.get(j, graph.words[j]) for j in range(first, min([*kept, word]))]  # "at least 11"
        phrase = " ".join([*number, *(demonyms.get(j, graph.words[j]) for j in kept), graph.words[word]])
        for p in graph.rights(word, "Mp", "Mf"):  # "residents of Tarhuna"; not "14 people in Tolo": where
            if graph.lower[p] in {"of", "from"}:
                places = [slots[j].text for j in graph.rights(p, "J") if j in slots]
                phrase += f" {graph.lower[p]} {places[0]}" if places else ""
        return resolve(f"+{first}:{phrase}", word)
    institution = [j for j in graph.lefts(word, "AN") if graph.lower[j] in {"army", "military", "government", "police"}]
    if institution and head in {"command", "leadership", "headquarters", "chief", "spokesman", "council"}:
        return resolve(f"+{institution[0]}:{graph.words[institution[0]]} {graph.words[word]}", word)  # "army command"
    modified = head in NON_STATE and any(j not in slots for j in graph.lefts(word, "A", "AN"))  # "tribal gunmen"
    modified = modified or (head in PLACE_HEADS and lower == f"{head}s")  # "the cleared areas": no one place
    modified = modified or (head in TITLES and lower == f"{head}s")  # "the presidents of A and B": no one person
    if graph.lefts(word, "D") and head not in {"", "one"} and not modified:  # "the group": the caller's coreference
        found = resolve(head, word)
        if found is not None and found.resolved_from == head != graph.lower[word]:
            found = replace(found, resolved_from=graph.lower[word])  # "the militants" is how the report names it here
        if found is None and head in NAMED_BY_KIND:  # "the presidential palace": a place named by its kind
            modifiers = sorted(j for j in graph.lefts(word, "A", "AN") if j not in slots and graph.words[j].isalpha())
            first = modifiers[0] if modifiers else word
            return resolve(f"+{first}:{' '.join([*(graph.words[j] for j in modifiers), graph.words[word]])}", word)
        if found is not None or lower not in BARE_GROUPS:
            return found
    if head in {"army", "military", "government", "regime", "police", "navy"}:  # "Army warplanes", "government"
        if (found := resolve(head, word)) is not None or lower not in BARE_GROUPS:
            return found
    if head in {"soldier", "troop"}:  # "killing more than 30 soldiers": the state's forces (coreference)
        return resolve(head, word)
    if lower in BARE_GROUPS:  # "gangs launched attacks": a group named by its kind alone
        return resolve(f"+{word}:{lower}", word)
    return None


def _including(graph: _Graph, word: int, slots: Mapping[int, Mention]) -> Mention | None:
    """The first name a plural noun is said to include ("several towns, including Dakra, Kasi and Mabru"): the
    relation holds for each listed name (:func:`kg.ingest.patterns.across_lists` spreads it)."""
    if not graph.lower[word].endswith("s"):
        return None
    for k in range(word + 1, min(word + 8, len(graph.words) - 1)):
        if graph.tags[k].startswith(("v", "w", "q")) or graph.lower[k] in {";", "and", "which", "who"}:
            return None
        if graph.lower[k] == "including" and graph.lower[k - 1] == ",":
            first = k + 2 if graph.lower[k + 1] == "the" and k + 2 < len(graph.words) else k + 1
            return slots.get(first)
    return None


SAYING = frozenset({"say", "tell", "announce", "claim", "state", "add", "insist", "confirm", "report"})
"""Verbs whose complement a speaker states about itself: in "the army said its troops withdrew", "its" is the army's."""


def _pronoun(graph: _Graph, word: int, slots: Mapping[int, Mention], resolve: Resolver, depth: int) -> Mention | None:
    """What a pronoun stands for: the speaker of the clause it sits in when that clause is what someone said
    ("the army said its troops withdrew"), else the caller's coreference."""
    owned = graph.rights(word, "D") if graph.lower[word] in {"its", "their"} else [word]
    for head in owned:
        for verb in (v for c in graph.lefts(head, "Ce", "C") for v in _said(graph, c)):
            speaker = graph.subject(verb) if verb_lemma(graph.words[verb]) in SAYING else None
            if speaker is not None and speaker != word and graph.lower[speaker] not in PRONOUNS and depth < 2:
                if (m := _mention(graph, speaker, slots, resolve, depth + 1)) is not None:
                    return replace(m, resolved_from=graph.lower[word]) if m.source != "group" else m
        own = _own_subject(graph, head) if head != word else None
        if own is not None and graph.lower[own] not in PRONOUNS and depth < 2:
            m = _mention(graph, own, slots, resolve, depth + 1)
            if m is not None and not m.kinds & {"place", "person"}:  # "his" and "her" are for persons
                return replace(m, resolved_from=graph.lower[word]) if m.source != "group" else m
    found = resolve(graph.lower[word], word)
    if found is not None and graph.lower[word] in {"it", "them"} and depth < 2:
        # "Tarvia, which has stood by it": an object pronoun is never its own clause's subject (that would be
        # "itself"), so it is the name before that one
        subject = _own_subject(graph, word)
        own = _mention(graph, subject, slots, resolve, depth + 1) if subject is not None else None
        if own is not None and normal(own.label) == normal(found.label):
            return resolve(f"{graph.lower[word]}|{normal(own.label)}", word)
    return found


def _own_subject(graph: _Graph, noun: int) -> int | None:
    """The subject of the clause a noun or pronoun is the object of ("MONUSCO, which took them in at its bases",
    "15,000 people fled their homes"): "its" and "their" are most often the subject's own, "it" never is."""
    verbs = [*graph.lefts(noun, "O"), *(v for p in graph.lefts(noun, "J") for v in graph.lefts(p, "MV"))]
    subjects = [s for v in verbs if (s := graph.subject(v)) is not None and s != noun]
    return subjects[0] if subjects else None


def _said(graph: _Graph, c: int) -> list[int]:
    """The verb whose complement a clause is: the word before its subject ("said its troops"), or the verb before
    its "that" ("said that they retook"), also through "and" ("said that ... and that they retook")."""
    if graph.lower[c] != "that":
        return [c]
    joined = [j for j in graph.lefts(c, "RJ") + graph.rights(c, "RJ") if graph.is_conjunction(j)]
    return [v for k in [c, *joined] for v in graph.lefts(k, "TH")]


def _quantity(graph: _Graph, first: int) -> int:
    """Where a group's number starts ("more than 1.2 million people"): the first word of it, else ``first``."""
    k = first - 1
    while k > 0 and (_is_number(graph.words[k]) or graph.lower[k] in QUANTIFIERS):
        k -= 1
    return k + 1 if any(_is_number(graph.words[j]) for j in range(k + 1, first)) else first


def _is_number(word: str) -> bool:
    """Digits, with the commas and points of "110,000" and "1.2"."""
    return bool(re.fullmatch(r"\d[\d,.]*", word))


def _used_by(graph: _Graph, word: int, slots: Mapping[int, Mention], resolve: Resolver, depth: int) -> Mention | None:
    """Whose a weapon or unit is by the participle of use after it: "rockets fired by X", "drones operated by X";
    not "troops backed by X" (X's ally's troops) nor "forces led by X"."""
    used = [v for v in graph.rights(word, "Mv") if verb_lemma(graph.words[v]) in USING]
    by = [p for v in used for p in graph.rights(v, "MVp") if graph.lower[p] == "by"]
    for j in (k for p in by for k in graph.rights(p, "J")):
        if depth < 2 and (m := _mention(graph, j, slots, resolve, depth + 1)):
            return _owning(m, graph.words[word])
    return None


def _owning(owner: Mention, head: str) -> Mention:
    """The owner standing for its forces, known also as "X's forces" and "X forces".

    A name whose kind is unknown but that has fighters or troops of its own is a group, not a person
    or a place: "CPC fighters, led by ..." is never the CPC leading someone.
    """
    kinds = owner.kinds or (frozenset() if head.lower() in THINGS else frozenset({"actor"}))
    return replace(
        owner,
        kinds=kinds,
        extra=(*owner.extra, f"{owner.text} s {head}", f"{owner.text} {head}", f"{head} of {owner.text}"),
    )


def _antecedent(graph: _Graph, relative: int, slots: Mapping[int, Mention]) -> int | None:
    """The name a relative pronoun refers to: linked by R/B, else the nearest name before it."""
    for j in graph.lefts(relative, "R", "MX", "B"):
        if j in slots:
            return _placed_actor(graph, _apposed_to(graph, j, slots), slots)
        described = [k for k in graph.lefts(j, "MX") if k in slots and "place" in slots[k].kinds]
        if described and noun_lemma(graph.words[j]) in PLACE_HEADS:  # "Kuito, the capital of X, which"
            return described[0]
    j = relative - 1
    while j > 0 and graph.words[j] in {",", "-", "—"}:
        j -= 1
    if j not in slots and noun_lemma(graph.words[j]) in ASSAULTS:
        return None  # "condemned the attack, which killed 20": the attack, not the one who condemned it
    if j not in slots and noun_lemma(graph.words[j]) in PLACE_HEADS and graph.lefts(j, "D"):
        return None  # "Basra except the old city, which X still holds": the old city, not Basra
    while j > 0 and j not in slots and j > relative - 6:
        j -= 1
    return _placed_actor(graph, _apposed_to(graph, j, slots), slots) if j in slots else None


def _apposed_to(graph: _Graph, name: int, slots: Mapping[int, Mention]) -> int:
    """The name a description ending in ``name`` is set off for ("Kuito, the capital of Bie province, which X
    besieged": Kuito, not the province), else ``name`` itself."""
    j = name - 1
    if j < 1 or graph.lower[j] not in {"of", "in"}:
        return name
    while j > 1 and j > name - 8 and graph.words[j - 1] != ",":
        j -= 1
    described = graph.lower[j] in {"the", "a", "an"} and j - 2 >= 0 and j - 2 in slots
    return j - 2 if described and "place" in slots[j - 2].kinds | slots[name].kinds else name


def _placed_actor(graph: _Graph, place: int, slots: Mapping[int, Mention]) -> int:
    """ "the Houthis in Yemen, which have attacked Israel": the group a place only locates, not the place; any other
    name is itself."""
    where = place - 2 if place > 1 and graph.lower[place - 1] in {"in", "at"} else None
    if where is None or "actor" in slots[place].kinds and "place" not in slots[place].kinds:
        return place
    actor = slots.get(where)
    if actor is None or "place" in actor.kinds:
        return place
    plural = not actor.kinds and actor.source == "name" and actor.text.endswith("s") and not actor.text.endswith("ss")
    return where if "actor" in actor.kinds or plural else place  # "the Houthis": a new name in the plural
