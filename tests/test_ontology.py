"""The ontology documents itself, and the code's view of it cannot drift."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.namespaces import ONTOLOGY, OWL, RDF, RDFS
from kg.vocabulary import KG
from tests.helpers import ROOT

ONTOLOGY_FILE = ROOT / "ontology" / "kg.ttl"


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    store = ox.Store()
    store.load(path=str(ONTOLOGY_FILE))
    return store


def kg_terms(store: ox.Store) -> set[str]:
    return {
        q.subject.value for q in store if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ONTOLOGY)
    }


def test_every_term_has_an_english_label_and_comment(ontology: ox.Store) -> None:
    for term in kg_terms(ontology):
        node = ox.NamedNode(term)
        for prop in ("label", "comment"):
            values = [q.object for q in ontology.quads_for_pattern(node, ox.NamedNode(RDFS + prop), None)]
            assert any(isinstance(v, ox.Literal) and v.language == "en" for v in values), f"{term} lacks rdfs:{prop}"


def test_the_python_namespace_matches_the_ontology(ontology: ox.Store) -> None:
    in_code = {str(getattr(KG, name)) for name in KG.__annotations__}
    assert in_code == kg_terms(ontology)


def test_relations_have_domain_range_and_camel_case_names(ontology: ox.Store) -> None:
    relations = [
        q.subject for q in ontology.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(str(KG.Relation)))
    ]
    assert len(relations) >= 20
    for relation in relations:
        local = relation.value.removeprefix(ONTOLOGY)
        assert local[0].islower() and "_" not in local and "-" not in local
        for prop in ("domain", "range"):
            assert list(ontology.quads_for_pattern(relation, ox.NamedNode(RDFS + prop), None)), (
                f"{local} lacks rdfs:{prop}"
            )


@pytest.mark.parametrize(
    ("term", "characteristic"),
    [
        (KG.alliedWith, "SymmetricProperty"),
        (KG.opposes, "SymmetricProperty"),
        (KG.locatedIn, "TransitiveProperty"),
        (KG.partOf, "TransitiveProperty"),
        (KG.linkedTo, "SymmetricProperty"),
    ],
)
def test_property_characteristics(ontology: ox.Store, term: str, characteristic: str) -> None:
    assert list(
        ontology.quads_for_pattern(
            ox.NamedNode(str(term)), ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + characteristic)
        )
    )


def test_the_issue_names_are_all_there() -> None:
    for name in (
        "alliedWith",
        "captured",
        "withdrewTo",
        "sheltered",
        "fledTo",
        "encircled",
        "opposes",
        "headOf",
        "basedIn",
        "locatedIn",
        "heldIn",
        "releasedFrom",
        "ArmedGroup",
        "State",
        "Government",
        "Person",
        "Organisation",
        "MilitaryUnit",
        "PopulationGroup",
        "Country",
        "City",
        "Region",
        "Facility",
        "Prison",
    ):
        assert getattr(KG, name)
