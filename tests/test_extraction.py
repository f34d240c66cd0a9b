"""Extraction on reports kg has never seen: the parser, the lexicon, the draft, the gold evaluation, bad input.

Every test runs the real link-grammar parser (Debian liblink-grammar5, installed by `make test`)
on text written for the test, about places and groups that are not in the store, so nothing
here can pass by remembering the seed article.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
import rdflib
import yaml
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.ingest import gold as golden
from kg.ingest import linkgrammar
from kg.ingest.extract import MAX_CHARS, _led_by_what, draft, extract
from kg.ingest.lexicon import entries
from kg.ingest.mentions import Mention, normal
from tests.helpers import ROOT

GOLD = ROOT / "tests" / "data" / "extraction"
KG = "https://w3id.org/conflict-kg/ontology#"

UNSEEN = (
    "Vanguard fighters take Tel Amar\n\n"
    "QASR HALIL, March 9 - Fighters of the Free Vanguard Front captured the town of Tel Amar on Saturday, "
    "residents said. The group later withdrew from Qasr Halil to Deir Sama. "
    "Tel Amar was shelled by the Northern Legion, which is backed by Varenia. "
    "The Northern Legion did not capture Deir Sama.\n"
)
"""A report on made-up places and groups: none of its names is in any store."""


def triples(candidates: list) -> set[tuple[str, str, str]]:
    return {(c.subject, c.predicate, c.object) for c in candidates}


def test_the_parser_links_subject_verb_and_object() -> None:
    parse = linkgrammar.parse("Hezbollah withdrew its fighters from Homs.")
    assert parse is not None and parse.null_count == 0
    words = [w.split(".")[0].split("[")[0] for w in parse.words]
    links = {(link.label[0], words[link.left], words[link.right]) for link in parse.links}
    assert ("S", "Hezbollah", "withdrew") in links
    assert ("O", "withdrew", "fighters") in links


def test_an_unseen_report_gives_claims_dates_and_new_entities(store: kg.Store) -> None:
    candidates, unknown = extract(store, UNSEEN, published=dt.date(2025, 3, 9))
    found = triples(candidates)
    assert ("Free Vanguard Front", "captured", "Tel Amar") in found  # "Fighters of X" stand for X
    assert ("Free Vanguard Front", "withdrewFrom", "Qasr Halil") in found  # "the group" is the last group named
    assert ("Free Vanguard Front", "withdrewTo", "Deir Sama") in found
    assert ("Northern Legion", "shelled", "Tel Amar") in found  # passive, agent from "by"
    assert ("Varenia", "alliedWith", "Northern Legion") in found  # "which is backed by"
    assert ("Northern Legion", "captured", "Deir Sama") not in found  # negated
    for c in candidates:
        assert UNSEEN[c.start : c.end] == c.quote
        assert c.subject_iri is None and c.object_iri is None
        assert 0 < c.confidence < 1 and "lexicon.tsv:" in c.why
    capture = next(c for c in candidates if c.predicate == "captured" and c.subject == "Free Vanguard Front")
    assert (capture.date, capture.precision, capture.date_text) == ("2025-03-08", "day", "on Saturday")
    assert capture.quote.startswith("Fighters of the Free Vanguard Front captured the town")
    names = {m.text for m in unknown}
    assert {"Free Vanguard Front", "Tel Amar", "Qasr Halil", "Deir Sama", "Northern Legion"} <= names
    assert not names & {"Fighters", "The", "Saturday", "March"}


def test_known_entities_are_linked_to_the_store(store: kg.Store) -> None:
    candidates, _ = extract(store, "The city of Homs was captured by Hezbollah, which Iran backs.")
    assert ("https://w3id.org/conflict-kg/id/hezbollah", "captured", "https://w3id.org/conflict-kg/id/homs") in {
        c.triple() for c in candidates
    }


def test_a_country_the_store_knows_is_linked_by_demonym_and_by_the_country(store: kg.Store) -> None:
    """ "Iraqi jets" stand for the store's Iraq, and "the country" after the store's Syria is it: not a new
    entity proposed beside the one the store has."""
    iraq, syria = "https://w3id.org/conflict-kg/id/iraq", "https://w3id.org/conflict-kg/id/syria"
    candidates, _ = extract(store, "Iraqi jets bombed Tel Amar on Monday.")
    assert ("Iraq", iraq, "struckFromAir", "Tel Amar") in {
        (c.subject, c.subject_iri, c.predicate, c.object) for c in candidates
    }
    text = "Government troops shelled Tel Amar in Syria on Monday. Thousands of residents of Tel Amar fled the country."
    candidates, _ = extract(store, text)
    assert ("fledFrom", syria) in {(c.predicate, c.object_iri) for c in candidates}
    candidates, _ = extract(store, "Fighter units were reported heading to strongholds in Tel Amar, Syria.")
    assert ("Tel Amar", "locatedIn", syria) in {(c.subject, c.predicate, c.object_iri) for c in candidates}


def test_a_description_from_the_store_does_not_name_another_reports_group(store: kg.Store) -> None:
    # the seed's store knows "rebels" and "government forces" as the Syrian ones; a report on another war's
    # rebels must not be linked to them
    text = "The rebels attacked Port Ossa on Monday. Government forces later shelled the town."
    candidates, _ = extract(store, text)
    attack = next(c for c in candidates if c.predicate == "attacked")
    assert (attack.subject, attack.subject_iri) == ("rebels", None)
    assert all("syrian" not in (c.subject_iri or "") + (c.object_iri or "") for c in candidates)


SHAPES = [
    pytest.param(
        "The fall of Tel Amar opens the road to Qasr Halil, located approximately 160 kilometers north. Deir Sama, "
        "the third largest city in Orna, held out, as did Kasi, Orna's second-largest city. Orna's main port of "
        "Mabru was calm. Veln, 40 km to the south, was not measured from anything named before it.",
        [
            ("Qasr Halil", "northOf", "Tel Amar"),  # a distance with no "of": from the place named before it
            ("Deir Sama", "locatedIn", "Orna"),  # "the third largest city in X"
            ("Kasi", "locatedIn", "Orna"),  # "X's second-largest city"
            ("Mabru", "locatedIn", "Orna"),  # "X's main port of Y"
        ],
        [("Veln", "southOf", None)],
        id="distances with no reference named, cities by rank and by owner",
    ),
    pytest.param(
        "On Sunday the insurgent Islamist militia Free Vanguard Front announced its entry into Tel Amar. The "
        "Salafist group Ansar Kalva took Deir Sama.",
        [("Free Vanguard Front", "advancedOn", "Tel Amar"), ("Ansar Kalva", "captured", "Deir Sama")],
        [("Islamist militia", None, None), ("Salafist group", None, None)],  # what the name is, not another actor
        id="a description before a name",
    ),
    pytest.param(
        "Standing firmly by the Northern Legion are Varenia and Orna, who are its most powerful foreign allies.",
        [("Varenia", "alliedWith", "Northern Legion"), ("Orna", "alliedWith", "Northern Legion")],
        [],
        id="an inverted sentence: the participle's subject comes after the verb",
    ),
    pytest.param(
        "The fighting went on. Iraq has taken in 60,000 refugees from Tel Amar, and the UN base in Deir Sama "
        "sheltered 5,000 civilians.",
        [("Iraq", "sheltered", "60,000 refugees from Tel Amar"), ("60,000 refugees from Tel Amar", "fledTo", "Iraq")],
        [("5,000 civilians", "fledTo", None)],  # a base that shelters people says nothing of where they fled
        id="people a country takes in fled to it",
    ),
    pytest.param(
        "The report said rebels are closing in on the capital, Tel Amar, after taking Kasi. Chad has sent troops, "
        "and fighting in Chad goes on.",
        [("Tel Amar", "capitalOf", "Chad")],  # the country the report names most, though named only later
        [("Kasi", "capitalOf", None)],
        id="the capital, with no country said",
    ),
    pytest.param(
        "Gunmen attacked Dakra, Ossa state, on Monday and then Mabru, in Tarna local government area. "
        "The Velen region of Norte Ossa department has been quiet. Delegates later met in Port Kalma, Jamaica.",
        [
            ("Dakra", "locatedIn", "Ossa state"),
            ("Mabru", "locatedIn", "Tarna local government area"),
            ("Velen region", "locatedIn", "Norte Ossa department"),
            ("Port Kalma", "locatedIn", "Jamaica"),
        ],
        [],
        id="places by apposition and administrative units",
    ),
    pytest.param(
        "On 3 January 2021, VFF fighters, led by Orna Front elements, captured Bastali, the capital of Mero "
        "prefecture. Between 15 and 17 January 2021, the army retook Bastali after VFF fighters withdrew from the "
        "town. Russian jets struck the port of Kasi.",
        [("VFF", "captured", "Bastali"), ("VFF", "withdrewFrom", "Bastali"), ("Russia", "struckFromAir", "Kasi")],
        [("VFF", "headOf", None)],  # fighters are led, they do not lead; "the port of Kasi" is Kasi
        id="an opening date, a force noun and a port",
    ),
    pytest.param(
        "Velen fighters were by then in control of most of Tarna. Kasi remained under the control of the "
        "Orna Front, and Dakra is under VFF control.",
        [("Velen", "controls", "Tarna"), ("Orna Front", "controls", "Kasi"), ("VFF", "controls", "Dakra")],
        [],
        id="control stated with a preposition",
    ),
    pytest.param(
        "Columns of the 58th Army crossed into Tarna on Friday. Hundreds of families crossed the border into "
        "Kasi. The gangs now control an estimated 80 per cent of Dakra, a town in Orna province.",
        [
            ("58th Army", "advancedOn", "Tarna"),  # an army crossing in advances
            ("hundreds of families", "fledTo", "Kasi"),  # families crossing in flee
            ("gangs", "controls", "Dakra"),  # "80 per cent of Dakra"
            ("Dakra", "locatedIn", "Orna province"),  # "a town in"
        ],
        [("hundreds of families", "advancedOn", None)],
        id="units by number, shares of a place, who crosses into it",
    ),
    pytest.param(
        "The Tarna Mission condemns the killing of civilians in Dakra. Insurgents attacked Mabru, Ossa state, "
        "killing at least 11 people.",
        [("Mabru", "locatedIn", "Ossa state")],
        [("Tarna Mission", "killed", None), ("Mabru", "killed", None)],  # a speaker; a place
        id="who condemns an act and a place are not its agent",
    ),
    pytest.param(
        "Armed groups formed the Velen Coalition (VC), made up of the country's strongest armed groups, among "
        "them the UPF, the 3R and the MPV. Residents who left Dakra said army troops took refuge at the UN base "
        "in Kasi before Orna troops regained control of the town.",
        [
            ("UPF", "partOf", "VC"),
            ("3R", "partOf", "VC"),  # each of the list
            ("MPV", "partOf", "VC"),
            ("residents", "fledFrom", "Dakra"),  # "who" stands for a group of people too
            ("Orna", "captured", "Kasi"),
        ],
        [],
        id="members among them, who left, regaining control",
    ),
    pytest.param(
        "Gunmen attacked Dakra, Ossa state, Nigeria, on Monday and burned dozens of houses, residents said.",
        [("gunmen", "attacked", "Dakra"), ("Dakra", "locatedIn", "Ossa state")],
        [("gunmen", "attacked", "Ossa state"), ("gunmen", "attacked", "Nigeria")],  # where Dakra is, not a list
        id="a chain of places is not a list",
    ),
    pytest.param(
        "On 4 May, around 300 Velen Liberation Province (VLP) militants attacked Dakra, Ossa state, dislodged troops "
        "from their base; residents hid in the mosque until the Orna Air Force and army reinforcements pushed the "
        "attackers back. Heavy fighting raged around the old market throughout the afternoon, while Orna jets bombed "
        "Dakra and Mabru, and the VFF captured Kasi after a week of clashes with the army.",
        [
            ("Velen Liberation Province", "attacked", "Dakra"),  # "around 300", a "Province" that has militants
            ("Orna", "struckFromAir", "Dakra"),
            ("Orna", "struckFromAir", "Mabru"),
            ("VFF", "captured", "Kasi"),
            ("VFF", "opposes", "army"),  # "the army" is no unknown name that came before
        ],
        [
            ("Velen Liberation Province", "struckFromAir", None),  # an air force elsewhere in the sentence
            ("militants", None, None),  # one group, not two
            ("Dakra", "captured", None),  # each clause read on its own: Dakra and Mabru were bombed, not capturers
            ("Mabru", "captured", None),
            ("VFF", "opposes", "Kasi"),
        ],
        id="long coordinated sentences read clause by clause",
    ),
    pytest.param(
        "The VFF's intelligence chief Orim Basalt was seen in Dakra. Tarek Amun Solen, the VFF's deputy commander, "
        "met former Orna Front commander Lazar Venn. Orna Front leader Eda Moran spoke.",
        [
            ("Orim Basalt", "partOf", "VFF"),  # the head of a part, not of the whole
            ("Tarek Amun Solen", "partOf", "VFF"),
            ("Lazar Venn", "headOf", "Orna Front"),
            ("Eda Moran", "headOf", "Orna Front"),
        ],
        [("Orim Basalt", "headOf", None), ("Tarek Amun Solen", "headOf", None)],
        id="titles with their organisation, before or after the name",
    ),
    pytest.param(
        "Live: the battle for Dakra\n06:30 - Dakra, the capital of Ossa province, fell to the VFF overnight without a "
        "fight, officials told us.\n21:00 GMT - Orna troops withdrew from Kasi.",
        [("VFF", "captured", "Dakra"), ("Orna", "withdrewFrom", "Kasi")],
        [],
        id="a live blog's time stamps",
    ),
    pytest.param(
        "Fighting went on near the river. Forces loyal to President Eda Moran retook Dakra on Sunday, and tribal "
        "gunmen loyal to al-Varen attacked VFF checkpoints.",
        [
            ("Forces loyal to President Eda Moran", "alliedWith", "Eda Moran"),  # a group named by whom it serves
            ("forces loyal to President Eda Moran", "captured", "Dakra"),
            ("gunmen loyal to al-Varen", "alliedWith", "al-Varen"),
            ("gunmen loyal to al-Varen", "attacked", "VFF"),  # "VFF checkpoints" stand for the VFF
        ],
        [("Eda Moran", "captured", None)],
        id="forces loyal to someone",
    ),
    pytest.param(
        "Fighting went on near the river. The Tarna People's Front has been fighting al Varda's Sahel affiliate "
        "JNIX and Velen State's Orna Province for years.",
        [("JNIX", "partOf", "al Varda"), ("Tarna People's Front", "opposes", "JNIX")],
        [("JNIX", "partOf", "Sahel"), ("Velen State's Orna Province", None, None), ("Varda's Sahel", None, None)],
        id="a possessive ends a name unless the name goes on through it",
    ),
    pytest.param(
        "Fighting went on near the river. Eda Moran said in a video message that there would be no attack on Dakra. "
        "Tarna is responding to the shelling of Mabru. Iran backs the Orna Front in Kasi and the Velenis in Mabru.",
        [("Orna Front", "operatesIn", "Kasi"), ("Velenis", "operatesIn", "Mabru")],
        [
            ("Eda Moran", "attacked", None),  # "no attack" is denied
            ("Tarna", "shelled", None),  # who responds to shelling is not its author
            ("Kasi", "operatesIn", None),  # a place, then a group in the plural: not one list
            ("Orna Front", "operatesIn", "Velenis"),
        ],
        id="denied acts, responses and groups in their places",
    ),
    pytest.param(
        "Fighting went on near the river. Orna jets struck the port of Kasi and the Dakra base. VFF fighters attacked "
        "the LNA base in Mabru.",
        [
            ("Orna", "struckFromAir", "Dakra base"),  # a site named by its place and kind
            ("Orna", "struckFromAir", "Kasi"),
            ("VFF", "attacked", "LNA"),  # an acronym's base is the group's
        ],
        [("Orna", "struckFromAir", "Dakra"), ("VFF", "attacked", "LNA base")],
        id="sites named by a place and their kind",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters overran the base in Dakra; the army said its troops withdrew "
        "to Kasi. On Thursday the army command said it backed the Orna Guard.",
        [
            ("VFF", "attacked", "Dakra"),  # a base overrun is attacked, not taken (the gold set's convention)
            ("army", "withdrewTo", "Kasi"),  # "its" is the speaker's
            ("army command", "alliedWith", "Orna Guard"),  # "it" too, and "the army command" is no earlier name
        ],
        [("VFF", "withdrewTo", None)],
        id="a speaker's own troops",
    ),
    pytest.param(
        "Fighting went on near the river. More than 15,000 people fled their homes in Dakra last week. Thousands of "
        "families left their houses in Kasi.",
        [("more than 15,000 people", "fledFrom", "Dakra"), ("thousands of families", "fledFrom", "Kasi")],
        [],
        id="homes left in a place",
    ),
    pytest.param(
        "Fighting went on near the river. Russian aircraft bomb the Dakra air base near Kasi. A Russian air raid on "
        "the centre of Mabru kills several civilians. Georgian forces open a massive artillery and rocket barrage on "
        "Tarna.",
        [
            ("Russia", "struckFromAir", "Dakra air base"),  # "aircraft" is plural: "bomb" is its verb
            ("Russia", "struckFromAir", "Mabru"),  # "A Russian": the article is no part of the name
            ("Russia", "killed", "civilians"),
            ("Georgia", "shelled", "Tarna"),  # a barrage opened
        ],
        [("Mabru", None, None)],  # "Mabru kills" is no "Houthi rebels": a place, not a people
        id="a timeline's present tense",
    ),
    pytest.param(
        "Fighting went on near the river. The VFF overran the base in Dakra, Kaga local government area, on Monday; "
        "the militants left the town around midnight.",
        [("VFF", "attacked", "Dakra"), ("militants", "withdrewFrom", "Dakra")],
        [("militants", "withdrewFrom", "Kaga local government area")],  # "the town" is no area
        id="the town is the last town, not its area",
    ),
    pytest.param(
        "Fighting went on near the river. Islamic State said on Monday that its fighters had seized the town of Dakra "
        "in northern Orna, five days after insurgents stormed the coastal town.",
        [
            ("Islamic State", "captured", "Dakra"),  # a group, though "State"; "its" is the speaker's
            ("insurgents", "attacked", "Dakra"),  # "the coastal town"
        ],
        [("Islamic State", "captured", "Orna"), ("insurgents", "attacked", "Orna")],
        id="what a group said it did",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters attacked several towns, including Tarna, Lumo and Seka.",
        [("VFF", "attacked", "Tarna"), ("VFF", "attacked", "Lumo"), ("VFF", "attacked", "Seka")],
        [],
        id="the names a plural noun includes",
    ),
    pytest.param(
        "Fighting went on near the river. Orna Front fighters seized the town of Kasi in March. The Chadian army "
        "sent reinforcements. On 19 April they retook the town.",
        [("Orna Front", "captured", "Kasi"), ("Chad", "captured", "Kasi")],  # a sentence with no name of its own
        [],
        id="a sentence of pronouns and descriptions",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters overran Dakra on Monday. The Ossa Front denied any role, and "
        "the Velen army sent troops. Three days later the militants attacked the town of Kasi. Officials said 90 "
        "militants, 16 soldiers and 4 civilians died in the fighting.",
        [("VFF", "attacked", "Kasi")],  # the group seen fighting, not the last group named, not the army
        [("Ossa Front", "attacked", None), ("Velen army", "attacked", None), (None, "opposes", None)],
        id="the militants are the group seen fighting; the dead did not fight",
    ),
    pytest.param(
        "Fighting went on near the river. M23 rebels overran Dakra on Monday. The Ossa Front shelled Lumo. The Velen "
        "Army sent reinforcements. The tribal gunmen fled. Three days later the rebels attacked Kasi, the Chadian "
        "capital held by the Orna Front. They killed ten soldiers.",
        [
            ("M23", "attacked", "Kasi"),  # "the rebels" after "M23 rebels"; not the tribal gunmen, a group of their own
            ("Orna Front", "controls", "Kasi"),  # "the capital held by": Kasi, by a passive the parser misread
            ("M23", "killed", "Velen Army"),  # "They": the last sentence's actor; "soldiers": the state's army
        ],
        [("Chad", "controls", None), ("Kasi", "killed", None), ("Ossa Front", "attacked", None)],
        id="who they are: the last actor, the army's soldiers, the capital held by a group",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters attacked Dakra on Saturday. Military aircraft later struck "
        "VFF fighters withdrawing from the area.",
        [
            ("VFF", "attacked", "Dakra"),  # a short sentence the parser reads best as a noun phrase
            ("military aircraft", "struckFromAir", "VFF"),
            ("VFF", "withdrewFrom", "Dakra"),  # who withdrew: the fighters struck, not the aircraft
        ],
        [("military aircraft", "withdrewFrom", None)],
        id="a verb read before a noun phrase; a participle's subject is the name it follows",
    ),
    pytest.param(
        "Fighting went on near the river. The VFF seized Lumo on Monday. Many residents of Tarna fled eastwards to "
        "Kasi. Thousands of civilians have escaped from Dakra and crossed to Seka. The VFF then launched attacks on "
        "the coastal towns.",
        [
            ("residents of Tarna", "fledFrom", "Tarna"),  # people named by their home fled from it
            ("residents of Tarna", "fledTo", "Kasi"),
            ("thousands of civilians", "fledTo", "Seka"),
        ],
        [("VFF", "attacked", None)],  # "the coastal towns" are not the last town named
        id="where people fled from and to; plural places are not the last place",
    ),
    pytest.param(
        "Fighting went on near the river. Velen said it had sent 300 instructors to train the Ossa Guard. The VFF "
        "launched an offensive to retake Dakra.",
        [("Velen", "trained", "Ossa Guard")],  # a purpose the sending fulfils
        [("VFF", "captured", None)],  # a purpose still to be done
        id="purpose clauses",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters stormed Dakra, killing dozens of people. An air strike by "
        "the Velen Air Force hit a market in the village of Lumo, west of Kasi, killing at least 64 civilians.",
        [("VFF", "killed", "dozens of people"), ("Velen Air Force", "killed", "at least 64 civilians")],
        [("Dakra", "killed", None), ("Kasi", "killed", None), ("Lumo", "killed", None)],
        id="a participle after an object tells what the subject did",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters attacked and burned Dakra. The Velen regime armed and "
        "financed the Kalvers.",
        [("VFF", "attacked", "Dakra"), ("regime", "supplied", "Kalvers")],  # the object two verbs share
        [],
        id="coordinated verbs share their object",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen-trained Ossa Guard and the Orna-funded Kalvers advanced on "
        "Dakra. Tavor Dassin, who has been under UN sanctions since 2022 and under Velen sanctions since 2020, "
        "leads the Kalvers. The VFF retook Kasi with support from Lumo and Seka. With the support of Velen jets, "
        "the Kalvers took Mabru.",
        [
            ("Velen", "trained", "Ossa Guard"),
            ("Orna", "alliedWith", "Kalvers"),
            ("UN", "sanctioned", "Tavor Dassin"),
            ("Velen", "sanctioned", "Tavor Dassin"),
            ("Lumo", "alliedWith", "VFF"),
            ("Seka", "alliedWith", "VFF"),
            ("Velen", "alliedWith", "Kalvers"),
        ],
        [("Lumo", "alliedWith", "Seka"), ("Seka", "alliedWith", "Lumo")],  # both back the VFF; nothing between them
        id="trained, funded, under sanctions, with support from",
    ),
    pytest.param(
        "Fighting went on near the river. Shells hit the Orna base in Dakra. Velen jets struck the uranium "
        "enrichment site in Kasi. Fighters stormed the hospital in Mabru after an attack on its base in Seka.",
        [
            ("Orna base", "locatedIn", "Dakra"),
            ("uranium enrichment site", "locatedIn", "Kasi"),
            ("Velen", "struckFromAir", "Kasi"),  # a strike on a site is a strike on where it is
            ("hospital", "locatedIn", "Mabru"),
            ("base", "locatedIn", "Seka"),
        ],
        [("attack on its base", "locatedIn", None), ("Fighters stormed the hospital", "locatedIn", None)],
        id="a site named by its kind lies in the place after it",
    ),
    pytest.param(
        "Fighting went on near the river, and the army said it had lost three soldiers. H.E. President Tavor "
        "Sheikh Dassin declared war on the Kalvers. Brig. Gen. Amir Lemi Arko, commander of the Ossa Guard, was "
        "killed.",
        [("Tavor Sheikh Dassin", "opposes", "Kalvers"), ("Amir Lemi Arko", "headOf", "Ossa Guard")],
        [("Tavor", None, None), ("Dassin", None, None), ("Lemi Arko", None, None), (None, None, "H.E.")],
        id="a name after a title, with an honorific inside it",
    ),
    pytest.param(
        "Fighting went on near the river, and the army said it had lost three soldiers. A Velen air raid on the "
        "centre of Dakra killed several civilians, among them the Dutch cameraman Tavor Dassin. The Kalvers attacked "
        "Kasi and killed more than 55 people, including members of the Ossa Guard.",
        [("Velen", "killed", "Tavor Dassin"), ("Kalvers", "killed", "Ossa Guard")],
        [("Velen", "killed", "Netherlands")],
        id="who was among those killed",
    ),
    pytest.param(
        "Fighting went on near the river, and the army said it had lost three soldiers. The Velen regime launched "
        "about 100 drones toward Orna. The Kalvers fired missiles into Dakra.",
        [("regime", "struckFromAir", "Orna"), ("Kalvers", "shelled", "Dakra")],
        [],
        id="toward is towards",
    ),
    pytest.param(
        "Fighting went on near the river. Gunmen attacked Dakra, a town in Tarna province, Ossa region, about 40 "
        "kilometres north of Kasi. On 5 February 2025, the VFF captured the mining town of Lumo, in Seka territory, "
        "about 100 km north of Mabru, two days into its own ceasefire.",
        [("Dakra", "northOf", "Kasi"), ("Lumo", "northOf", "Mabru")],  # the town the chain of places began with
        [
            ("Ossa region", "northOf", None),
            ("Seka territory", "northOf", None),
            ("VFF", "captured", "Mabru"),  # where a distance is measured from is not what was taken
        ],
        id="a distance after a chain of places places its town",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters attacked Orna and Velen positions around Dakra, killing 13 "
        "peacekeepers from Ghana. On Monday, Kalver combatants attacked Orna peacekeepers near Kasi, in Lumo "
        "prefecture, killing three Burundian peacekeepers. Gunmen attacked Mabru, killing 30 soldiers. The Kalvers "
        "attacked Velen troops in Seka, killing four Ghanaian soldiers. The VFF ambushed an Ossa army convoy near "
        "Tarna, killing 12 soldiers.",
        [
            ("VFF", "killed", "Orna"),
            ("VFF", "killed", "Velen"),
            ("Kalver", "killed", "Orna"),
            ("Kalvers", "killed", "Velen"),
            ("VFF", "killed", "Ossa"),  # "an Ossa army convoy": Ossa's
        ],
        [
            (None, "killed", "Ghana"),
            (None, "killed", "Burundi"),
            (None, "killed", "Mabru"),
            (None, "killed", "army convoy"),
        ],
        id="soldiers killed in an attack on a force were the force's",
    ),
    pytest.param(
        "Fighting went on near the river. On 6 May, the Velen army ordered residents in northern Dakra, including the "
        "Kasi municipality and the neighbourhoods of Lumo, Seka and Tor Amal, to move to Orna. Ossa fighters, "
        "including the Tarna Brigade, attacked the town.",
        [
            ("Kasi municipality", "locatedIn", "Dakra"),
            ("Lumo", "locatedIn", "Dakra"),  # each place of the list the "of" phrase opens
            ("Tor Amal", "locatedIn", "Dakra"),
            ("Tarna Brigade", "partOf", "Ossa"),
        ],
        [("Orna", "locatedIn", None), ("Tarna Brigade", "locatedIn", None)],
        id="the places a place includes lie in it",
    ),
    pytest.param(
        "Fighting went on near the river. The Commander of the Velen Air Force, Maj. Gen. Tavor Dassin, met the "
        "President of the Republic of Orna, Victorious Commander-in-Chief Lemi Arko, and the head of the Ossa "
        "Front's political wing, Orim Basalt. Russian President and Supreme Commander-in-Chief Eda Moran spoke. The "
        "Kalver Guard's commander, General Abu Tarek Selim, stayed.",
        [
            ("Tavor Dassin", "headOf", "Velen Air Force"),  # the title of the organisation, then the holder's name
            ("Lemi Arko", "headOf", "Republic of Orna"),
            ("Eda Moran", "headOf", "Russia"),  # two titles joined by "and"
            ("Abu Tarek Selim", "headOf", "Kalver Guard"),  # a rank between the title and the name
        ],
        [("Orim Basalt", "headOf", None), ("Lemi Arko", "headOf", "Velen Air Force")],  # the head of a part
        id="a title of an organisation before its holder's name",
    ),
    pytest.param(
        "Fighting went on near the river. Russia and Rwanda sent instructors in December. On 22 December, VFF "
        "fighters seized Dakra, the country's fourth-largest city, 380 km northeast of Kasi; Orna troops regained "
        "control of the city the following day. Kalver fighters attacked Lumo hospital. They later entered the town.",
        [("VFF", "captured", "Dakra"), ("Orna", "captured", "Dakra")],  # the city the sentence named, not Russia
        [
            ("Orna", "captured", "Kasi"),  # where a distance is measured from
            ("Orna", "captured", "Russia"),  # a country the store knows is no city
            ("Kalver", "captured", None),  # a hospital is no town
        ],
        id="the city is the one named, not a distance's landmark, a country or a hospital",
    ),
    pytest.param(
        "Fighting went on near the river. Tens of thousands of displaced people had fled to Dakra from Kasi. VFF "
        "fighters took Dakra on Monday. Many of them have now fled the city again, heading south to Lumo.",
        [
            ("tens of thousands of displaced people", "fledFrom", "Dakra"),  # "many of them": the people counted
            ("tens of thousands of displaced people", "fledTo", "Lumo"),
        ],
        [("VFF", "fledFrom", None), ("VFF", "fledTo", None)],  # not the last actor
        id="many of them are the people named before",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Army, supported by the Orna Mission and by Kasi, took Dakra. "
        "The operations are supported by the Tarna Mission and by Lumo.",
        [("Orna Mission", "alliedWith", "Velen Army"), ("Kasi", "alliedWith", "Velen Army")],  # each "by"
        [("Tarna Mission", "alliedWith", "Lumo"), ("Lumo", "alliedWith", "Tarna Mission")],  # nothing between them
        id="agents of a passive, each with its own by",
    ),
    pytest.param(
        "Fighting went on near the river. Orna forces stormed the rebel stronghold of Dakra. The VFF shelled the "
        "Kalver bastion of Kasi.",
        [("Orna", "attacked", "Dakra"), ("VFF", "shelled", "Kasi")],  # the stronghold of a place is that place
        [],
        id="a stronghold of a place",
    ),
    pytest.param(
        "Fighting went on near the river. Orna accused the VFF of killing 30 civilians in Dakra. Tavor Dassin is "
        "accused by the government and the UN of backing the Kalvers. At least 20 people were killed when Velen "
        "jets bombed a market in Kasi.",
        [
            ("VFF", "killed", "30 civilians"),  # the accused did it; "in Dakra" is where, not who
            ("Tavor Dassin", "alliedWith", "Kalvers"),
            ("Velen", "killed", "at least 20 people"),  # killed when jets bombed: by the jets' owner
        ],
        [("Orna", "killed", None), ("UN", None, None)],  # the accuser did not
        id="the accused did it; killed when others attacked",
    ),
    pytest.param(
        "Fighting went on near the river. Thousands of residents fled Dakra for Kasi. The VFF left Lumo for Seka. "
        "The Orna Volunteers for the Defence of the Homeland and the Coalition for Change attacked Tarna.",
        [
            ("thousands of residents", "fledTo", "Kasi"),  # "for" a place is where they went
            ("VFF", "withdrewTo", "Seka"),
            ("Orna Volunteers for the Defence of the Homeland", "attacked", "Tarna"),  # "for the" inside a name
            ("Coalition for Change", "attacked", "Tarna"),
        ],
        [(None, None, "Dakra for Kasi"), ("Defence of the Homeland", None, None)],
        id="for between two names and inside one",
    ),
    pytest.param(
        "Fighting went on near the river. Dakra has been under siege by the VFF since May. Kasi remained under "
        "Kalver siege. Lumo has been under siege since June.",
        [("VFF", "encircled", "Dakra"), ("Kalver", "encircled", "Kasi")],
        [(None, "encircled", "Lumo")],  # no besieger named
        id="under siege by",
    ),
    pytest.param(
        "Fighting went on near the river. The VFF attacked Dakra, in the south of Orna. The village of Kasi, in the "
        "east of Tarna, was shelled. Lumo, north of Seka, fell.",
        [("Dakra", "locatedIn", "Orna"), ("Kasi", "locatedIn", "Tarna"), ("Lumo", "northOf", "Seka")],
        [("Dakra", "southOf", None)],  # in the south of a place is in it
        id="in the south of a place",
    ),
    pytest.param(
        "Fighting went on near the river. The Orna Brigades, the armed wing of the VFF, attacked Dakra.",
        [("Orna Brigades", "partOf", "VFF"), ("Orna Brigades", "attacked", "Dakra")],
        [("VFF", "partOf", None)],
        id="the armed wing of a group",
    ),
    pytest.param(
        "Fighting went on near the river. Orna troops are stationed in Dakra. Velen soldiers were deployed to Kasi "
        "in May. Tarna stationed 500 troops in Lumo.",
        [("Orna", "operatesIn", "Dakra"), ("Velen", "operatesIn", "Kasi"), ("Tarna", "operatesIn", "Lumo")],
        [("500 troops in Lumo", None, None)],
        id="troops stationed and deployed",
    ),
    pytest.param(
        "Fighting went on near the river. Orna forces at Dakra have surrendered. Kasi, the last strip of land held "
        "by the VFF at Lumo, fell.",
        [("Orna", "operatesIn", "Dakra")],
        [("VFF", "operatesIn", "Lumo")],  # "at Lumo" is where the land held is
        id="a force at a place",
    ),
    pytest.param(
        "Fighting went on near the river. Dakra had been held for years by the Kalvers, a local militia that allied "
        "itself with the VFF.",
        [("Kalvers", "controls", "Dakra"), ("Kalvers", "alliedWith", "VFF")],
        [("local militia", None, None)],  # the militia described is the Kalvers, no group of its own
        id="a group described by apposition",
    ),
    pytest.param(
        "Fighting went on near the river. Velen has armed its proxies in the region, including the Kalvers in Orna "
        "and the Tarnis in Lumo, which have attacked Dakra.",
        [("Tarnis", "attacked", "Dakra")],  # "which": the group the place locates
        [("Lumo", "attacked", None)],
        id="which after a group in a place",
    ),
    pytest.param(
        "Fighting went on near the river. Orna fighters attacked positions of Jama'atu Ahl al-Tarna wal-Jihad (JAT) "
        "near Dakra.",
        [("Orna", "attacked", "Jama'atu Ahl al-Tarna wal-Jihad")],  # "wal-" ("and the") inside a name
        [(None, None, "Jama'atu Ahl al-Tarna")],
        id="wal inside a name",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters entered Dakra on Monday. Residents hid in Dakra hospital. "
        "Orna troops guarded the Kasi crossing. The Kalvers left the Wagner base.",
        [("Dakra hospital", "locatedIn", "Dakra")],  # a site named by a place the report names on its own
        [("Kasi crossing", "locatedIn", None), ("Wagner base", "locatedIn", None)],  # no place named so alone
        id="a site named by its place",
    ),
    pytest.param(
        "Fighting went on near the river. Orna has sent about 5,000 additional troops to Dakra. The Kalvers sent "
        "reinforcements to Kasi in May.",
        [("Orna", "operatesIn", "Dakra"), ("Kalvers", "operatesIn", "Kasi")],
        [],
        id="troops sent to a place",
    ),
    pytest.param(
        "Fighting went on near the river in Chad. Russia sent instructors in May. VFF fighters seized Dakra, the "
        "country's fourth-largest city.",
        [("Dakra", "locatedIn", "Chad")],  # the country the report is about, not the last one named
        [("Dakra", "locatedIn", "Russia")],
        id="the country's city",
    ),
    pytest.param(
        "Fighting went on near the river. Orna fighters broke the humanitarian ceasefire that Velen and the Kalvers "
        "agreed in Kasi on 10 October. Both must respect the truce that Tarna and Lumo might sign.",
        [("Velen", "ceasefireWith", "Kalvers")],
        [(None, "ceasefireWith", "Lumo"), ("Orna", "ceasefireWith", None)],  # a truce still to be signed
        id="the ceasefire that two agreed",
    ),
    pytest.param(
        "Fighting went on near the river. The VFF, a Velen-backed militia, attacked Dakra. The Kalvers attacked "
        "Orna-aligned militias.",
        [("Velen", "alliedWith", "VFF"), ("Orna", "alliedWith", "Orna-aligned militias")],
        [(None, None, "Velen-backed militia")],  # the militia described is the VFF
        id="a compound in apposition describes the name before it",
    ),
    pytest.param(
        "Fighting went on near the river. Orna's army said it had killed 40 VFF fighters near Dakra. Kalver "
        "combatants attacked Velen peacekeepers near Kasi.",
        [("Orna", "killed", "VFF"), ("Kalver", "attacked", "Velen")],
        [(None, "killed", "Dakra"), (None, "attacked", "Kasi")],  # a place after "near" is no object
        id="a place after a preposition is not the object",
    ),
    pytest.param(
        "Fighting went on near the river. Thousands of civilians have been displaced from Dakra to Kasi.",
        [("thousands of civilians", "fledFrom", "Dakra"), ("thousands of civilians", "fledTo", "Kasi")],
        [],
        id="displaced from one place to another",
    ),
    pytest.param(
        "Fighting went on near the river. The clashes have forced more than 12,000 people from their homes in "
        "Dakra since Monday. Most have fled to Kasi. VFF fighters took Lumo on Tuesday.",
        [("more than 12,000 people", "fledTo", "Kasi")],  # "most" of the people counted before, not VFF
        [("VFF", "fledTo", None)],
        id="most of the people counted before",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters took Dakra on Monday. Up to 9,000 people fled Dakra, most of "
        "them towards Kasi. Around 4,000 people, most of the town's population, fled, most of them to Lumo.",
        [("up to 9,000 people", "fledTo", "Kasi"), ("around 4,000 people", "fledTo", "Lumo")],
        [("VFF", "fledTo", None)],
        id="where most of them went",
    ),
    pytest.param(
        "Fighting went on near the river. After VFF fighters attacked Kasi on Monday, the Orna Front said that it "
        "had taken Dakra.",
        [("VFF", "attacked", "Kasi"), ("Orna Front", "captured", "Dakra")],  # "it" is the speaker
        [("VFF", "captured", None)],
        id="said that it: the speaker",
    ),
    pytest.param(
        "Fighting went on near the river. VFF fighters attacked the military base in Dakra; the army said its troops "
        "withdrew to Kasi, and that on Tuesday they retook the town.",
        [("army", "withdrewTo", "Kasi"), ("army", "captured", "Dakra")],  # the second "that" clause is the army's too
        [("VFF", "captured", None)],
        id="said ..., and that they: the speaker",
    ),
    pytest.param(
        "Fighting went on near the river. The Orna Front attacked Velen Army positions in Dakra on Monday. Kasi was "
        "calm. Talks between the two sides stalled in May. The two sides agreed to a ceasefire on Friday.",
        [("Orna Front", "negotiatedWith", "Velen Army")],  # the last two seen fighting each other
        [(None, "ceasefireWith", None), (None, "negotiatedWith", "Kasi"), ("Kasi", "negotiatedWith", None)],
        id="talks between the two sides",
    ),
    pytest.param(
        "Fighting went on near the river. The Tarna Brigade has shared the area with the Orna Front since 2019. The "
        "Tarna Brigade holds Dakra. The two groups are now fighting for the coca crops.",
        [("Tarna Brigade", "opposes", "Orna Front")],  # no fight seen yet: the two sides named most
        [(None, "opposes", "Dakra")],
        id="the two groups are fighting",
    ),
    pytest.param(
        "Fighting went on near the river. On Monday, several hundred VFF soldiers handed over their weapons to the "
        "Orna Mission, which took them in at its bases in Dakra.",
        [("Orna Mission", "basedIn", "Dakra")],  # "its": the subject of its own clause, not the first name
        [("VFF", "basedIn", None)],
        id="its: the subject of its own clause",
    ),
    pytest.param(
        "Fighting went on near the river. At least 40 civilians were killed in Velen air strikes on Dakra. Five "
        "civilians were killed in an attack by the VFF.",
        [
            ("Velen", "killed", "at least 40 civilians"),  # the attack's author is who killed them
            ("Velen", "struckFromAir", "Dakra"),  # "Velen air strikes": the name qualifies "air"
            ("VFF", "killed", "civilians"),
        ],
        [("at least 40 civilians", "struckFromAir", None)],  # the subject of a passive is not the strikes' author
        id="killed in an attack",
    ),
    pytest.param(
        "Fighting went on near the river. The Orna Army defended Dakra for weeks before the VFF seized it on Monday. "
        "Kasi is strategic. The Tarna Brigade shelled it for hours.",
        [("VFF", "captured", "Dakra"), ("Tarna Brigade", "shelled", "Kasi")],  # "it": the place named last
        [("VFF", "captured", "Orna Army")],
        id="seized it: the place",
    ),
    pytest.param(
        "Fighting went on near the river. Dakra, which the VFF seized last week, is a key town. The Orna Front "
        "retook Kasi, which the Tarna Brigade had held since May.",
        [("VFF", "captured", "Dakra"), ("Tarna Brigade", "controls", "Kasi")],  # the relative is the object
        [("Tarna Brigade", "controls", "Orna Front")],
        id="which the VFF seized",
    ),
    pytest.param(
        "Fighting went on near the river. The siege of Dakra by the VFF entered its third month. Orna condemned the "
        "shelling of Kasi by the Tarna Brigade.",
        [("VFF", "encircled", "Dakra"), ("Tarna Brigade", "shelled", "Kasi")],  # "by" hung on the "of" phrase
        [("Orna", "shelled", None)],
        id="the siege of X by Y",
    ),
    pytest.param(
        "Fighting went on near the river. For years, Orna has armed, financed and directed its proxies in the "
        "region, including the Tarna Brigade. Velen said the proposal fell short of its demands but sent a "
        "delegation to Kasi.",
        [("Orna", "supplied", "Tarna Brigade"), ("Orna", "alliedWith", "Tarna Brigade")],  # the list's object
        [(None, "captured", None)],  # falling short is no fall
        id="armed, financed and directed X",
    ),
    pytest.param(
        "Fighting went on near the river. Orna backs several groups, including the Tarna Brigade in Dakra, the Lumo "
        "Front in the Kasi Strip and the Kalver Movement in Mabru.",
        [
            ("Orna", "alliedWith", "Lumo Front"),  # a list of names, each with its place
            ("Orna", "alliedWith", "Kalver Movement"),
            ("Lumo Front", "operatesIn", "Kasi Strip"),
        ],
        [("Tarna Brigade", "operatesIn", "Kasi Strip"), ("Lumo Front", "operatesIn", "Dakra")],  # each its own place
        id="a list of names each in its place",
    ),
    pytest.param(
        "Fighting went on near the river. The VFF claimed responsibility for a bombing in Dakra that killed 12 people.",
        [("VFF", "struckFromAir", "Dakra")],
        [("Dakra", "killed", None)],  # "that" is the bombing, not the place it was in
        id="a bombing in X that killed",
    ),
    pytest.param(
        "Fighting went on near the river. The VFF then brought in reinforcements from Kasi and Lumo and launched a "
        "counter-attack, retaking Dakra, Mabru and other towns before advancing on Tarna.",
        [("VFF", "captured", "Dakra"), ("VFF", "captured", "Mabru")],  # "A, B and other towns" is a list
        [("VFF", "captured", "Kasi")],
        id="A, B and other towns",
    ),
    pytest.param(
        "Fighting went on near the river. The VFF launched a counter-attack, retaking Dakra before advancing on Tarna.",
        [("VFF", "captured", "Dakra"), ("VFF", "advancedOn", "Tarna")],  # the gerund's subject is the clause's
        [("Dakra", "advancedOn", None)],
        id="before advancing on X",
    ),
    pytest.param(
        "Fighting went on near the river. The VFF attacked Dakra, in Kasi prefecture, on Monday. Orna troops "
        "abandoned their positions and took refuge at the Lumo base.",
        [("Orna", "withdrewFrom", "Dakra")],  # their positions were where the fighting was: the town, not its region
        [("Orna", "withdrewFrom", "Kasi prefecture"), ("Orna", "withdrewFrom", "Orna")],
        id="abandoned their positions",
    ),
    pytest.param(
        "Fighting went on near the river. Since then the troops had advanced on the rebels' last hideouts along the "
        "coast while the VFF, cornered between the sea and the Dakra lagoon, held tens of thousands of Velen civilians "
        "by force. The Orna Front held Lumo.",
        [("Orna Front", "controls", "Lumo")],
        [(None, "controls", "Velen")],  # people held are no place
        id="held civilians by force",
    ),
    pytest.param(
        "Fighting went on near the river. On Jan. 12 at approximately 2:30 a.m. (Dakra time), Orna Central Command "
        "forces, in coordination with the Velen Republic and with support from Kasia, Lumonia, Tarnia and the Mabru "
        "Republic, conducted joint strikes on VFF targets to degrade their ability to continue their attacks.",
        [],
        [("Kasia", None, "VFF"), ("Mabru Republic", None, "VFF")],  # who supported did not strike
        id="with support from A and B, conducted strikes",
    ),
    pytest.param(
        "Fighting went on near the river. Heavy fighting erupted between the Velen Front and the Orna Guard on "
        "Monday. The Kalva Brigade and the Tarna Legion have been fighting for weeks.",
        [("Velen Front", "opposes", "Orna Guard"), ("Kalva Brigade", "opposes", "Tarna Legion")],
        [(None, "alliedWith", None)],  # fighting each other is no fighting alongside
        id="fighting erupted between X and Y; X and Y have been fighting",
    ),
    pytest.param(
        "Fighting went on near the river. Orna forces withdrew from Dakra overnight, allowing the VFF to enter the "
        "town. Velen air strikes forced the Kalva Brigade to withdraw from Lumo.",
        [("VFF", "captured", "Dakra"), ("Kalva Brigade", "withdrewFrom", "Lumo")],
        [("Orna", "captured", None), ("Velen", "withdrewFrom", None)],
        id="allowing X to enter the town, forced X to withdraw",
    ),
    pytest.param(
        "Fighting went on near the river. Orna's defence minister, Tavor Dassin, said the strikes would go on. Orna's "
        "prime minister, Lemi Arko, agreed. The Velen Front's Sahel Province attacked Dakra. Dakra is a small town in "
        "Kasi province. Lumo is the capital of Tarna province.",
        [
            ("Tavor Dassin", "partOf", "Orna"),  # a minister of a ministry is of the government, not its head
            ("Lemi Arko", "headOf", "Orna"),
            ("Sahel Province", "partOf", "Velen Front"),  # an armed group's "province" is a branch of it
            ("Dakra", "locatedIn", "Kasi province"),
            ("Lumo", "locatedIn", "Tarna province"),
        ],
        [("Tavor Dassin", "headOf", None), ("Sahel Province", "locatedIn", None)],
        id="a defence minister, a group's province, is a town in, is the capital of",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front fired mortars into Dakra. Orna provided weapons and "
        "training to the Kalva Brigade. The Tarna Legion and the Lumo Guard formed an alliance.",
        [
            ("Velen Front", "shelled", "Dakra"),
            ("Orna", "supplied", "Kalva Brigade"),
            ("Tarna Legion", "alliedWith", "Lumo Guard"),
        ],
        [],
        id="fired mortars into, provided weapons to, formed an alliance",
    ),
    pytest.param(
        "Fighting went on near the river. Dakra was seized by Armenian armed formations in 1992. The Velen Front "
        "denied that it had attacked Kasi. The Kalva Brigade never captured Lumo. The Tarna Legion has yet to "
        "capture Mabru.",
        [("Armenia", "captured", "Dakra")],  # a demonym's "armed formations" are its country's forces
        [("Velen Front", "attacked", None), ("Kalva Brigade", "captured", None), ("Tarna Legion", "captured", None)],
        id="armed formations; denied that, never, has yet to",
    ),
    pytest.param(
        "Fighting went on near the river. Orna troops and most residents left Dakra. Russian instructors, widely "
        "reported to belong to the Velen Group, arrived in Kasi.",
        [("Orna", "withdrewFrom", "Dakra"), ("residents", "fledFrom", "Dakra")],  # each by its own kind
        [("Orna", "fledFrom", None), ("Russia", "partOf", None)],  # a country is no part of a group
        id="troops and residents left; a demonym's instructors belong to a group",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front attacked Dakra on Monday. The attack killed 20 civilians. "
        "Orna jets bombed Kasi. Orna's president condemned the attack, which killed 12 civilians.",
        [("Velen Front", "killed", "20 civilians"), ("Orna", "killed", "12 civilians")],  # the last attack's author
        [("Velen Front", "killed", "12 civilians")],
        id="the attack killed; condemned the attack, which killed",
    ),
    pytest.param(
        "Fighting went on near the river. Orna forces liberated the last strip of land held by the Velen Front. "
        "Dakra, held by the Kalva Brigade since March, was bombed.",
        [("Kalva Brigade", "controls", "Dakra")],
        [("Velen Front", "controls", "Orna")],  # what a participle describes is the land, not the clause's subject
        id="the strip of land held by X",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front captured Kasi. Acting interior minister Tavor Dassin said "
        "in a video message that there would be no attack on the city and that power would be handed over.",
        [("Velen Front", "captured", "Kasi")],
        [("Tavor Dassin", "attacked", None)],
        id="there would be no attack on the city",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front claimed responsibility for the attack on Kasi. "
        "No group has claimed responsibility for the attack on Lumo, and Orna denied responsibility for the attack "
        "on Dakra.",
        [("Velen Front", "attacked", "Kasi")],
        [(None, "attacked", "Lumo"), ("Orna", "attacked", None)],
        id="no group has claimed responsibility",
    ),
    pytest.param(
        "Fighting went on near the river. Rockets fired by the Velen Front hit Lumo. Drones operated by the Dakra "
        "Movement struck Kasi. Grad rockets hit Mabru. The Kalva Brigade said its rockets hit Tarna.",
        [
            ("Velen Front", "shelled", "Lumo"),  # a weapon is its user's: rockets shell, as "fired rockets at"
            ("Dakra Movement", "struckFromAir", "Kasi"),
            ("Kalva Brigade", "shelled", "Tarna"),
        ],
        [("Grad", None, None), ("Kalva Brigade", "attacked", "Tarna")],  # a make is no owner; one reading only
        id="rockets fired by X hit Y",
    ),
    pytest.param(
        "Fighting went on near the river. Tarvia, which has supplied Orna with drones and has stood by it since the "
        "first day of the war, sent a delegation.",
        [("Tarvia", "supplied", "Orna"), ("Tarvia", "alliedWith", "Orna")],  # "it" is not Tarvia: that is "itself"
        [],
        id="an object pronoun is not its clause's subject",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front, which entered the region in 2020 alongside Orna troops, "
        "still holds Kasi. The Kalva Brigade detained 40 protesters at Lumo Central Prison. Tomas Arden was killed "
        "alongside three Dakra commanders.",
        [("Velen Front", "alliedWith", "Orna"), ("40 protesters", "heldIn", "Lumo Central Prison")],
        [(None, "alliedWith", "Dakra")],  # dying alongside someone is no alliance
        id="entered alongside X; detained at a prison",
    ),
    pytest.param(
        "Fighting went on near the river. The DDF is reported to receive support from Tarvia. The Kalva Brigade, "
        "which receives weapons from Orna, controls Lumo.",
        [("Tarvia", "alliedWith", "DDF"), ("Orna", "supplied", "Kalva Brigade")],
        [("DDF", "alliedWith", "Tarvia")],  # the one who receives is backed, not the backer
        id="receives support from X",
    ),
    pytest.param(
        "Fighting went on near the river. Government troops backed by Russia retook Bira. Orna troops, backed by "
        "Russian aircraft, retook Sela. Government troops backed by Russian drones pushed north from Lumo and "
        "retook the villages of Dura and Vara.",
        [("government troops", "captured", "Bira"), ("Orna", "captured", "Sela"), ("Russia", "alliedWith", "Orna")],
        [
            ("Russia", "captured", None),  # the ally's troops took it, not the ally
            ("Sela", "alliedWith", None),  # a place taken in the sentence backs no one
            ("Dura", "alliedWith", None),  # "the villages of X and Y" are places, however the parse reads them
            (None, "alliedWith", "Vara"),
        ],
        id="troops backed by X retook Y",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front took Kasi. Orna responded with artillery fire on Velen "
        "Front positions north of the town. The Dakra Movement, which fled towards the Tarvian border, lost Lumo. "
        "Orna is responding to the shelling of Mabru by the Kalva Brigade.",
        [("Orna", "shelled", "Velen Front"), ("Kalva Brigade", "shelled", "Mabru")],
        [("Dakra Movement", "fledTo", None), ("Orna", "shelled", "Mabru")],  # "the border" is no town named before
        id="responded with artillery fire; fled towards the border",
    ),
    pytest.param(
        "Fighting went on near the river. Moscow has supplied the Velen Front with drones. The Tehran-backed Dakra "
        "Movement captured Kasi. Velen forces shelled Kyiv overnight. Washington imposed sanctions on the Velen "
        "Front. Kalva fighters reached Kabul International Airport.",
        [
            ("Russia", "supplied", "Velen Front"),  # a capital acting is its government
            ("Iran", "alliedWith", "Dakra Movement"),
            ("Velen", "shelled", "Kyiv"),  # the target of an attack is the city
            ("United States", "sanctioned", "Velen Front"),
        ],
        [("Ukraine", None, None), ("Kabul", None, None)],  # nor is a capital inside a longer name
        id="Moscow supplied, Tehran-backed, shelled Kyiv",
    ),
    pytest.param(
        "Fighting went on near the river. Tarvia supplied drones to the Velen Front, according to the UN. Kalva "
        "troops withdrew to Tolo, according to the Kalva Brigade. Orna shelled Dakra, according to Tarna.",
        [("Tarvia", "supplied", "Velen Front"), ("Kalva", "withdrewTo", "Tolo"), ("Orna", "shelled", "Dakra")],
        [(None, None, "UN"), (None, None, "Kalva Brigade"), (None, None, "Tarna")],  # the source is no destination
        id="according to X is no argument",
    ),
    pytest.param(
        "Fighting went on near the river. Orna handed over Bira to the Velen Front. The Dakra Movement lost control "
        "of Tolo to the Kalva Brigade. Tarna ceded Sela to Orna in 2019. The Velen Front lost Mabru to Tarna.",
        [
            ("Velen Front", "captured", "Bira"),
            ("Kalva Brigade", "captured", "Tolo"),
            ("Orna", "captured", "Sela"),
            ("Tarna", "captured", "Mabru"),
        ],
        [("Dakra Movement", "captured", None), ("Tarna", "captured", "Sela"), ("Velen Front", "captured", "Mabru")],
        id="handed over, ceded, lost X to Y",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front took Tolo in a counter-attack. Tarvia took in 3,000 "
        "refugees. Clashes between the Dakra Movement and the Kalva Brigade killed 14 people in Tolo.",
        [("Velen Front", "captured", "Tolo"), ("Tarvia", "sheltered", "3,000 refugees")],
        [("Velen Front", "sheltered", None), (None, "killed", "14 people in Tolo")],  # "in": a preposition, where
        id="took X in a counter-attack; people in a place",
    ),
    pytest.param(
        "Fighting went on near the river. Pro-Tarvia militias attacked Tolo. Anti-Orna forces captured Kasi. Velen "
        "fighters were seen in Mabru on Monday.",
        [
            ("Pro-Tarvia militias", "alliedWith", "Tarvia"),
            ("Pro-Tarvia militias", "attacked", "Tolo"),
            ("Anti-Orna forces", "opposes", "Orna"),
            ("Anti-Orna forces", "captured", "Kasi"),
            ("Velen", "operatesIn", "Mabru"),
        ],
        [("Pro-Tarvia", None, None), ("Anti-Orna", None, None)],  # the prefix is no part of a name
        id="pro-X and anti-X groups; seen in a place",
    ),
    pytest.param(
        "Fighting went on near the river. Orna has been at war with Tarvia since 2020. At least 12 people died when "
        "Velen artillery shelled Tolo. Eight civilians died in a Kalva Brigade attack on Kasi. Tomas Arden died in "
        "Mabru in 2020.",
        [
            ("Orna", "opposes", "Tarvia"),
            ("Velen", "killed", "at least 12 people"),  # died when X attacked: X killed them
            ("Kalva Brigade", "killed", "civilians"),
        ],
        [(None, "killed", "Tomas Arden")],  # dying is no killing unless an attack is named
        id="at war with; died when or in an attack",
    ),
    pytest.param(
        "Fighting went on near the river. Tolo is now in the hands of the Velen Front. Sela fell into the hands "
        "of Orna in May. The Dakra Movement has close ties to Tarvia. The Kalva Brigade received 20 tanks from Orna. "
        "The Mabru Council is part of the Dakra Movement. Velen and Tarna signed a defence pact in May.",
        [
            ("Velen Front", "controls", "Tolo"),
            ("Orna", "captured", "Sela"),
            ("Dakra Movement", "linkedTo", "Tarvia"),
            ("Orna", "supplied", "Kalva Brigade"),
            ("Mabru Council", "partOf", "Dakra Movement"),  # "part" without "a": the parser's idiom
            ("Velen", "alliedWith", "Tarna"),  # a pact is an alliance, where an agreement is a negotiation
        ],
        [],
        id="in the hands of; has ties to; received tanks from; is part of",
    ),
    pytest.param(
        "Fighting went on near the river. Velen fighter jets bombed Tolo. Orna attack helicopters struck Kasi.",
        [("Velen", "struckFromAir", "Tolo")],
        [("fighter jets", None, None), ("attack helicopters", None, None)],  # aircraft are their owner's, no one
        id="fighter jets are no group of their own",
    ),
    pytest.param(
        "Fighting went on near the river. Tarvia, Orna and Kasia issued statements supporting the Velen operation. "
        "Tarvia and Orna supported the operation. The Dura Front and the Kalva Brigade fought each other in May.",
        [
            ("Tarvia", "alliedWith", "Velen"),
            ("Orna", "alliedWith", "Velen"),
            ("Dura Front", "opposes", "Kalva Brigade"),  # "each other" is no one else
        ],
        [("Tarvia", "alliedWith", "Orna"), ("Orna", "alliedWith", "Kasia"), ("Tarvia", "alliedWith", "Kasia")],
        id="a coordinated subject with an object that is no one states nothing of each other",
    ),
    pytest.param(
        "Fighting went on near the river. Brahim Talo, the Front's secretary-general, visited Kasi. UN "
        "Secretary-General Anton Gerra called for calm. Tolo Radio cameraman Taras Vell was wounded. Dutch "
        "cameraman Stan Rees was killed. The mission was led by Major-General Romeo Dall. Lieutenant General Tsade "
        "Gebre, Chief of Staff of the Velen Defence Forces, spoke.",
        [
            ("Brahim Talo", "headOf", "Front"),
            ("Anton Gerra", "headOf", "UN"),
            ("Taras Vell", "partOf", "Tolo Radio"),  # a member's title
            ("Tsade Gebre", "headOf", "Velen Defence Forces"),
        ],
        [("Stan Rees", "partOf", None), ("Major-General Romeo Dall", None, None), ("Staff of the Velen", None, None)],
        id="titles: secretary-general, cameraman, Major-General, Chief of Staff",
    ),
    pytest.param(
        "Fighting went on near the river. The fighters of Liberians United for Reconciliation and Democracy (LURD) "
        "held the port. The Movement for Democracy in Liberia (MODEL) took Buchanan. Units of the Sahrawi People's "
        "Liberation Army (SPLA) shelled Mahbes. The Estado Mayor de Bloques y Frente (EMBF) attacked Tibu.",
        [
            ("Movement for Democracy in Liberia", "captured", "Buchanan"),
            ("Sahrawi People's Liberation Army", "shelled", "Mahbes"),
            ("Estado Mayor de Bloques y Frente", "attacked", "Tibu"),
        ],
        [("Democracy", None, None), ("Movement for Democracy", None, None), ("People's Liberation Army", None, None)],
        id="a name its acronym spells out is one name",
    ),
    pytest.param(
        "Fighting went on near the river. In 1998 the Orna army invaded Tolo. President Tarel Vos suspended "
        "diplomatic relations with Velen. The Kasi Palace, the seat of Tarel Vos, was seized. Orna soldiers are "
        "protecting 8,000 civilians at the Dura camp. Velen fighters had been told to protect residents of Mabru.",
        [
            ("Orna", "attacked", "Tolo"),
            ("Tarel Vos", "sanctioned", "Velen"),
            ("Tarel Vos", "basedIn", "Kasi Palace"),
            ("Orna", "sheltered", "8,000 civilians"),
        ],
        [("Velen", "sheltered", None)],  # told to protect them: not (yet) done
        id="invaded; suspended relations with; the seat of; protecting; told to",
    ),
    pytest.param(
        "Fighting went on near the river. The talks were attended by Thabo Mbeki of South Africa and John Kufuor "
        "of Ghana, the current chairman of ECOWAS. President Emmanuel Macron of France said they would go on. "
        "Velen troops took Tolo except the old city, which Orna troops still hold.",
        [("Emmanuel Macron", "headOf", "France"), ("Velen", "captured", "Tolo")],
        [
            ("Thabo Mbeki of South Africa", None, None),  # a person and a country, two names
            ("John Kufuor of Ghana", None, None),
            ("Orna", "controls", "Tolo"),  # "which" is the old city, not Tolo
        ],
        id="a person of a country; which after a place described, not named",
    ),
    pytest.param(
        "Fighting went on near the river. The so-called Revolutionary Command Council in Baghdad announced a merger. "
        "The Velen Front in Tarna said so. Dasman Palace, the seat of His Highness Sheikh Jaber al-Sabah, was "
        "stormed. US officials say the Orna government is no longer in control of Kasi. The Velen Front no longer "
        "holds Tolo. Orna forces retook Zalambessa, the Ethiopian border town.",
        [
            ("Revolutionary Command Council", "basedIn", "Baghdad"),  # a governing body sits where it is
            ("Velen Front", "operatesIn", "Tarna"),  # a group is active there
            ("Jaber al-Sabah", "basedIn", "Dasman Palace"),  # "His Highness" is a title, no name
            ("Zalambessa", "locatedIn", "Ethiopia"),
        ],
        [(None, "controls", "Kasi"), ("Velen Front", "controls", "Tolo"), ("Highness", None, None)],
        id="a council in a city; His Highness; no longer; the DEMONYM border town",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front, whose leader Tarel Vos has called for calm, held Tolo. "
        "The Kasi Brigade secured the airport on Monday. Most of the victims were executed by fighters of the "
        "Velen Front.",
        [
            ("Tarel Vos", "headOf", "Velen Front"),
            ("Kasi Brigade", "controls", "airport"),
            ("Velen Front", "killed", "victims"),
        ],
        [],
        id="whose leader; secured; victims",
    ),
    pytest.param(
        "Fighting went on near the river. The Security Council condemned the Orna invasion of Kasi. Tarel Vos "
        "spoke by telephone with Anton Gerra on Friday. The Velen Mission has stayed in Tolo throughout the "
        "fighting. The protesters were joined by armed Dura Front elements. The Kalva Brigade joined the Velen "
        "Alliance in May. Tarvia, whose President, Mira Sol, spoke on Sunday, sent troops.",
        [
            ("Orna", "attacked", "Kasi"),
            ("Tarel Vos", "negotiatedWith", "Anton Gerra"),
            ("Velen Mission", "operatesIn", "Tolo"),
            ("Kalva Brigade", "partOf", "Velen Alliance"),  # joining is becoming part
            ("Mira Sol", "headOf", "Tarvia"),
        ],
        [("Dura Front", "partOf", None)],  # being joined by X is X coming along
        id="an invasion of; spoke with; stayed in; joined by; whose President",
    ),
    pytest.param(
        "Fighting went on near the river. Tarvia hosts tens of thousands of Sahrawi refugees in camps. Eritrean "
        "civilians fled towards Sudan.",
        [
            ("Tarvia", "sheltered", "tens of thousands of Sahrawi refugees"),  # named with their number and demonym
            ("Eritrean civilians", "fledTo", "Sudan"),
        ],
        [("tens of refugees", None, None), (None, "sheltered", "tens of refugees")],
        id="people named with their demonym",
    ),
    pytest.param(
        "Fighting went on near the river. Velen took Butare, the second town of Rwanda. Orna shelled Kasi, the "
        "largest city of Tarvia.",
        [("Butare", "locatedIn", "Rwanda"), ("Kasi", "locatedIn", "Tarvia")],
        [],
        id="the second town of a country",
    ),
    pytest.param(
        "Fighting went on near the river. The Kalva Battalion, a battalion of the Velen Brigade, held Tolo. "
        "Soldiers from the Dura Regiment, a regiment of the Orna Army, crossed the river.",
        [("Kalva Battalion", "partOf", "Velen Brigade"), ("Dura Regiment", "partOf", "Orna Army")],
        [],
        id="a battalion or regiment of a unit",
    ),
    pytest.param(
        "Fighting went on near the river. Orna's president, Anton Gerra, met Tarel Vos on Sunday. The group's "
        "leader, Dara Kell, fled to Tarvia.",
        [("Anton Gerra", "negotiatedWith", "Tarel Vos"), ("Dara Kell", "fledTo", "Tarvia")],
        [(None, None, "president"), ("leader", None, None)],
        id="a title set off before a name stands for the name",
    ),
    pytest.param(
        "Fighting went on near the river. Daniel Orto of the FSLN met Tarel Vos. King Hassan of Morocco spoke. "
        "The Supreme Council of the Revolution met on Monday.",
        [
            ("Daniel Orto", "partOf", "FSLN"),
            ("Daniel Orto", "negotiatedWith", "Tarel Vos"),
            ("Hassan", "headOf", "Morocco"),
        ],
        [("Supreme Council", None, None)],  # ordinary words before "of the" are one name
        id="a person of an organisation is two names",
    ),
    pytest.param(
        "Fighting went on near the river. The Orna army says it has taken Cueva de los Tayos. Thousands of "
        "residents fled Tolo for Panama City.",
        [("Orna", "captured", "Cueva de los Tayos"), ("thousands of residents", "fledTo", "Panama City")],
        [(None, None, "Tayos"), (None, None, "Panama")],
        id="names with a foreign article, a country's city",
    ),
    pytest.param(
        "Fighting went on near the river. Refugees live in camps in the Indian states of Varla and Tripura. "
        "Clashes spread to the Nigerian state of Dura.",
        [("Varla", "locatedIn", "India"), ("Tripura", "locatedIn", "India"), ("Dura", "locatedIn", "Nigeria")],
        [],
        id="the DEMONYM state of a place",
    ),
    pytest.param(
        "Fighting went on near the river. Kader Sol, a Velen Front commander, took Tolo. Tarel Vos, the Kasi "
        "Brigade commander, spoke.",
        [("Kader Sol", "partOf", "Velen Front"), ("Tarel Vos", "headOf", "Kasi Brigade")],
        [("Kader Sol", "headOf", None)],
        id="a commander is one of them, the commander their head",
    ),
    pytest.param(
        "Fighting went on near the river. Kasi has been in Velen Front hands for weeks. President Tarel Vos flew "
        "out of Orna with his family.",
        [("Velen Front", "controls", "Kasi"), ("Tarel Vos", "fledFrom", "Orna")],
        [],
        id="in X hands; flew out of",
    ),
    pytest.param(
        "Fighting went on near the river. The Velen Front captured 20 Orna soldiers near Tolo. Dozens of Kasi "
        "Brigade members are held by the Velen Front. The Velen Front captured Dura.",
        [("Velen Front", "captured", "Dura")],
        [("Velen Front", "captured", "Orna"), ("Velen Front", "controls", "Kasi Brigade")],
        id="taking soldiers prisoner takes no ground",
    ),
    pytest.param(
        "Fighting went on near the river. The presidents of Orna and Tarvia, Anton Gerra and Mira Sol, met in "
        "Kasi. The foreign ministers of Orna and Tarvia, Dara Kell and Tomas Veer, signed the text.",
        [
            ("Anton Gerra", "headOf", "Orna"),
            ("Mira Sol", "headOf", "Tarvia"),
            ("Dara Kell", "partOf", "Orna"),
            ("Tomas Veer", "partOf", "Tarvia"),
        ],
        [("Mira Sol", None, "Orna"), ("Mira Sol", None, "Anton Gerra"), ("Tomas Veer", None, "Orna")],
        id="the presidents of A and B, X and Y",
    ),
    pytest.param(
        "Fighting went on near the river. Miss Mira Sol, who heads the Velen Mission, spoke. Monsignor Tarel Vos "
        "met Anton Gerra.",
        [("Mira Sol", "headOf", "Velen Mission"), ("Tarel Vos", "negotiatedWith", "Anton Gerra")],
        [("Miss Mira Sol", None, None), ("Monsignor Tarel Vos", None, None)],
        id="Miss and Monsignor are titles",
    ),
    pytest.param(
        "Fighting went on near the river. Kuito, the capital of Bie province, which the Velen Front has besieged "
        "since January, is short of food. The Kasi Brigade, the armed wing of the Dura Movement, which Tarvia "
        "backs, took Mabru.",
        [("Velen Front", "encircled", "Kuito"), ("Tarvia", "alliedWith", "Dura Movement")],
        [(None, "encircled", "Bie province")],
        id="which after a place's description is the place described",
    ),
    pytest.param(
        "Fighting went on near the river. Orna's president, Anton Gerra, said the army took Tolo. The Velen "
        "Front's spokesman, Tarel Vos, said the group took Dura.",
        [("army", "captured", "Tolo"), ("Velen Front", "captured", "Dura")],
        [("Anton Gerra", "captured", None), ("Tarel Vos", "captured", None)],
        id="a speaker set off after a title is no agent of what they said",
    ),
    pytest.param(
        "Fighting went on near the river. Tarel Vos, a spokesman for the Velen Front, spoke on Monday. Mira Sol, "
        "Orna's ambassador to Tarvia, met Tarel Vos. The Orna envoy, Dara Kell, arrived.",
        [("Tarel Vos", "partOf", "Velen Front"), ("Mira Sol", "partOf", "Orna"), ("Dara Kell", "partOf", "Orna")],
        [],
        id="a spokesman for X, X's ambassador, the X envoy",
    ),
    pytest.param(
        "In Tarsa, a suburb of the capital that is home to Kasi University, a bastion of the Islamist Velen party, "
        "they are battling tribesmen loyal to Velen. The Velen Front captured Tarsa on Sunday.",
        [("Velen Front", "captured", "Tarsa")],
        [],
        id="a place noun whose copula's subject is no name ('that is home to') does not stop the report",
    ),
    pytest.param(
        "Dass and Vos sign Tarsa accord to end Orna fighting\n\nTARSA, Sept. 27 - King Dass of Orna and the Velen "
        "guerrilla leader Tarel Vos signed an agreement here tonight to end ten days of fighting.\n\nThe talks were "
        "his first encounter with Vos, chairman of the Velen Liberation Organisation, since the war began.",
        [("Vos", "headOf", "Velen Liberation Organisation")],
        [],
        id="'the guerrilla leader X' and 'X, chairman of Y' name a person",
    ),
    pytest.param(
        "Dass and Vos sign Tarsa accord to end Orna fighting\n\nTARSA, Sept. 27 - King Dass of Orna and Tarel Vos "
        "signed an agreement here tonight.\n\nThe talks were his first encounter with Vos, chairman of the Velen "
        "Liberation Organisation, since the war began. CPC fighters, led by UPC elements, took Bira.",
        [("Vos", "headOf", "Velen Liberation Organisation")],
        [("UPC", "headOf", None)],
        id="a name seen signing may still head something; an acronym may not",
    ),
    pytest.param(
        "Orna forces are under Joint Task Force 120, commanded by Vice Admiral Tarel Vos. Elements of the 82nd "
        "Airborne Division have since advanced north towards St. Anselm's, the capital. Task Force 1-64 Armor "
        "attacked Kasi.",
        [
            ("Tarel Vos", "headOf", "Joint Task Force 120"),
            ("82nd Airborne Division", "advancedOn", "St. Anselm's"),
            ("Task Force 1-64 Armor", "attacked", "Kasi"),
        ],
        [],
        id="a unit's number and a saint's abbreviated name are part of the name",
    ),
    pytest.param(
        "The Council demanded that the Orna army, as well as the militias and other armed groups, withdraw from "
        "Kasi, and that Velen withdraw all its troops from Tarsa. The army withdrew from Dura on Monday.",
        [("army", "withdrewFrom", "Dura")],
        [(None, "withdrewFrom", "Kasi"), (None, "withdrewFrom", "Tarsa")],
        id="what a demand says should happen did not happen ('demanded that X withdraw')",
    ),
    pytest.param(
        "Orna and Velen fought together against the Tarsa Front. Kalva and Sela fought in Dura.",
        [("Orna", "opposes", "Tarsa Front"), ("Velen", "opposes", "Tarsa Front"), ("Kalva", "opposes", "Sela")],
        [("Orna", "opposes", "Velen")],
        id="'X and Y fought together' fought side by side, not each other",
    ),
    pytest.param(
        "Since last week, when the extremist militias launched attacks on government positions at Idale and closed "
        "in around Baidoa, which they had besieged for weeks, TFG forces with Orna support have driven them back.",
        [],
        [("Idale", None, None)],  # "they" are not where the attacks were
        id="a pronoun for who acted is not a name after 'at' or 'around'",
    ),
    pytest.param(
        "NATO's secretary-general, Lord Tarel Vos, arrived. The Presidents of Orna and Velen, Anton Gerra and Mira "
        "Sol, met in Kasi. The Lord's Resistance Army attacked Dura.",
        [
            ("Tarel Vos", "headOf", "NATO"),
            ("Anton Gerra", "headOf", "Orna"),
            ("Mira Sol", "headOf", "Velen"),
            ("Lord's Resistance Army", "attacked", "Dura"),  # "Lord's" opens a name
        ],
        [("Anton Gerra", "headOf", "Velen"), ("Tarel Vos", "negotiatedWith", None)],  # no president is Tarel Vos
        id="'Lord' and 'Sir' are titles; 'the Presidents of A and B, X and Y' pairs them and names no one else",
    ),
    pytest.param(
        "The Revolutionary Military Council took power. Its chairman, General Hudson Tarn, imposed a curfew. The "
        "Velen Front took Kasi. Their local commander, Xhezair Shaqiri, said the town was calm.",
        [
            ("Hudson Tarn", "headOf", "Revolutionary Military Council"),
            ("Xhezair Shaqiri", "partOf", "Velen Front"),  # a local commander is one of its commanders
        ],
        [],
        id="'Its chairman, X' opening a sentence: the title is in what 'its' stands for",
    ),
    pytest.param(
        "Israeli gunboats and artillery shelled Kasi almost daily. Russian bombers struck Dura.",
        [("Israel", "shelled", "Kasi"), ("Russia", "struckFromAir", "Dura")],
        [],
        id="a demonym's gunboats and bombers are its state's",
    ),
    pytest.param(
        "The Velen Front, one of the groups in the Orna Alliance, took Kasi. The Dura Brigade, one of the main "
        "factions of the Tarn Movement, held out.",
        [("Velen Front", "partOf", "Orna Alliance"), ("Dura Brigade", "partOf", "Tarn Movement")],
        [],
        id="'X, one of the groups in Y': a member of Y",
    ),
    pytest.param(
        "Kasi, one of the largest cities in Orna, fell. Dura is one of the biggest towns in Velen. Tarn, one of "
        "Orna's main ports, held out.",
        [("Kasi", "locatedIn", "Orna"), ("Dura", "locatedIn", "Velen"), ("Tarn", "locatedIn", "Orna")],
        [],
        id="'X, one of the largest cities in Y' and 'one of Y's main ports': X lies in Y",
    ),
    pytest.param(
        "Tarn Fedayeen militiamen loyal to Tarel Vos fired on Kasi. The Orna Front forces, who are loyal to Mira Sol, "
        "took Dura.",
        [("Tarn Fedayeen", "alliedWith", "Tarel Vos"), ("Orna Front", "alliedWith", "Mira Sol")],
        [],
        id="'X militiamen loyal to Y' and 'X, who are loyal to Y': X is Y's ally",
    ),
    pytest.param(
        "NATO troops entered Macedonia in 2001. Spanish, British and Canadian troops began to leave the country.",
        [("Spain", "withdrewFrom", "North Macedonia"), ("Canada", "withdrewFrom", "North Macedonia")],
        [(None, "withdrewFrom", "United Kingdom")],
        id="'the country' is not one a demonym of its own sentence names",
    ),
    pytest.param(
        "The shipment of Velen weapons to the Orna Front continued. The Kasi Brigade handed its weapons to a Tarn "
        "task force. The rebels handed over their declared weapons to Dura troops.",
        [("Velen", "supplied", "Orna Front")],
        [("Kasi Brigade", "supplied", None), ("rebels", "supplied", None)],
        id="weapons handed over or surrendered are given up, not supplied",
    ),
    pytest.param(
        "In March the Kasi Brigade left the Orna Liberation Movement and joined the army. The Tarn Front withdrew "
        "from Dura.",
        [("Tarn Front", "withdrewFrom", "Dura")],
        [("Kasi Brigade", "withdrewFrom", None)],
        id="leaving a body is no withdrawal from a place",
    ),
    pytest.param(
        "The Orna alliance, they say, is held together mainly by a common enemy, Tarel Vos. The Dura Front holds Kasi.",
        [("Dura Front", "controls", "Kasi")],
        [(None, "controls", "Tarel Vos"), ("Tarel Vos", "controls", None)],
        id="'held together by' is no holding",
    ),
    pytest.param(
        "The Orna Front overran the army base in Kasi. Velen fighters overran the checkpoint. The Tarn Front overran "
        "Dura.",
        [
            ("Orna Front", "attacked", "army base"),
            ("Velen", "attacked", "checkpoint"),
            ("Tarn Front", "captured", "Dura"),
        ],
        [(None, "captured", "army base"), (None, "captured", "checkpoint")],
        id="overrunning a base or a checkpoint is an attack on it, not a capture",
    ),
    pytest.param(
        "Both sides signed the Cessation of Hostilities in Kasi. The Dura Talks in Tarn failed. The Velens in Orna "
        "held out.",
        [("Velens", "operatesIn", "Orna")],
        [("Cessation of Hostilities", None, None), ("Dura Talks", None, None)],
        id="an agreement or talks named is neither a group active somewhere nor a place",
    ),
    pytest.param(
        "Orna Front guerrillas ambushed Velen troops near Kasi.",
        [("Orna Front", "attacked", "Velen")],
        [],
        id="'X guerrillas' are the group X, as 'X fighters' are",
    ),
    pytest.param(
        "The Rangers cleared obstacles from the runway under fire from Orna Front units. Velen forces who reported "
        "coming under Tarn Brigade fire withdrew.",
        [("Orna Front", "attacked", "Rangers"), ("Tarn Brigade", "attacked", "Velen")],
        [],
        id="'under fire from X' and 'came under X fire': X attacked them",
    ),
    pytest.param(
        "Kasi has pledged his support to the Velen Front. Tarvia has thrown its support behind the Orna Front.",
        [("Kasi", "alliedWith", "Velen Front"), ("Tarvia", "alliedWith", "Orna Front")],
        [],
        id="pledging or throwing one's support to or behind X is siding with X",
    ),
    pytest.param(
        "While the Velen Front pressed on Orna, MODEL advanced along the coast and on 28 July captured Dakra.",
        [("Velen Front", "advancedOn", "Orna"), ("MODEL", "captured", "Dakra")],
        [],
        id="'pressed on X' is an advance; an acronym that spells a word ('MODEL') is a name",
    ),
    pytest.param(
        "Tarel Vos of the opposition Velen Democrats said the talks had failed.",
        [("Tarel Vos", "partOf", "Velen Democrats")],
        [],
        id="PERSON of the described GROUP: a member of it",
    ),
    pytest.param(
        "Kasi Marel, who heads UNOVA II, flew to Orna.",
        [("Kasi Marel", "headOf", "UNOVA II")],
        [("Kasi Marel", "headOf", "UNOVA")],
        id="a Roman numeral ends the name before it",
    ),
    pytest.param(
        "Velen Front fighters stormed Orna, forcing thousands of residents to flee to Dakra.",
        [("Velen Front", "attacked", "Orna")],
        [("Velen Front", "fledTo", None)],
        id="'forcing X to flee': X fled, not the subject, even when X is no name",
    ),
    pytest.param(
        "The Velen Front, an offshoot of the Orna Brigade, operates in Kasi. The Dakra Guard, the military arm of "
        "the Tarel Party, holds Mabru.",
        [("Velen Front", "partOf", "Orna Brigade"), ("Dakra Guard", "partOf", "Tarel Party")],
        [],
        id="an offshoot or the armed arm of X is part of X",
    ),
    pytest.param(
        "Orna lies 40 km north of Dakra. Kasi is located south of Mabru.",
        [("Orna", "northOf", "Dakra"), ("Kasi", "southOf", "Mabru")],
        [],
        id="'X lies 40 km north of Y', 'X is located south of Y'",
    ),
    pytest.param(
        "Tarvia condemned the attack by the Velen Front on Orna.",
        [("Velen Front", "attacked", "Orna")],
        [],
        id="'the attack by X on Y', with 'on Y' hung on X by the parser",
    ),
    pytest.param(
        "Tarvia has been sending the Velen Front weapons for months. The missiles were sent by Kasi to the Orna "
        "Brigade.",
        [("Tarvia", "supplied", "Velen Front"), ("Kasi", "supplied", "Orna Brigade")],
        [],
        id="'sending X weapons' and 'the missiles were sent by X to Y' are supplies",
    ),
    pytest.param(
        "Government troops in Orna surrendered to the Velen Front on Monday. Kasi forces at Dakra, the former Tarvian "
        "air base, have surrendered to the Orna Brigade.",
        [("Velen Front", "captured", "Orna"), ("Orna Brigade", "captured", "Dakra")],
        [("Orna Brigade", "captured", "Tarvia")],
        id="forces at or in X surrendering to Y give Y the place",
    ),
    pytest.param(
        "12 civilians were killed in Velen Front shelling of Orna. Twelve soldiers were killed in a Kasi Brigade "
        "attack on Dakra.",
        [("Velen Front", "killed", "12 civilians"), ("Kasi Brigade", "attacked", "Dakra")],
        [("Twelve", None, None)],
        id="killed in X shelling (a gerund after the name); a number word opening a sentence is no name",
    ),
    pytest.param(
        "Four Orna soldiers were killed by Velen Front fire during the action.",
        [("Velen Front", "killed", "Orna")],
        [],
        id="killed by X fire: X killed them",
    ),
    pytest.param(
        "Velen Front fighters fatally wounded Tarel Vos. Kasi Brigade snipers wounded Dera Mott.",
        [("Velen Front", "killed", "Tarel Vos")],
        [("Kasi Brigade", "killed", None)],
        id="fatally wounding is killing; wounding alone is not",
    ),
    pytest.param(
        "Velen Front fighters shelled Paitilla airfield, in Orna City, on Monday.",
        [("Velen Front", "shelled", "Paitilla airfield"), ("Paitilla airfield", "locatedIn", "Orna City")],
        [],
        id="'X airfield' is the airfield's name",
    ),
    pytest.param(
        "Aircraft of the Velen Guard, the force that has kept the Dakra family in power, bombed Esteli today.",
        [("Velen Guard", "struckFromAir", "Esteli")],
        [],
        id="a description with a clause of its own between a name and its verb",
    ),
    pytest.param(
        "Fighters headed to Velen Front strongholds in the Kasi region. Dakra, a bastion of the Orna Front, held out.",
        [("Velen Front", "basedIn", "Kasi region"), ("Orna Front", "basedIn", "Dakra")],
        [],
        id="X strongholds in Y; Y, a bastion of X",
    ),
    pytest.param(
        "The Orna Force's commander, Brigadier-General Tarel Vos, said so.",
        [("Tarel Vos", "headOf", "Orna Force")],
        [],
        id="a hyphenated rank between a title and a name",
    ),
    pytest.param(
        "Talks were held in front of three heads of state: Tarel Vos of South Africa, Amir Kasi of Ghana, and Jon "
        "Dakra of Mozambique.",
        [
            ("Tarel Vos", "headOf", "South Africa"),
            ("Amir Kasi", "headOf", "Ghana"),
            ("Jon Dakra", "headOf", "Mozambique"),
        ],
        [("Amir Kasi", "headOf", "Jon Dakra")],
        id="a list of heads of state, each of a country",
    ),
    pytest.param(
        "Tarel Vos was sworn in as President of Ghana on Monday. Before leaving, Dakra appointed Colonel Amir Kasi, "
        "now a general, as director of the Orna Guard. Jon Velen, who was named as deputy leader of the Velen Front, "
        "spoke.",
        [
            ("Tarel Vos", "headOf", "Ghana"),
            ("Amir Kasi", "headOf", "Orna Guard"),
            ("Jon Velen", "partOf", "Velen Front"),
        ],
        [("Jon Velen", "headOf", "Velen Front")],
        id="sworn in, appointed or named as a title of a body",
    ),
    pytest.param(
        "Thousands of civilians stayed in Kasi during the fighting, and Velen troops stayed in Dakra.",
        [("Velen", "operatesIn", "Dakra")],
        [("thousands of civilians", "operatesIn", "Kasi")],
        id="civilians who stay somewhere are no force operating there",
    ),
    pytest.param(
        "He said that between 3,000 and 4,000 Velen Front troops were in Kasi. Orna and Dakra, whose troops have "
        "been in Tarna since August, fought together. Velen troops were in retreat.",
        [("Velen Front", "operatesIn", "Kasi"), ("Orna", "operatesIn", "Tarna"), ("Dakra", "operatesIn", "Tarna")],
        [("Velen", "operatesIn", "retreat")],
        id="troops that were in a place",
    ),
    pytest.param(
        "Orna Front fighters captured Kasi after clashes with the Velen army and allied Dakra militias.",
        [("Dakra", "alliedWith", "Velen")],
        [],
        id="A and allied B",
    ),
    pytest.param(
        "Dakra insisted that the unit belonged to the Velen Army, the Orna Front's regular troops.",
        [("Velen Army", "partOf", "Orna Front")],
        [],
        id="X, the Y's troops",
    ),
    pytest.param(
        "Most have fled to Kasi, the capital of neighbouring Dakra province, where families are staying.",
        [("Kasi", "locatedIn", "Dakra province")],
        [],
        id="the capital of neighbouring X",
    ),
    pytest.param(
        "Volunteers from the Kasi and Tarna regions of Velen fought alongside the guards. Orna, whose Dakra region has "
        "taken in thousands of them, has housed families.",
        [("Kasi", "locatedIn", "Velen"), ("Tarna", "locatedIn", "Velen"), ("Dakra region", "locatedIn", "Orna")],
        [],
        id="the A and B regions of X; X, whose Y region",
    ),
]
"""Shapes of news writing, each in made-up names: what must be read from it, and what must not."""


@pytest.mark.parametrize(("text", "present", "absent"), SHAPES)
def test_shapes_of_news_writing(
    store: kg.Store, text: str, present: list[tuple[str, str, str]], absent: list[tuple[str, str | None, str | None]]
) -> None:
    found = triples(extract(store, text)[0])
    assert set(present) <= found, sorted(found)
    for pattern in absent:
        assert not {t for t in found if all(x in (None, y) for x, y in zip(pattern, t, strict=True))}, sorted(found)


def test_led_by_heads_the_phrase_right_before_it() -> None:
    """The parse may attach "led by X" to the clause's subject or the first of a list (seen in the Jordan and Libya
    reports of the development half); the phrase right before it is what X heads, and nothing when it has no name."""

    def named(text: str, words: str, kinds: frozenset[str] = frozenset({"actor"})) -> Mention:
        at = text.index(words)
        return Mention(words, at, at + len(words), None, words, kinds, "name")

    why = 'verb "lead" subj -> obj (lexicon.tsv:253) (passive)'
    text = "Mira Sol left Kasi this week with an Arab mission led by President Tarel Vos of Dura."
    sol, vos = named(text, "Mira Sol", frozenset({"person"})), named(text, "Tarel Vos", frozenset({"person"}))
    wrong = ("headOf", vos, sol, "led", why, (0, len(text)), 0.85)
    assert _led_by_what(text, [wrong], [sol, named(text, "Kasi"), vos]) == []  # a mission with no name

    text = "The Orna Front and the forces of the Velen Accord (VA), headed by Prime Minister Anton Gerra, fought on."
    front, accord = named(text, "Orna Front"), named(text, "Velen Accord")
    gerra = named(text, "Anton Gerra", frozenset({"person"}))
    found = _led_by_what(text, [("headOf", gerra, front, "headed", why, (0, len(text)), 0.75)], [front, accord, gerra])
    assert [(f[1].text, f[2].text) for f in found] == [("Anton Gerra", "Velen Accord")]

    text = "The Velen Front's fighters, led by Tarel Vos, took Kasi. The army is led by General Lemi Arko."
    front, vos = named(text, "Velen Front"), named(text, "Tarel Vos", frozenset({"person"}))
    army, arko = named(text, "army"), named(text, "Lemi Arko", frozenset({"person"}))
    kept = [("headOf", vos, front, "led", why, (0, 40), 0.75), ("headOf", arko, army, "led", why, (50, 90), 0.75)]
    assert _led_by_what(text, kept, [front, vos, army, arko]) == kept  # its fighters; a clause's own "is led by"


def test_list_items_ranks_and_groups_in_places(store: kg.Store) -> None:
    text = (
        "The army can confirm that the following commanders were killed:\n"
        "- Maj. Gen. Tavor Dassin, commander of the Ossa Guard;\n"
        "- Brig. Gen. Lemi Arko, head of the Velen Brigade.\n"
        "A spokesman for the Velen Front in Tarna said that the Kalvers in Ossa state had denied it."
    )
    candidates, unknown = extract(store, text)
    found = triples(candidates)
    assert ("Tavor Dassin", "headOf", "Ossa Guard") in found  # a list item is not a headline
    assert ("Lemi Arko", "headOf", "Velen Brigade") in found
    assert {m.text: m.kinds for m in unknown}["Tavor Dassin"] == frozenset({"person"})  # after "Maj. Gen."
    assert not {"Maj", "Brig", "Gen"} & {m.text for m in unknown}
    assert ("Velen Front", "operatesIn", "Tarna") in found  # a group in a place is active there
    assert ("Kalvers", "operatesIn", "Ossa state") in found


def test_names_with_inner_words_and_capitals_named_by_a_demonym(store: kg.Store) -> None:
    text = (
        "The United Nations Mission in South Tarna said the Velen Army in Opposition had entered Kasi del Sur. "
        "Orin Vash heads the High Council for National Renewal. Talks opened in the Nigerian capital Abuja, "
        "while Hezbollah in Lebanon stayed silent."
    )
    candidates, unknown = extract(store, text)
    names = {m.text for m in unknown}
    assert {"United Nations Mission in South Tarna", "Velen Army in Opposition", "Kasi del Sur"} <= names
    assert "High Council for National Renewal" in names
    found = triples(candidates)
    assert ("Orin Vash", "headOf", "High Council for National Renewal") in found
    assert ("Abuja", "capitalOf", "Nigeria") in found
    assert ("Hezbollah", "operatesIn", "Lebanon") in found  # "in" joins a name only where it is part of one


def test_groups_of_people_are_named_with_their_number(store: kg.Store) -> None:
    text = (
        "Gunmen killed at least 11 people in Dakra. Tens of thousands of displaced people fled to Kasi. "
        "More than 60,000 refugees have crossed into Tarna."
    )
    candidates, _ = extract(store, text)
    killed = next(c for c in candidates if c.predicate == "killed")
    assert killed.object.startswith("at least 11 people")
    fled = {(c.subject.lower(), c.object) for c in candidates if c.predicate == "fledTo"}
    assert ("tens of thousands of displaced people", "Kasi") in fled
    assert ("more than 60,000 refugees", "Tarna") in fled
    refugees = next(c for c in candidates if c.object == "Tarna")
    assert "refugees" in refugees.subject_keys  # the group is also known without its number


def test_names_with_the_word_for_their_kind_and_a_direction(store: kg.Store) -> None:
    text = (
        "Four Royal Air Force Typhoon jets struck sites held by the Velen group. Troops of the 53 Division "
        "entered eastern Dakra, while the U.S. Navy fired missiles at fighters in the Orna forest."
    )
    candidates, unknown = extract(store, text)
    names = {m.text for m in unknown}
    assert {"Royal Air Force", "Velen group", "53 Division", "U.S. Navy", "Orna forest"} <= names
    assert "Royal Air Force Typhoon" not in names  # the aircraft is not part of the force's name
    dakra = next(c for c in candidates if c.object == "Dakra")
    assert "eastern dakra" in dakra.object_keys  # the part of the place the text names
    types = {e["label"]: e["type"] for e in draft(candidates, unknown, source_id="x", title="x")["entities"]}
    assert types["Orna forest"] == "Region" and types["53 Division"] == "MilitaryUnit"  # from their own words
    assert types["Velen group"] == "ArmedGroup"


def test_fighting_alongside_is_an_alliance_and_a_dateline_with_a_year_is_not_a_name(store: kg.Store) -> None:
    text = (
        "DAKRA, June 10, 2020 - Velen instructors fight alongside the Orna Front. The Tarna Army, fighting side "
        "by side with the Kasi militia, took Mabru."
    )
    candidates, unknown = extract(store, text)
    found = triples(candidates)
    assert ("Velen", "alliedWith", "Orna Front") in found
    assert ("Tarna Army", "alliedWith", "Kasi militia") in found
    assert not {t for t in found if t[1] == "opposes"}
    assert "DAKRA" not in {m.text for m in unknown}


def test_compounds_demonyms_and_titles(store: kg.Store) -> None:
    text = (
        "The Iran-backed Zelani Movement attacked Port Ossa. "
        "Marvanian forces struck the city again, said General Tomas Brell, the commander of the Ossa Guard."
    )
    candidates, unknown = extract(store, text)
    found = triples(candidates)
    assert ("Iran", "alliedWith", "Zelani Movement") in found
    assert ("Zelani Movement", "attacked", "Port Ossa") in found
    assert ("Tomas Brell", "headOf", "Ossa Guard") in found
    assert {m.text: m.kinds for m in unknown}["Tomas Brell"] == frozenset({"person"})


def test_an_ally_described_by_its_people_and_a_known_actor_after_a_demonym(store: kg.Store) -> None:
    """ "X, a Varenian militia allied with Y" makes X (not Varenia) Y's ally; "X is allied with Y" is an
    alliance as "X allied with Y" is; "the Iranian Hezbollah" is the store's Hezbollah, not a new name."""
    text = (
        "The strike hit the Northern Legion, a powerful Lebanese militia allied with the Ossan Front, on Sunday. "
        "The Free Vanguard is allied with Marvania."
    )
    found = triples(extract(store, text)[0])
    assert ("Northern Legion", "alliedWith", "Ossan Front") in found
    assert not any(subject == "Lebanon" for subject, _, _ in found)
    assert ("Free Vanguard", "alliedWith", "Marvania") in found
    candidates, _ = extract(store, "The Iranian Hezbollah withdrew from Tel Amar.")
    assert ("https://w3id.org/conflict-kg/id/hezbollah", "withdrewFrom") in {
        (c.subject_iri, c.predicate) for c in candidates
    }


