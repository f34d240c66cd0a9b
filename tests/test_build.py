"""Building: a failed build names the problem and leaves the previous store answering queries."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest

import kg
from kg import store as store_module
from tests.helpers import PREFIXES, ROOT, input_paths, shapes_of


def allies_of_assad(path: Path) -> set[object]:
    result = kg.open_store(path).query("allies", actor="Assad")
    assert isinstance(result, kg.SelectResult)
    return {row["allyLabel"] for row in result.records()}


@pytest.fixture
def live_store(inputs: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    kg.build(input_paths(inputs), store_path=path, shapes=shapes_of(inputs))
    return path


def test_build_reports_what_it_wrote(inputs: Path, tmp_path: Path) -> None:
    report = kg.build(input_paths(inputs), store_path=tmp_path / "s", shapes=shapes_of(inputs))
    assert report.claims == 62 and report.sources == 1 and len(report.files) == 3
    assert report.inferred > 0 and report.quads == len(kg.open_store(tmp_path / "s"))


def test_malformed_turtle_names_file_and_line_and_keeps_the_old_store(inputs: Path, live_store: Path) -> None:
    bad = inputs / "data" / "broken.trig"
    bad.write_text(
        '@prefix kge: <https://w3id.org/conflict-kg/id/> .\n\nkge:a kge:b "unterminated .\n', encoding="utf-8"
    )
    with pytest.raises(kg.DataError) as caught:
        kg.build(input_paths(inputs), store_path=live_store, shapes=shapes_of(inputs))
    assert "broken.trig:3:" in str(caught.value)
    assert allies_of_assad(live_store) == {"Russia", "Iran"}
    assert len(list((live_store / "generations").iterdir())) == 1  # the failed generation is gone


def test_failed_validation_keeps_the_old_store(inputs: Path, live_store: Path) -> None:
    trig = inputs / "data" / "syrian-rebels-advance.trig"
    trig.write_text(
        trig.read_text(encoding="utf-8").replace('kg:reliability "B2"', 'kg:reliability "Z9"'), encoding="utf-8"
    )
    with pytest.raises(kg.ValidationError) as caught:
        kg.build(input_paths(inputs), store_path=live_store, shapes=shapes_of(inputs))
    assert all("kg:reliability" in p.message for p in caught.value.problems)
    assert allies_of_assad(live_store) == {"Russia", "Iran"}
    assert len(list((live_store / "generations").iterdir())) == 1  # the half-written generation is gone


def test_a_changed_source_text_is_refused(inputs: Path, tmp_path: Path) -> None:
    text = inputs / "data" / "sources" / "syrian-rebels-advance-on-damascus.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("Homs", "Hama", 1), encoding="utf-8")
    with pytest.raises(kg.DataError, match="has changed since it was annotated"):
        kg.build(input_paths(inputs), store_path=tmp_path / "s", shapes=shapes_of(inputs))


def test_a_missing_source_text_is_named(inputs: Path, tmp_path: Path) -> None:
    (inputs / "data" / "sources" / "syrian-rebels-advance-on-damascus.txt").unlink()
    with pytest.raises(
        kg.DataError, match=r"kgs:syrian-rebels-advance: cannot read its text .*syrian-rebels-advance-on-damascus\.txt"
    ):
        kg.build(input_paths(inputs), store_path=tmp_path / "s", shapes=shapes_of(inputs))


def test_rebuild_swaps_generations_and_keeps_one_previous(inputs: Path, live_store: Path) -> None:
    first = (live_store / "live").read_text().strip()
    kg.build(input_paths(inputs), store_path=live_store, shapes=shapes_of(inputs))
    second = (live_store / "live").read_text().strip()
    kg.build(input_paths(inputs), store_path=live_store, shapes=shapes_of(inputs))
    third = (live_store / "live").read_text().strip()
    assert len({first, second, third}) == 3
    assert sorted(p.name for p in (live_store / "generations").iterdir()) == sorted([second, third])


def test_a_rebuild_removes_what_a_killed_streamed_build_left(inputs: Path, live_store: Path) -> None:
    """A streamed build works in a staging folder inside the store's; killed, it leaves that behind, and
    whichever build comes next (streamed or not) clears it."""
    stale = live_store / ".staging-1"
    (stale / "generations").mkdir(parents=True)
    kg.build(input_paths(inputs), store_path=live_store, shapes=shapes_of(inputs))
    assert not stale.exists()


def test_a_reader_keeps_working_across_a_rebuild(inputs: Path, live_store: Path) -> None:
    reader = kg.open_store(live_store)
    kg.build(input_paths(inputs), store_path=live_store, shapes=shapes_of(inputs))
    assert reader.query("ASK { kge:russia kg:alliedWith kge:bashar-al-assad }") is True


def test_a_second_writer_is_told_the_store_is_busy(tmp_path: Path) -> None:
    root = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from kg.store import writer_lock\n"
            "with writer_lock(Path(sys.argv[1])):\n    print('locked', flush=True); sys.stdin.read()",
            str(root),
        ],
        stdin=subprocess.PIPE,  # it holds the lock until told to let go (its stdin closes)
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(kg.StoreError, match=rf"busy: another kg process \(pid {holder.pid}\)"):
            kg.build(store_path=root)
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()  # lets go of the lock and ends
        holder.wait()
        holder.stdout.close()


def test_no_store_yet_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(kg.StoreError, match="run `kg build` first"):
        kg.open_store(tmp_path / "nothing")


def test_asserted_and_inferred_are_separate_graphs(store: kg.Store) -> None:
    inferred_only = store.query("""
        SELECT (COUNT(*) AS ?n) WHERE {
          GRAPH kgg:inferred { ?s ?p ?o }
          FILTER EXISTS { GRAPH ?g { ?s ?p ?o } FILTER(?g != kgg:inferred) } }""")
    assert isinstance(inferred_only, kg.SelectResult) and inferred_only.records() == [{"n": 0}]


def test_store_files_are_private_to_the_store_dir(live_store: Path) -> None:
    assert sorted(p.name for p in live_store.iterdir()) == ["generations", "live", "lock"]
    assert os.path.isdir(store_module.Path(live_store / "generations" / (live_store / "live").read_text().strip()))


def test_rounds_of_only_the_fed_rules_infer_what_every_rule_every_round_infers(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inference reruns only the rules the last round gave something to read (kg.inference.READS); with no
    such knowledge every rule reruns until a round finds nothing. Both must end with the same graph, here on
    the seed and on synthetic data whose locatedIn chains take several rounds to close."""
    import pyoxigraph as ox

    from kg import dataset, inference, synth
    from kg.namespaces import INFERRED_GRAPH

    synth.generate(tmp_path / "synth", relations=3000, seed=5)
    files = dataset.find_files([*input_paths(inputs), tmp_path / "synth"])
    data, _ = dataset.split_shapes(files)

    def inferred() -> set[ox.Quad]:
        store = ox.Store()
        dataset.load(store, data)
        inference.materialise(store)
        return set(store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))

    fed_only = inferred()
    monkeypatch.setattr(inference, "READS", {})
    every_rule = inferred()
    assert fed_only == every_rule and len(fed_only) > 1000


