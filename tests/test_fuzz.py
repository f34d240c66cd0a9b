"""Hostile and broken input: every failure is a kg error with a message, never a crash or a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from kg.formats import acled, annotation, gdelt
from tests.helpers import ROOT

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANNOTATION = (ROOT / "tests" / "data" / "second-report.yaml").read_text(encoding="utf-8")


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """The text with a few cuts, insertions and swaps: near-valid input finds the deep paths."""
    text = original
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        match draw(st.sampled_from(["cut", "insert", "duplicate"])):
            case "cut":
                text = text[:at] + text[at + draw(st.integers(1, 40)) :]
            case "insert":
                text = text[:at] + draw(st.text(st.characters(codec="utf-8"), max_size=12)) + text[at:]
            case "duplicate":
                text = text[:at] + text[at : at + 30] + text[at:]
    return text


def only_kg_errors(call) -> None:
    try:
        call()
    except kg.KGError as exc:
        assert str(exc).strip(), "an error with no message"


@pytest.fixture(scope="module")
def seed_trig() -> str:
    return (ROOT / "data" / "syrian-rebels-advance.trig").read_text(encoding="utf-8")


@SETTINGS
@given(data=st.data())
def test_mutated_rdf_files(tmp_path: Path, seed_trig: str, data: st.DataObject) -> None:
    folder = tmp_path / "in"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "data", folder)
    (folder / "syrian-rebels-advance.trig").write_text(data.draw(mutated(seed_trig)), encoding="utf-8")
    only_kg_errors(lambda: kg.check([ROOT / "ontology", folder]))


@SETTINGS
@given(text=st.binary(max_size=300))
def test_arbitrary_bytes_as_every_rdf_syntax(tmp_path: Path, text: bytes) -> None:
    for suffix in (".ttl", ".trig", ".nt", ".nq", ".jsonld", ".rdf"):
        path = tmp_path / f"junk{suffix}"
        path.write_bytes(text)
        only_kg_errors(lambda path=path: kg.check([ROOT / "ontology", path]))


@SETTINGS
@given(data=st.data())
def test_mutated_annotations(store: kg.Store, tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(data.draw(mutated(ANNOTATION)), encoding="utf-8")
    text = ROOT / "tests" / "data" / "second-report.txt"
    only_kg_errors(lambda: annotation.convert(store, path, text_path=text))


@SETTINGS
@given(data=st.data())
def test_mutated_event_files(tmp_path: Path, data: st.DataObject) -> None:
    for reader, name in ((acled.read, "syria-dec-2024.acled.csv"), (gdelt.read, "syria-dec-2024.gdelt.tsv")):
        path = tmp_path / name
        path.write_text(
            data.draw(mutated((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))), encoding="utf-8"
        )
        only_kg_errors(lambda reader=reader, path=path: list(reader(path)))


@SETTINGS
@given(data=st.binary(max_size=400), prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"PK\x03\x04", b"\x1f\x8b"]))
def test_arbitrary_bytes_as_event_files(tmp_path: Path, data: bytes, prefix: bytes) -> None:
    """Any bytes (text or not, a zip or gzip header in front) are a kg error or records, never a crash."""
    for reader, name in ((acled.read, "x.acled.csv"), (gdelt.read, "x.gdelt.tsv")):
        path = tmp_path / name
        path.write_bytes(prefix + data)
        only_kg_errors(lambda reader=reader, path=path: list(reader(path)))


@SETTINGS
@given(text=st.text(max_size=200))
def test_arbitrary_sparql(store: kg.Store, text: str) -> None:
    only_kg_errors(lambda: store.query("SELECT * WHERE { " + text + " } LIMIT 5"))
    only_kg_errors(lambda: store.query(text))


@SETTINGS
@given(value=st.text(max_size=80))
def test_arbitrary_parameter_values(store: kg.Store, value: str) -> None:
    for query, name in (
        ("allies", "actor"),
        ("holdings", "as_of"),
        ("claims-below-grade", "grade"),
        ("actors-by-type", "type"),
    ):
        only_kg_errors(lambda query=query, name=name: store.query(query, **{name: value}))


@pytest.mark.parametrize(
    "value",
    [
        'Homs" } UNION { ?s ?p ?o } #',
        "Homs> } UNION {",
        "<http://e/x> } ; DROP ALL ; SELECT * {",
        "kge:hts }",
        "http://exa mple.org/with space",
        "}}}}",
        "\\u0022",
    ],
)
def test_parameters_cannot_change_a_query(store: kg.Store, value: str) -> None:
    """A hostile value is at most a name that matches nothing; the query's structure stays as written."""
    with pytest.raises(kg.ParameterError):
        store.query("allies", actor=value)
    result = store.query(
        "SELECT ?name WHERE { ?e rdfs:label ?label FILTER(STR(?label) = ?name) }", name=ox.Literal(value)
    )
    assert isinstance(result, kg.SelectResult) and len(result) == 0


def test_xml_external_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/hostname"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '<rdf:Description rdf:about="http://example.org/a"><ex:p>&secret;</ex:p></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    with pytest.raises(
        kg.DataError, match=r"xxe\.rdf:2: declares the XML entity 'secret'; entity declarations are refused"
    ):
        kg.check([ROOT / "ontology", path])


def test_billion_laughs_is_refused_before_expansion(tmp_path: Path) -> None:
    """Oxigraph would expand these internal entities to 10^9 characters; kg stops at the declaration."""
    entities = '<!ENTITY lol "lol">\n' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10)
    )
    path = tmp_path / "laughs.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{entities}]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '<rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    with pytest.raises(kg.DataError, match=r"laughs\.rdf:3: declares the XML entity 'lol'"):
        kg.check([ROOT / "ontology", path])


def test_json_ld_loads_no_remote_context(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(
        '{"@context": "http://127.0.0.1:1/context.jsonld", "@id": "http://e/a", "p": "x"}', encoding="utf-8"
    )
    with pytest.raises(kg.DataError, match="remote contexts"):
        kg.check([ROOT / "ontology", path])


def test_a_yaml_bomb_is_refused_before_it_expands(store: kg.Store, tmp_path: Path) -> None:
    levels = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 10))
    path = tmp_path / "bomb.yaml"
    path.write_text("l0: &l0 [lol]\n" + levels + "source: *l9\nclaims: *l9\n", encoding="utf-8")
    with pytest.raises(kg.DataError, match=r"bomb\.yaml:1: YAML anchors and aliases \(& and \*\) are refused"):
        annotation.convert(store, path, text_path=ROOT / "tests" / "data" / "second-report.txt")


def test_an_oversized_annotation_is_refused_unread(store: kg.Store, tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("source: {}\n# " + "x" * annotation.MAX_CHARACTERS + "\n", encoding="utf-8")
    with pytest.raises(kg.DataError, match="is more than an annotation may have"):
        annotation.convert(store, path, text_path=ROOT / "tests" / "data" / "second-report.txt")


def test_a_ten_megabyte_literal_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "big.trig"
    path.write_text(
        '<https://example.org/g> { <https://example.org/a> <https://example.org/p> "' + "x" * 10_000_000 + '" . }\n',
        encoding="utf-8",
    )
    report = kg.build([ROOT / "ontology", path], store_path=tmp_path / "store", validate=False)
    assert report.quads > 10
    stored = kg.open_store(tmp_path / "store").query(
        "SELECT (STRLEN(?o) AS ?n) WHERE { ?s <https://example.org/p> ?o }"
    )
    assert isinstance(stored, kg.SelectResult) and stored.records() == [{"n": 10_000_000}]