def _drafted(store: Path, folder: Path, name: str, text: str, date: str) -> tuple[Path, Path]:
    """``text`` written to ``folder/NAME.txt`` and `kg extract ... -o NAME.yaml` run on it: the two paths."""
    report, path = folder / f"{name}.txt", folder / f"{name}.yaml"
    report.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", str(store), "extract", str(report), "--date", date, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return report, path


def test_the_draft_proposes_types_and_leaves_grades_empty(built_store: Path, tmp_path: Path) -> None:
    report, draft = _drafted(built_store, tmp_path, "vanguard", UNSEEN, "2025-03-09")
    written = yaml.safe_load(draft.read_text(encoding="utf-8"))
    types = {e["label"]: e["type"] for e in written["entities"]}
    assert types["Tel Amar"] == "City" and types["Free Vanguard Front"] == "ArmedGroup"
    assert all(c["reliability"] == "" for c in written["claims"])
    capture = next(c for c in written["claims"] if c["predicate"] == "captured" and "date" in c)
    assert capture["date"] == dt.date(2025, 3, 8) and capture["precision"] == "day"
    assert "offsets" in capture["comment"] and "confidence" in capture["comment"]
    refused = CliRunner().invoke(
        cli, ["--store", str(built_store), "ingest", str(report), str(draft), "--data", str(tmp_path / "data")]
    )
    assert refused.exit_code == 1 and not (tmp_path / "data").exists()