def test_claims_and_sources_are_not_given_the_supertypes_nothing_reads(store: kg.Store) -> None:
    assert store.query("ASK { ?x a kg:Claim }") is True
    assert store.query("ASK { GRAPH kgg:inferred { ?x a rdf:Statement } }") is False
    assert store.query("ASK { GRAPH kgg:inferred { ?x a prov:Entity } }") is False
    assert store.query("ASK { GRAPH kgg:inferred { ?x a kg:Actor } }") is True  # the hierarchy's own, as before


def _blank_nodes_as_one(quads) -> Counter:  # -> Counter[tuple[str, ...]]
    """The quads with every blank node written ``_``: a bulk load renames blank nodes."""
    import pyoxigraph as ox

    def term(t: object) -> str:
        return "_" if isinstance(t, ox.BlankNode) else str(t)

    return Counter((term(q.subject), str(q.predicate), term(q.object), term(q.graph_name)) for q in quads)


def test_the_store_holds_what_was_checked_and_inferred(
    inputs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The build bulk-loads the RDF files from a thread of its own while it parses and checks them, then adds
    what it made in memory (an annotation's graph, an event file's, the source texts, the inferred triples):
    the store must hold the same quads as the graph loaded and inferred in memory, each selector (a blank
    node) must still be the one its claim names, and that early write must be kept, not done again (as
    `kg --debug build` says)."""
    import shutil

    import pyoxigraph as ox

    from kg import dataset, inference, synth
    from kg.entities import smush

    synth.generate(inputs / "data" / "synthetic", relations=2000, seed=3)
    for name in ("second-report.txt", "second-report.yaml", "syria-dec-2024.acled.csv"):
        shutil.copy(ROOT / "tests" / "data" / name, inputs / "data" / name)
    with caplog.at_level(logging.INFO, logger="kg.build"):
        kg.build(input_paths(inputs), store_path=tmp_path / "s", shapes=shapes_of(inputs))
    assert "added what the build made beyond the files" in caplog.text
    assert "writing the whole graph" not in caplog.text  # the write beside the checks was kept
    expected = ox.Store()
    dataset.load(expected, dataset.split_shapes(dataset.find_files(input_paths(inputs)))[0])
    smush(expected)
    inference.materialise(expected)
    built = kg.open_store(tmp_path / "s")
    assert _blank_nodes_as_one(built.inner) == _blank_nodes_as_one(expected)
    every = built.query("SELECT (COUNT(*) AS ?n) WHERE { ?claim oa:hasSelector ?selector }")
    typed = built.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?claim oa:hasSelector ?selector FILTER EXISTS { ?selector a ?kind } }"
    )
    assert isinstance(every, kg.SelectResult) and isinstance(typed, kg.SelectResult)
    assert typed.records() == every.records() and every.records()[0]["n"] > 4000


def test_an_inferred_type_of_a_blank_node_is_about_that_node(
    inputs: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A triple inferred about a blank node cannot join the inputs' bulk load (which renames blank nodes),
    so the build writes the whole graph again: the inferred types must be about the same node."""
    (inputs / "data" / "band.trig").write_text(
        PREFIXES + '\nkgg:gazetteer-band { _:band a kg:ArmedGroup ; rdfs:label "Nameless band"@en . }\n',
        encoding="utf-8",
    )
    with caplog.at_level(logging.INFO, logger="kg.build"):
        kg.build(input_paths(inputs), store_path=tmp_path / "s", shapes=shapes_of(inputs))
    assert "writing the whole graph" in caplog.text
    kinds = kg.open_store(tmp_path / "s").query(
        'SELECT ?kind WHERE { GRAPH kgg:inferred { ?band a ?kind } ?band rdfs:label "Nameless band"@en } ORDER BY ?kind'
    )
    assert isinstance(kinds, kg.SelectResult)
    assert {"kg:Actor", "prov:Agent"} <= {row["kind"] for row in kinds.records()}


def test_only_problems_the_events_may_answer_send_a_streamed_build_back_into_memory(tmp_path: Path) -> None:
    """A streamed build builds the rest first; when that fails, it holds everything in memory only if the
    event files may be what is missing, and otherwise reports the rest's own problems at once."""
    from kg.build import _events_may_answer
    from kg.errors import AnnotationError, Problem, ValidationError

    events = tmp_path / "x.acled.csv"
    events.write_text("event_id_cnty,actor1\nX1,Ninth Made-up Brigade\n", encoding="utf-8")

    def unknown(name: str) -> Problem:
        return Problem("r.yaml:5", "claims[0].subject", f"no entity is called {name!r}; did you mean: x?", "annotation")

    assert _events_may_answer(AnnotationError([unknown("ninth made-up BRIGADE")]), [events])
    assert _events_may_answer(AnnotationError([unknown("Ninth Made-up Brigade's")]), [events]) is False
    assert _events_may_answer(AnnotationError([unknown("Tenth Made-up Brigade")]), [events]) is False
    missing_grade = Problem("r.yaml", "kgc:r-01", "kg:reliability: needs a value", "annotation")
    assert _events_may_answer(AnnotationError([unknown("Ninth Made-up Brigade"), missing_grade]), [events]) is False
    undeclared = Problem("data/r.trig", "kgc:r-01", "kge:ninth-made-up-brigade has no type", "undeclared-entity")
    assert _events_may_answer(ValidationError([undeclared]), [events])
    shape = Problem("data/r.trig", "kgc:r-01", "kg:reliability: needs a value", "shacl")
    assert _events_may_answer(ValidationError([undeclared, shape]), [events]) is False
    across = tmp_path / "big.acled.csv"  # the name straddles the end of the first megabyte read
    across.write_bytes(b"a" * ((1 << 20) - 5) + b",Ninth Made-up Brigade\n")
    assert _events_may_answer(AnnotationError([unknown("Ninth Made-up Brigade")]), [across])


LABEL = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _graphs_store(path: Path) -> pyoxigraph.Store:
    store = pyoxigraph.Store(str(path))
    for number in range(4):
        graph = pyoxigraph.NamedNode(f"https://example.org/graph/{number}")
        for item in range(50):
            subject = pyoxigraph.NamedNode(f"https://example.org/thing/{number}-{item}")
            label = pyoxigraph.Literal(f'thing {item} of graph {number}, "quoted"\nand é', language="en")
            store.add(pyoxigraph.Quad(subject, LABEL, label, graph))
    store.add(
        pyoxigraph.Quad(
            pyoxigraph.NamedNode("https://example.org/a"),
            LABEL,
            pyoxigraph.Literal("in the default graph"),
        )
    )
    store.flush()
    return store


def test_a_store_copy_leaves_out_the_graphs_named_and_no_dump_files(tmp_path: Path) -> None:
    source = _graphs_store(tmp_path / "source")
    left_out = pyoxigraph.NamedNode("https://example.org/graph/2")
    graphs = [g for g in [pyoxigraph.DefaultGraph(), *source.named_graphs()] if g != left_out]
    (tmp_path / "generations").mkdir()
    target = pyoxigraph.Store(str(tmp_path / "generations" / "new"))
    store_module._copy_graphs(source, target, graphs, beside=tmp_path / "generations" / "new")
    assert set(target) == {q for q in source if q.graph_name != left_out}
    assert [p.name for p in (tmp_path / "generations").iterdir()] == ["new"]  # the dumps are gone


def test_a_store_copy_that_fails_removes_its_dump_files(tmp_path: Path) -> None:
    source = _graphs_store(tmp_path / "source")
    (tmp_path / "generations").mkdir()
    pyoxigraph.Store(str(tmp_path / "generations" / "new")).flush()
    # cannot be written: the first load fails
    target = pyoxigraph.Store.read_only(str(tmp_path / "generations" / "new"))
    graphs = [pyoxigraph.DefaultGraph(), *source.named_graphs()]
    with pytest.raises(RuntimeError, match="read-write"):
        store_module._copy_graphs(source, target, graphs, beside=tmp_path / "generations" / "new")
    assert [p.name for p in (tmp_path / "generations").iterdir()] == ["new"]
