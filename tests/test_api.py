"""The Python API that notebooks use: open a store, query by name with parameters, get a DataFrame."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pyoxigraph as ox
import pytest

import kg


def test_public_api_is_declared() -> None:
    assert sorted(kg.__all__) == kg.__all__
    assert all(hasattr(kg, name) for name in kg.__all__)


@pytest.mark.parametrize(
    "first", ["import kg", "from kg.build import check", "from kg.stats import Stats", "import kg.build, kg.stats"]
)
def test_kg_build_and_kg_stats_are_the_functions_whatever_was_imported_first(first: str) -> None:
    """The API's names load on first use, and ``kg.build`` stays the function even when a module
    imported the module ``kg.build`` (of the same name) first."""
    code = (
        f"{first}\nimport kg, inspect\n"
        "print(inspect.isfunction(kg.build), inspect.isfunction(kg.stats), kg.build.__module__, kg.Store.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "kg.build", "kg.store"]


def test_a_submodule_is_there_after_import_kg_alone() -> None:
    """``import kg`` then ``kg.config.project_root()`` or ``kg.viz.draw``, as notebooks write it; a name that is
    neither API nor submodule is an AttributeError."""
    code = (
        "import kg\nprint(kg.config.__name__, kg.viz.draw.__module__)\n"
        "try:\n    kg.no_such_thing\nexcept AttributeError as error:\n    print(type(error).__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["kg.config", "kg.viz", "AttributeError"]


def test_query_to_dataframe(store: kg.Store) -> None:
    frame = store.query("who-captured", place="Homs").to_dataframe()
    assert list(frame.columns[:4]) == ["actor", "actorLabel", "place", "placeLabel"]
    assert set(frame["actorLabel"]) == {"Hayat Tahrir al-Sham", "Syrian rebels"}
    assert set(frame["when"]) == {dt.date(2024, 12, 7)}


@pytest.mark.parametrize(
    "reference",
    [
        "HTS",
        "hts",
        "Hayat Tahrir al-Sham",
        "kge:hts",
        "https://w3id.org/conflict-kg/id/hts",
        "<https://w3id.org/conflict-kg/id/hts>",
    ],
)
def test_an_entity_by_any_of_its_names(store: kg.Store, reference: str) -> None:
    result = store.query("SELECT ?actor ?place WHERE { ?actor kg:captured ?place }", actor=reference)
    assert result.records() == [{"actor": "kge:hts", "place": "kge:homs"}]


def test_a_wikidata_id_names_an_entity(store: kg.Store) -> None:
    result = store.query("withdrew-to", actor="Q41053")
    assert {r["placeLabel"] for r in result} == {"Latakia", "Hermel region"}


def test_rdf_terms_pass_through(store: kg.Store) -> None:
    result = store.query(
        "SELECT ?actor ?place WHERE { ?actor kg:captured ?place }",
        place=ox.NamedNode("https://w3id.org/conflict-kg/id/homs"),
    )
    assert {r["actor"] for r in result} == {"kge:hts", "kge:syrian-rebels"}


def test_parameter_values_cannot_change_the_query(store: kg.Store) -> None:
    hostile = 'Homs" } UNION { ?s ?p ?o } #'
    with pytest.raises(kg.ParameterError, match="no entity is called"):
        store.query("who-captured", place=hostile)
    result = store.query(
        "SELECT ?label ?name WHERE { ?e rdfs:label ?label FILTER(STR(?label) = ?name) }", name=ox.Literal(hostile)
    )
    assert len(result) == 0


def test_results_can_be_read_twice(store: kg.Store) -> None:
    result = store.query("allies", actor="Russia")
    assert result.records() == result.records() and len(result) == 2


def test_an_unknown_iri_is_refused(store: kg.Store) -> None:
    with pytest.raises(kg.ParameterError, match="is not in the store"):
        store.query("allies", actor="kge:nobody")


def test_a_parameter_outside_the_select_clause_is_explained(store: kg.Store) -> None:
    with pytest.raises(kg.QueryError, match=r"parameter \?actor must be a variable of the SELECT clause"):
        store.query("SELECT ?place WHERE { ?actor kg:captured ?place }", actor="HTS")


AWKWARD = """
@prefix e: <http://e/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
e:a e:p "tab\\tnew line\\nquote \\" backslash \\\\ é 😀" , "Damas"@fr , "01"^^xsd:integer , "x"^^xsd:integer ,
        "1.50"^^xsd:decimal , "true"^^xsd:boolean , "" , _:b1 , <http://e/b?c=d#f> .
e:a e:q "only here" .
"""


@pytest.mark.parametrize(
    "format",
    [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV],
    ids=["json", "xml", "csv", "tsv"],
)
def test_results_are_written_as_oxigraph_writes_them(format: ox.QueryResultsFormat) -> None:
    """A result read into Python and written out again (``kg query --limit``, notebooks) gives the bytes
    Oxigraph writes for the query itself: awkward literals, languages, types, blank nodes, unbound values."""
    store = kg.Store.from_turtle(AWKWARD)
    text = "SELECT ?o ?missing ?s WHERE { ?s ?p ?o OPTIONAL { ?s <http://e/none> ?missing } } ORDER BY ?o"
    own = store.inner.query(text).serialize(format=format)
    result = store.query(text)
    assert len(result) == 10 and result.serialize(format) == own
    first = store.inner.query(text + " LIMIT 3").serialize(format=format)
    assert result.head(3).serialize(format) == first
    nothing = "SELECT ?s WHERE { ?s <http://e/none> ?o }"
    assert store.query(nothing).serialize(format) == store.inner.query(nothing).serialize(format=format)