def _store_digest(store: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in store.rglob("*") if p.is_file()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the text is empty"),
        (b"\x00\x01\x02PK junk" * 100, "looks binary"),
        (b"Die Truppen haben die Stadt am Samstag eingenommen, sagte ein Sprecher der Armee.", "English"),
        ("Les forces rebelles ont pris le contrôle de la ville samedi, selon un porte-parole.".encode(), "English"),
        ("Повстанцы захватили город в субботу, сообщил представитель армии и другие источники.".encode(), "English"),
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (("The army took the town. " * (MAX_CHARS // 20)).encode(), "at most"),
    ],
)
def test_bad_input_is_one_line_and_the_store_is_untouched(
    built_store: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    before = _store_digest(built_store)
    report = tmp_path / "report.txt"
    report.write_bytes(content)
    result = CliRunner().invoke(cli, ["--store", str(built_store), "extract", str(report)])
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert _store_digest(built_store) == before


def test_extract_reads_without_a_store(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(UNSEEN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "none"), "extract", str(report), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "no store built" in result.stderr
    assert any(c["predicate"] == KG + "captured" for c in json.loads(result.stdout))


def test_a_short_note_with_few_function_words_is_read_as_english() -> None:
    """Two terse sentences have one English function word in thirteen; none of another language's."""
    candidates, _ = extract(
        None, "Officials gave few details on Monday. Orna warplanes struck Kasi overnight, killing 12 people."
    )
    assert ("Orna", "struckFromAir", "Kasi") in triples(candidates)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Velen Front took Kasi on Saturday.", ("Velen Front", "captured", "Kasi")),
        ("Tarvia is a key backer of the Velen Front.", ("Tarvia", "alliedWith", "Velen Front")),
    ],
)
def test_a_sentence_alone_is_read_though_most_of_its_words_are_capitalised(
    text: str, expected: tuple[str, str, str]
) -> None:
    """Such a line heading a report would be a headline, whose capitals say nothing about names; alone it heads
    nothing, so it is a sentence (a user checking one sentence got no candidate)."""
    assert expected in triples(extract(None, text)[0])
    headline, _ = extract(None, f"{text.rstrip('.')}\n\nOfficials gave no details.")
    assert expected not in triples(headline)  # heading a report, the names are not spotted on capitals alone


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        (
            "Orna troops pulled out of Kasi on Sunday, and Velen fighters entered the town hours later.",
            {("Orna", "withdrewFrom", "Kasi"), ("Velen", "captured", "Kasi")},
            {("Orna", "captured", "Kasi")},
        ),
        (
            "Orna troops withdrew from Kasi on Sunday, and Velen fighters entered the town hours later.",
            {("Orna", "withdrewFrom", "Kasi"), ("Velen", "captured", "Kasi")},
            {("Orna", "withdrewFrom", "Velen")},
        ),
    ],
)
def test_two_short_clauses_joined_by_and_are_each_read_alone(
    text: str, present: set[tuple[str, str, str]], absent: set[tuple[str, str, str]]
) -> None:
    found = triples(extract(None, "Officials gave few details on Monday. " + text)[0])
    assert present <= found
    assert not absent & found


def test_without_a_store_candidates_still_fit_the_ontologys_domains_and_ranges(store: kg.Store) -> None:
    """The kinds each relation connects come from the ontology file when no store is built, so a draft made
    before `kg build` proposes no more wrong claims than one made after it."""
    text = "Orna has evacuated more than 12,000 people from the border areas. The Velen Brigade seized Kasi."
    without, with_store = extract(None, text)[0], extract(store, text)[0]
    assert ("Orna", "withdrewFrom", "more than 12,000 people") not in triples(without)  # people are no place
    assert ("Velen Brigade", "captured", "Kasi") in triples(without)
    assert triples(without) == triples(with_store)


def gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.gold.yaml"))


def test_the_gold_set_has_two_halves_and_quotes_that_are_in_the_text() -> None:
    halves = [yaml.safe_load(p.read_text(encoding="utf-8"))["half"] for p in gold_files()]
    assert halves.count("development") >= 6 and halves.count("held-out") >= 6
    predicates = {e.predicate for e in entries()}
    for path in gold_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = path.with_name(f"{data['report']}.txt").read_text(encoding="utf-8")
        for relation in data["relations"]:
            assert relation["quote"] in text, (path.name, relation["quote"])
            assert relation["subject"] in data["entities"] and relation["object"] in data["entities"]
            assert relation["predicate"] in predicates, relation["predicate"]
        assert golden.load(path).relations


def test_gold_scores_print_per_report_and_per_half(built_store: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(built_store), "extract", "--gold", str(GOLD), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    reports = {r["report"] for r in rows}
    assert {p.name.removesuffix(".gold.yaml") for p in gold_files()} <= reports
    totals = {r["half"]: r for r in rows if r["report"].startswith("all ")}
    assert set(totals) == {"development", "held-out"}
    development, held_out = totals["development"], totals["held-out"]
    # floors just under what was measured when the tenth round joined the held-out half (2026-12-02 13:45 UTC):
    # development 0.669 and 0.356 (47 reports), held-out 0.582 and 0.262 (39 reports; the tenth round's eight,
    # scored 0.628 and 0.347 at first sight, pull it up from the other 31's 0.552 and 0.228)
    assert development["precision"] >= 0.64 and development["recall"] >= 0.33, development
    assert held_out["precision"] >= 0.56 and held_out["recall"] >= 0.25, held_out
    for row in rows:
        assert 0 <= row["precision"] <= 1 and 0 <= row["recall"] <= 1
        assert row["correct"] <= row["candidates"] and row["found"] <= row["gold"]


def test_a_person_named_again_by_first_name_surname_or_acronym_is_one_new_name(store: kg.Store) -> None:
    text = (
        "The interview was with General Vanya Petrova, the commander of the Orna Guard, on Monday. Vanya, thank "
        "you, said the host. Petrova said the Orna Guard took Tel Amar. The Rapid Velen Forces (RVF) attacked. "
        "Joining us is Rami Abdel-Rahman, head of the Syrian Observatory for Human Rights. Rami, thank you."
    )
    _, unknown = extract(store, text)
    assert sorted(m.text for m in unknown) == ["Orna Guard", "Rapid Velen Forces", "Tel Amar", "Vanya Petrova"]


def test_min_confidence_keeps_the_confident_candidates_in_drafts_and_scores(built_store: Path, tmp_path: Path) -> None:
    report = tmp_path / "vanguard.txt"
    report.write_text(UNSEEN, encoding="utf-8")

    def run(*args: str) -> list[dict]:
        result = CliRunner().invoke(cli, ["--store", str(built_store), "extract", *args, "--format", "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    every, confident = run(str(report)), run(str(report), "--min-confidence", "0.7")
    assert confident == [c for c in every if c["confidence"] >= 0.7] and 0 < len(confident) < len(every)
    one = str(GOLD / "ukraine-avdiivka-2024.gold.yaml")
    scored, kept = run("--gold", one)[0], run("--gold", one, "--min-confidence", "0.7")[0]
    assert kept["candidates"] < scored["candidates"] and kept["gold"] == scored["gold"]


def test_a_gold_file_names_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "x.gold.yaml"
    bad.write_text("report: x\nentities: {a: {label: A}}\nrelations:\n- {subject: a, predicate: captured, object: b}\n")
    (tmp_path / "x.txt").write_text("A took B.")
    with pytest.raises(golden.GoldError, match="relation 1 names an entity not listed: b"):
        golden.load(bad)
    (tmp_path / "x.txt").write_text("About 110,000 people left B.")
    bad.write_text("entities: {a: {names: [About 110,000 people]}}\nrelations: []\n")  # YAML: two names
    with pytest.raises(golden.GoldError, match="entity a: names not in the report: 'About 110', '000 people'"):
        golden.load(bad)


def test_every_lexicon_entry_cites_a_real_wordnet_sense_and_a_known_predicate() -> None:
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    relations = {str(s).removeprefix(KG) for s in ontology.subjects(rdflib.RDF.type, rdflib.URIRef(KG + "Relation"))}
    inverses = {str(s).removeprefix(KG) for s, _ in ontology.subject_objects(rdflib.OWL.inverseOf)}
    inverses |= {str(o).removeprefix(KG) for _, o in ontology.subject_objects(rdflib.OWL.inverseOf)}
    from kg.ingest.lexicon import ROLES

    prepositions = {"of", "to", "from", "in", "into", "on", "at", "with", "against", "towards", "toward", "over"}
    prepositions |= {"for", "under", "alongside", "behind"}
    for entry in entries():  # every role is a named one or a preposition the frames can read
        assert {entry.subject, entry.object} <= ROLES | prepositions, entry
        assert entry.pos in {"verb", "noun", "adj"}, entry
    frames = [(e.predicate, e.pos, e.lemma, e.subject, e.object) for e in entries()]
    assert len(frames) == len(set(frames)), [f for f in frames if frames.count(f) > 1]  # each frame once
    used = {e.predicate for e in entries()}
    assert used <= relations
    assert relations - used <= inverses, sorted(relations - used - inverses)  # every relation one states directly
    wordnet = Path("/usr/share/wordnet")
    for entry in entries():
        cited = re.fullmatch(r"wordnet-3\.0:(\S+)\.([nv])\.(\d\d)", entry.provenance)
        if cited is None:
            assert entry.provenance.startswith("kg"), entry
            continue
        lemma, pos, sense = cited.groups()
        index = (wordnet / f"index.{'noun' if pos == 'n' else 'verb'}").read_text(encoding="utf-8")
        line = next((line for line in index.splitlines() if line.startswith(lemma.lower() + " ")), None)
        assert line is not None, entry
        assert int(sense) <= int(line.split()[2]), entry  # the sense exists


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("They left on Saturday.", dt.date(2024, 12, 8), [("on Saturday", dt.date(2024, 12, 7), "day")]),
        ("They left last Saturday.", dt.date(2024, 12, 7), [("last Saturday", dt.date(2024, 11, 30), "day")]),
        ("The town fell on 20 March.", dt.date(2025, 3, 8), [("20 March", dt.date(2024, 3, 20), "day")]),
        ("On December 7th, 2024, rebels entered.", None, [("December 7th, 2024", dt.date(2024, 12, 7), "day")]),
        ("Fighting resumed last week.", dt.date(2024, 12, 8), [("last week", dt.date(2024, 12, 1), "week")]),
        ("They left on Saturday.", None, []),  # a weekday cannot be placed without the report's date
    ],
)
def test_dates_are_placed_against_the_report_and_never_after_it(
    text: str, published: dt.date | None, expected: list[tuple[str, dt.date, str]]
) -> None:
    from kg.ingest.dates import dates_in

    found = [(d.text, d.date, d.precision) for d in dates_in(text, 0, len(text), published)]
    assert found == expected
    assert all(published is None or date <= published for _, date, _ in found)


def test_long_sentences_are_also_read_clause_by_clause() -> None:
    """The parser misattaches most in long sentences; each clause is parsed again on its own (see SHAPES)."""
    from kg.ingest.extract import _clauses

    def pieces(text: str) -> list[str]:
        return [text[a:b] for a, b in _clauses(text)]

    opening = (
        "Since the offensive began in response to the provocation of the Zqa forces, the Zqb has taken Zqc and Zqd."
    )
    assert pieces(opening)[1:] == [
        "Since the offensive began in response to the provocation of the Zqa forces",
        "the Zqb has taken Zqc and Zqd.",
    ]
    coordinated = "Zqa jets bombed Zqb and Zqc throughout the day, and the Zqd captured Zqe after a week of clashes."
    assert pieces(coordinated)[1:] == [
        "Zqa jets bombed Zqb and Zqc throughout the day",
        "the Zqd captured Zqe after a week of clashes.",
    ]
    assert pieces("Zqa took Zqb, and Zqc left.") == ["Zqa took Zqb, and Zqc left."]  # short: whole only


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("On 3 January 2021, VFF fighters captured Bastali.", "VFF fighters captured Bastali."),
        (
            "Strikes intensified that night, and on the morning of 7 May tanks entered Kasi.",
            "Strikes intensified, and tanks entered Kasi.",
        ),
        (
            "The next day the VFF withdrew, and later that day the army entered.",
            "the VFF withdrew, and the army entered.",
        ),
        ("Dakra was entered on Monday, 16 January, by the VFF.", "Dakra was entered, by the VFF."),
        ("Mabru, which until last week was the VFF's base, fell.", "Mabru, which was the VFF's base, fell."),
        ("The clashes lasted until March.", "The clashes lasted."),
    ],
)
def test_date_phrases_are_left_out_of_the_parse(text: str, left: str) -> None:
    """The parser misattaches date phrases in long sentences; :func:`kg.ingest.dates.dates_in` reads them apart."""
    from kg.ingest.dates import adverbials

    kept, at = [], 0
    for a, b in adverbials(text, 0, len(text)):
        kept.append(text[at:a])
        at = b
    assert "".join([*kept, text[at:]]).strip() == left


def test_gold_with_a_folder_refuses_options_it_would_ignore(built_store: Path) -> None:
    report = GOLD / "drc-goma-2025.txt"
    result = CliRunner().invoke(cli, ["--store", str(built_store), "extract", str(report), "--gold", str(GOLD)])
    assert result.exit_code == 2 and "drop TEXT, --date, -o" in result.stderr


def test_a_hyphenated_word_the_parser_does_not_know_is_read_by_its_head(store: kg.Store) -> None:
    """ "a counter-offensive", "anti-ship missiles": the parser guesses an unlisted hyphenated word's part of speech
    from its shape and misreads the sentence around it; read as its head ("an offensive") it links."""
    text = (
        "Fighting went on all week. Velen troops launched a counter-offensive against the VFF and retook Dakra. "
        "The VFF fired two anti-ship cruise missiles, which officials said targeted Velen Navy ships operating in "
        "the Orna Sea. Officials confirmed it."
    )
    candidates, _ = extract(store, text)
    found = triples(candidates)
    assert ("Velen", "attacked", "VFF") in found
    assert ("Velen", "captured", "Dakra") in found
    assert ("Velen Navy", "operatesIn", "Orna Sea") in found
    attack = next(c for c in candidates if c.predicate == "attacked")
    assert "a counter-offensive against the VFF" in attack.quote and text[attack.start : attack.end] == attack.quote


def test_a_weekday_and_its_date_are_left_out_of_the_parse_together(store: kg.Store) -> None:
    """ "entered on Monday, 16 January, by A and B": with only "on Monday" left out, ", 16 January," stays in the
    parse and the second agent of the passive is lost."""
    text = (
        "Fighting went on all week. Dakra, which the VFF had occupied for years and used as a port to smuggle "
        "weapons, was entered on Monday, 16 January, by the Orna-trained Kasi Brigade and the Velen-trained Tarna "
        "commando units. Officials said so."
    )
    candidates, _ = extract(store, text, published=dt.date(2023, 1, 20))
    assert ("Tarna", "captured", "Dakra") in triples(candidates)
    assert {c.date for c in candidates if c.predicate == "captured"} == {"2023-01-16"}


def test_a_description_set_off_after_a_name_does_not_keep_the_verb_from_what_follows(store: kg.Store) -> None:
    """ "fled to Dakra, the provincial capital, where ..., and to Mabru and Kasi": the parser hangs the rest on the
    description's noun; the sentence is read again without it, and still with it for what it states itself."""
    from kg.ingest.extract import _without_appositions

    text = (
        "Fighting went on all week. The fighting has forced more than 5,000 people from their homes in Tarna. "
        "Most have fled to Dakra, the provincial capital, where the stadium has been turned into a shelter, and to "
        "Mabru and Kasi. Officials said so."
    )
    candidates, _ = extract(store, text)
    fled = {c.object for c in candidates if c.predicate == "fledTo" and c.subject == "more than 5,000 people"}
    assert fled == {"Dakra", "Mabru", "Kasi"}
    listed = "Zqa, the Zqb and the Zqc attacked Zqd."  # names in a list are no description
    assert _without_appositions(listed, {}, list(range(len(listed)))) is None
    relative, _ = extract(store, "The Orna Front, a group that is backed by Velen, attacked Kasi on Monday.")
    read = {(c.subject, c.predicate, c.object) for c in relative}  # a description with a clause: both still read
    assert {("Velen", "alliedWith", "Orna Front"), ("Orna Front", "attacked", "Kasi")} <= read


def test_a_title_with_no_country_names_what_its_holder_heads(store: kg.Store) -> None:
    """ "Defence Minister X", "army chief General X", "President X" with no country or organisation before the
    title: the ministry, the army, and the government the report names of the country it is about; not a president
    whose country is said ("President X of Ukraine", "Russian President X": another shape reads that)."""
    text = (
        "Moldovan troops shelled Dakra on Monday, and Moldova said the town was retaken. "
        "The Moldovan government denied that President Tomas Velkan had left the country. "
        "Defence Minister Ilse Marro and army chief General Paul Dessa visited Dakra, while Interior minister "
        "Karl Anton stayed in Tarna. President Oleg Brun of Ukraine called Velkan."
    )
    candidates, _ = extract(store, text)
    heads = {(c.subject, c.object) for c in candidates if c.predicate == "headOf"}
    assert ("Tomas Velkan", "Moldova") in heads  # "the Moldovan government", named by its country in drafts
    assert ("Ilse Marro", "Defence Ministry") in heads
    assert ("Paul Dessa", "Moldovan army") in heads
    assert ("Karl Anton", "Interior Ministry") in heads
    assert {o for s, o in heads if s.startswith("Oleg Brun")} == {"Ukraine"}  # his own country, said after "of"
    alone = triples(extract(store, "President Tomas Velkan visited Dakra.")[0])  # whose government: not said
    assert not {t for t in alone if t[1] == "headOf"}
    listed = (
        "The fighting has ended in the north of Moldova, Army Commander Lieutenant General Pavel Ruse announced "
        "on Monday."  # after a comma
    )
    assert ("Pavel Ruse", "headOf", "Moldovan army") in triples(extract(store, listed)[0])
    spoke = "Moldova says the fighting has ended in the north, army spokesman Colonel Pavel Ruse said on Monday."
    assert ("Pavel Ruse", "partOf", "Moldovan army") in triples(extract(store, spoke)[0])  # a spokesman is no head
    after = (
        "Fighting went on all week in the north of Moldova, residents said. Ilse Marro, the defence minister, visited "
        "Dakra. The Orna Front killed Karl Anton, military spokesman Colonel Pavel Ruse said."
    )
    found = triples(extract(store, after)[0])
    assert ("Ilse Marro", "headOf", "Defence Ministry") in found  # the title after the name
    assert ("Pavel Ruse", "partOf", "Moldovan army") in found
    assert not {t for t in found if t[0] == "Karl Anton" and t[1] in {"headOf", "partOf"}}  # the title is Ruse's


def test_a_second_participle_joined_by_and_shares_the_clauses_subject(store: kg.Store) -> None:
    """ "made advances, capturing X and effectively encircling Y": the parser joins no two participle clauses (it reads
    "encircling" as a noun), so the second is read again alone after the clause; "choosing refuge in X" is a flight."""
    text = (
        "The Free Vanguard Front has made significant advances, capturing the strategic town of Tel Amar and "
        "effectively encircling Qasr Halil. Many families have fled Qasr Halil, choosing refuge in Deir Sama."
    )
    found = triples(extract(store, text)[0])
    assert ("Free Vanguard Front", "captured", "Tel Amar") in found
    assert ("Free Vanguard Front", "encircled", "Qasr Halil") in found
    assert ("Many families", "fledTo", "Deir Sama") in found
    assert not {t for t in found if t[0] in {"Tel Amar", "Qasr Halil"}}


def test_the_capital_of_a_region_named_by_its_kind(store: kg.Store) -> None:
    """ "Dakra, the capital of the breakaway region of Orna": the kind of place between "capital of" and its name
    ("the region of", "the autonomous republic of") does not hide where Dakra lies."""
    text = "Velen forces shelled Dakra, the capital of the breakaway region of Orna, on Monday."
    assert ("Dakra", "locatedIn", "Orna") in triples(extract(store, text)[0])


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("Backed by Velen, the Orna Front captured Dakra.", ("Velen", "alliedWith", "Orna Front")),
        ("Led by Tomas Velkan, the Orna Front captured Dakra.", ("Tomas Velkan", "headOf", "Orna Front")),
        ("After capturing Dakra, the Orna Front advanced on Kasi.", ("Orna Front", "captured", "Dakra")),
        ("Having seized Dakra on Monday, the Orna Front advanced on Kasi.", ("Orna Front", "captured", "Dakra")),
        ("Seizing Dakra on Monday, the Orna Front advanced on Kasi.", ("Orna Front", "captured", "Dakra")),
    ],
)
def test_a_participle_clause_opening_the_sentence_has_the_main_clauses_subject(
    store: kg.Store, opening: str, expected: tuple[str, str, str]
) -> None:
    """The parser hangs an opening participle clause on the main clause's subject, reads "Having" as a noun, or reads
    the clause as an imperative: whichever, its subject is the main clause's."""
    text = "Fighting went on all week in the region, residents and officials said on Monday. " + opening
    assert expected in triples(extract(store, text)[0])


def test_a_by_phrase_makes_no_passive_of_a_verb_with_no_object(store: kg.Store) -> None:
    """ "withdrew from Dakra under a deal brokered by Velen": the parser may hang "by Velen" on "withdrew", which has
    no object to be the subject of a passive, so Velen did not withdraw; "the town held by the VFF" is still passive."""
    text = (
        "Fighting went on all week in the region, residents said on Monday. The Orna Front withdrew from Dakra under "
        "a deal brokered by Velen. Kasi, a town held by the Tarna Army, was calm."
    )
    found = triples(extract(store, text)[0])
    assert ("Orna Front", "withdrewFrom", "Dakra") in found
    assert not {t for t in found if t[0] == "Velen" and t[1] == "withdrewFrom"}
    assert ("Tarna Army", "controls", "Kasi") in found


def test_vehicles_stand_for_their_owner_and_shooting_one_down_is_no_air_strike(store: kg.Store) -> None:
    """ "Tarna Army tanks entered Dakra", "helicopters of the Velen Air Force bombed Kasi": tanks, helicopters, ships
    stand for who owns them, as "fighters" and "jets" do; "shot down a Tarna Army helicopter" attacks the army from
    the ground (the aircraft is the target, not the weapon)."""
    text = (
        "Fighting went on all week in the region, residents said on Monday. Tarna Army tanks entered Dakra on Monday. "
        "The Orna Front said it had shot down a Tarna Army helicopter over Dakra."
    )
    found = triples(extract(store, text)[0])
    assert ("Tarna Army", "captured", "Dakra") in found
    assert ("Orna Front", "attacked", "Tarna Army") in found
    assert ("Orna Front", "struckFromAir", "Tarna Army") not in found


def test_a_known_name_that_starts_with_pro_or_anti_stays_whole() -> None:
    """ "pro-" and "anti-" are split off a name ("pro-Russian separatists"), but not off a name the store knows
    that starts with one ("Anti-Balaka")."""
    from kg.ingest.mentions import find_mentions, gazetteer_from

    names = gazetteer_from([("https://example.org/ab", "Anti-Balaka", [], ["actor"])])
    text = "Anti-Balaka militias attacked Bangui, and pro-Russian separatists attacked Tolo."
    found = [m.text for m in find_mentions(text, 0, len(text), names)]
    assert "Anti-Balaka" in found and "Russian" in found and "pro-Russian" not in found


def test_a_compound_set_off_after_its_name_quotes_both() -> None:
    """ "the Dura Front, a Tarvia-backed militia": the alliance's quote runs from the name to the compound (it was
    empty, its start after its end)."""
    candidates, _ = extract(None, "The Dura Front, a Tarvia-backed militia, captured Tolo.")
    quotes = {c.quote for c in candidates if c.predicate == "alliedWith"}
    assert quotes == {"Dura Front, a Tarvia-backed"}


def test_a_particle_after_the_object_makes_the_phrasal_verb(store: kg.Store) -> None:
    """ "drove the Orna Front out of Dakra": the parser leaves "out" unlinked after the object, so "drive" alone was
    read (no frame); with its particle it is "drive out", as "was driven out of Dakra by" already read."""
    text = (
        "Fighting went on all week in the region, residents said on Monday. The Tarna Army drove the Orna Front "
        "out of Dakra on Monday. Velen said its forces had pushed the Kasi Brigade out of Mabru."
    )
    found = triples(extract(store, text)[0])
    assert ("Orna Front", "fledFrom", "Dakra") in found
    assert ("Kasi Brigade", "fledFrom", "Mabru") in found


def test_neighbouring_before_a_name_is_left_out_of_the_parse(store: kg.Store) -> None:
    """ "fled to neighbouring Velen": the parser reads "neighbouring" as a verb whose object is Velen, and the flight
    has no destination; without it (the quote keeps it) the flight is to Velen."""
    text = (
        "Fighting went on all week in the region, residents said on Monday. Tens of thousands of people have fled to "
        "neighbouring Velen since the fighting began."
    )
    assert ("tens of thousands of people", "fledTo", "Velen") in triples(extract(store, text)[0])


def test_verbs_joined_in_a_relative_clause_share_the_relative(store: kg.Store) -> None:
    """ "the Orna Front, which Velen has armed and trained": the relative is the object of both verbs, though the
    parser links it to the last only."""
    text = (
        "Fighting went on all week in the region, residents said on Monday. The Orna Front, which Velen has armed and "
        "trained, seized Dakra."
    )
    found = triples(extract(store, text)[0])
    assert {("Velen", "supplied", "Orna Front"), ("Velen", "trained", "Orna Front")} <= found


def test_signing_an_agreement_with_someone_is_a_negotiation(store: kg.Store) -> None:
    text = (
        "Fighting went on all week in the region, residents said on Monday. The Orna Front signed a peace agreement "
        "with the Tarna Army in Kasi on Monday. Velen reached a deal with the Kasi Brigade."
    )
    found = triples(extract(store, text)[0])
    assert ("Orna Front", "negotiatedWith", "Tarna Army") in found
    assert ("Velen", "negotiatedWith", "Kasi Brigade") in found


def test_a_name_the_report_showed_to_be_a_place_does_no_deed(store: kg.Store) -> None:
    """ "the largest rebel group in Kasi, which signed a peace agreement": the parser may give "which" to Kasi, but
    the report has shown Kasi to be a place (it was seized), and a place signs nothing; "X-controlled" still reads."""
    text = (
        "Fighting went on all week in the region, residents said on Monday. The Orna Front seized Kasi on Monday. "
        "The Mabru Liberation Front (MLF), the largest rebel group in Kasi, which signed a peace agreement with the "
        "Tarna Army in 2014, stayed out of the fighting."
    )
    found = triples(extract(store, text)[0])
    assert ("Mabru Liberation Front", "negotiatedWith", "Tarna Army") in found
    assert not {t for t in found if t[0] == "Kasi"}


def test_them_hosted_are_the_people_counted_before(store: kg.Store) -> None:
    """ "more than 60,000 refugees have fled into Chad, which continues to host them": whom a country hosts are people,
    the group counted last, not the last name ("Chad sheltered Dakra")."""
    text = (
        "Fighting went on all week in the region, residents said on Monday. Since November, more than 60,000 "
        "refugees have fled from Dakra into Chad, which continues to host them in the Kasi camp."
    )
    hosted = {o for s, p, o in triples(extract(store, text)[0]) if p == "sheltered"}
    assert hosted == {"more than 60,000 refugees"}


def test_a_ministry_named_by_bare_words_is_not_linked_to_another_countrys(store: kg.Store) -> None:
    """The store knows the Syrian interior ministry as "Interior Ministry"; a report on Moldova that names its own
    "Interior Ministry" and its minister proposes that ministry, not the store's Syrian one."""
    text = (
        "Fighting went on all week in the north of Moldova, residents said on Monday. The Interior Ministry said "
        "on Tuesday that Interior Minister Karl Anton had resigned."
    )
    heads = [c for c in extract(store, text)[0] if c.predicate == "headOf" and c.subject == "Karl Anton"]
    assert heads and {(c.object_iri, normal(c.object)) for c in heads} == {(None, "interior ministry")}


def test_a_demonyms_commander_heads_its_armed_forces(store: kg.Store) -> None:
    """ "Moldovan commander-in-chief X" heads the Moldovan armed forces the report names, not the country (a
    "Russian President X" still heads Russia)."""
    text = (
        "Fighting went on all week in the region, residents said on Monday. Moldovan armed forces withdrew from Dakra "
        "on Sunday. Moldovan commander-in-chief Pavel Ruse announced it. Russian President Ivan Petrov welcomed it."
    )
    heads = {c.subject: c for c in extract(store, text)[0] if c.predicate == "headOf"}
    assert "moldovan armed forces" in heads["Pavel Ruse"].object_keys
    assert heads["Ivan Petrov"].object == "Russia"


ATTRIBUTED = (
    "Velen rebels seize Kasi\n\n"
    "Fighters of the Velen Front took control of Kasi on Sunday, residents said. "
    "The Velen Front shelled Lumo overnight, the Orna Army said. "
    "Orna says its troops have pulled out of Dakra. "
    "More than 2,000 people fled to Tarna, according to the Red Crescent. "
    "Orna accused Tarvia of arming the Velen Front. "
    "It also accused the Kalva Brigade of attacking Mabru. "
    "The Velen Front seized Bira, said Tomas Arden, a spokesman for the group. "
    "The Kalva Brigade withdrew from Sela.\n"
    "**Mira Tavos:** The Velen Front has encircled Lumo.\n"
    "Interviewer: The Kalva Brigade captured Vara.\n"
)
"""A made-up report whose statements are given away in each shape kg reads: who said each one."""


def test_each_candidate_names_who_says_it_when_the_sentence_does() -> None:
    candidates, _ = extract(None, ATTRIBUTED)
    said = {(c.subject, c.predicate, c.object): (c.claimant, c.said) for c in candidates}
    assert said[("Velen Front", "captured", "Kasi")] == (None, "residents said")  # unnamed: the reporter relays
    assert said[("Velen Front", "shelled", "Lumo")][0] == "Orna Army"
    assert said[("Orna", "withdrewFrom", "Dakra")][0] == "Orna"
    assert said[("more than 2,000 people", "fledTo", "Tarna")][0] == "Red Crescent"
    assert said[("Tarvia", "supplied", "Velen Front")][0] == "Orna"  # an accusation is the accuser's claim
    assert said[("Kalva Brigade", "attacked", "Mabru")][0] == "Orna"  # "It accused": the actor named before
    assert said[("Velen Front", "captured", "Bira")][0] == "Tomas Arden"
    assert said[("Kalva Brigade", "withdrewFrom", "Sela")] == (None, None)  # the reporter's own
    assert said[("Velen Front", "encircled", "Lumo")][0] == "Mira Tavos"  # a transcript's turn
    assert said[("Kalva Brigade", "captured", "Vara")] == (None, "Interviewer:")


def test_the_draft_proposes_the_speaker_as_claimant_and_says_who_spoke() -> None:
    candidates, unknown = extract(None, ATTRIBUTED)
    claims = draft(candidates, unknown, source_id="velen", title="Velen rebels seize Kasi", text=ATTRIBUTED)["claims"]
    by_quote = {c["quote"]: c for c in claims}
    bira = next(c for q, c in by_quote.items() if "Bira" in q)
    assert bira["claimant"] == "tomas-arden"  # a new name, proposed as an entity of the draft
    assert "said: 'said Tomas Arden, a spokesman for the group'" in bira["comment"]
    kasi = next(c for q, c in by_quote.items() if "took control of Kasi" in q)
    assert kasi["claimant"] == "author" and "no one named" in kasi["comment"]
    sela = next(c for q, c in by_quote.items() if "Sela" in q)
    assert sela["claimant"] == "author" and "said:" not in sela["comment"]


def test_a_reviewed_draft_ingests_with_the_claimants_it_proposed(tmp_path: Path) -> None:
    from tests.test_ingest import make_project

    data, store = make_project(tmp_path)
    report, path = _drafted(store, tmp_path, "velen", ATTRIBUTED, "2025-03-04")
    reviewed = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entity in reviewed["entities"]:  # the reviewer's part: a type for each new name, a grade for each claim
        entity["type"] = "Person" if entity["label"] in {"Tomas Arden", "Mira Tavos"} else entity["type"]
        entity["type"] = "ArmedGroup" if entity["type"] == "?" else entity["type"]
    reviewed["claims"] = [c for c in reviewed["claims"] if c["object"] != "red-crescent"]  # a wrong candidate
    for entity in reviewed["entities"]:
        entity["type"] = "Organisation" if entity["label"] == "Red Crescent" else entity["type"]
    for claim in reviewed["claims"]:
        claim["reliability"], claim["reason"] = "C3", "One report, not confirmed elsewhere."
    path.write_text(yaml.safe_dump(reviewed, sort_keys=False, allow_unicode=True), encoding="utf-8")
    ingested = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(report), str(path), "--data", str(data)])
    assert ingested.exit_code == 0, ingested.output
    claims = kg.open_store(store).query("claims-by-source", source="kgs:velen")
    assert isinstance(claims, kg.SelectResult)
    claimants = {r["quote"]: r["claimant"] for r in claims.records()}
    assert claimants["Velen Front seized Bira"] == "Tomas Arden"
    assert claimants["Kalva Brigade withdrew from Sela"] == "author of Velen rebels seize Kasi"


def test_one_claim_named_by_an_alias_and_by_its_full_name_is_one_candidate() -> None:
    text = (
        "Fighting went on near the river. Since 12 May the Dura Defence Forces (DDF) have fought the army. "
        "On 14 May, the DDF announced that it had taken control of Kasi airport and the main army barracks."
    )
    captures = [c for c in extract(None, text)[0] if c.predicate == "captured"]
    assert len(captures) == 2, [(c.subject, c.object, c.quote) for c in captures]  # the airport, the barracks


def test_an_institutions_units_are_the_institution_in_the_draft() -> None:
    text = "Fighting went on near the river. The army shelled Kasi on Monday. On Tuesday army units shelled Dura."
    candidates, unknown = extract(None, text)
    written = draft(candidates, unknown, source_id="velen", title="Velen", text=text)
    entities = {e["id"]: e for e in written["entities"]}
    assert entities["army"].get("aliases") == ["army units"] and "army-units" not in entities, entities
    claims = {(c["subject"], c["predicate"], c["object"]) for c in written["claims"]}
    assert {("army", "shelled", "kasi"), ("army", "shelled", "dura")} <= claims, claims


def test_a_name_the_report_equates_with_an_entity_is_that_entity_in_the_draft() -> None:
    text = (
        "Fighting went on near the river. The Velen Liberation Front was formed in 2019 by the Dura Defence Forces "
        "(DDF). Velen fighters attacked Kasi on Monday. The DDF seized Lumo."
    )
    candidates, unknown = extract(None, text)
    written = draft(candidates, unknown, source_id="velen", title="Velen", text=text)
    entities = {e["id"]: e for e in written["entities"]}
    assert entities["dura-defence-forces"].get("aliases") == ["DDF"] and "ddf" not in entities
    assert "velen" not in entities and entities["velen-liberation-front"].get("aliases") == ["Velen"]
    claims = {(c["subject"], c["predicate"], c["object"]) for c in written["claims"]}
    assert {("velen-liberation-front", "attacked", "kasi"), ("dura-defence-forces", "captured", "lumo")} <= claims


def test_a_capital_standing_for_its_government_is_its_country_in_the_draft_and_as_claimant() -> None:
    text = "Fighting went on near the river. The Velen Front seized Kasi, Moscow said. Velen forces shelled Kyiv."
    candidates, unknown = extract(None, text)
    written = draft(candidates, unknown, source_id="velen", title="Velen", text=text)
    types = {e["label"]: e["type"] for e in written["entities"]}
    assert types.get("Russia") == "Country" and types.get("Kyiv") == "City" and types.get("Moscow") in {None, "City"}
    seized = next(c for c in written["claims"] if c["predicate"] == "captured")
    assert seized["claimant"] == "russia" and "said: 'Moscow said'" in seized["comment"]
