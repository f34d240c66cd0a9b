"""The learned model of relations (:mod:`kg.ingest.classifier`, weights in ``kg/ingest/classifier.json``): what it
adds to the rules on text written for the test, that `kg extract` runs it without scikit-learn, and that its
training is reproducible.

Every name here is made up, so nothing can pass by remembering the development reports it was trained on.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import kg
from kg.ingest import classifier
from kg.ingest.extract import extract
from tests.helpers import ROOT

PART = "The 7th Mountain Regiment, part of the Army's 12 Division, held the bridge."
"""A possessive the frames read nothing from: the 12 Division is the Army's."""


def triples(candidates: list) -> set[tuple[str, str, str]]:
    return {(c.subject, c.predicate, c.object) for c in candidates}


def test_the_model_proposes_a_pair_the_rules_miss_with_its_probability_and_why(store: kg.Store) -> None:
    rules = triples(extract(store, PART, learned=False)[0])
    candidates, _ = extract(store, PART)
    assert ("12 Division", "partOf", "Army") not in rules
    assert rules <= triples(candidates)  # the rules' candidates all stay
    learned = next(c for c in candidates if (c.subject, c.predicate, c.object) == ("12 Division", "partOf", "Army"))
    model = classifier.load()
    assert model is not None
    assert model.threshold <= learned.confidence < 1
    assert learned.why.startswith(f"model {model.name}: probability {learned.confidence:.2f} (features: partOf|")
    assert PART[learned.start : learned.end] == learned.quote == "Army's 12 Division"
    assert learned.subject_iri is None and learned.object_iri is None


def test_the_model_proposes_nothing_for_a_pair_the_rules_related(store: kg.Store) -> None:
    text = "The Northern Legion captured Tel Amar on Monday."
    rules = extract(store, text, learned=False)[0]
    assert [c.why.startswith("model ") for c in extract(store, text)[0]] == [False] * len(rules)


def test_kg_extract_predicts_without_scikit_learn() -> None:
    """Prediction is a sum of weights read from JSON: with scikit-learn and SciPy impossible to import, the model
    still proposes its pair."""
    code = (
        "import json, sys\n"
        "sys.modules['sklearn'] = None\n"
        "sys.modules['scipy'] = None\n"
        "from kg.ingest.extract import extract\n"
        f"found = extract(None, {PART!r})[0]\n"
        "print(json.dumps([[c.subject, c.predicate, c.object, c.why] for c in found]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    found = json.loads(done.stdout)
    assert ["12 Division", "partOf", "Army"] in [row[:3] for row in found]
    assert any(row[3].startswith("model relations-lr-1") for row in found)


def test_training_is_reproducible_and_learns_the_labelled_pairs(store: kg.Store) -> None:
    pytest.importorskip("sklearn")
    from benchmarks.train_classifier import Report, fit

    texts = [
        "The Vanguard Regiment crossed the river near Mabru on Monday.",
        "The Ossa Brigade crossed the river near Kasi on Tuesday.",
        "The Tarna Battalion crossed the river near Dakra.",
    ]
    right = {("Vanguard Regiment", "operatesIn", "Mabru"), ("Ossa Brigade", "operatesIn", "Kasi")}
    reports = []
    for text in texts:
        pairs: list[classifier.Pair] = []
        rules, _ = extract(store, text, learned=False, pairs=pairs)
        labels = [int((p.candidate.subject, p.candidate.predicate, p.candidate.object) in right) for p in pairs]
        reports.append(Report(None, rules, pairs, labels))  # type: ignore[arg-type]
    trained = reports[:2]  # the third is read only by the trained model
    assert sum(sum(r.labels) for r in trained) == 2
    first, second = fit(trained, 1.0), fit(trained, 1.0)
    assert first == second
    names = ("vanguard", "regiment", "mabru", "ossa", "brigade", "kasi")
    assert not [f for f in first if any(name in f.lower() for name in names)]  # no feature remembers a name
    model = classifier.Model("test", first, frozenset(classifier.PREDICATES), 0.5)
    unseen = {(p.candidate.subject, p.candidate.predicate, p.candidate.object): p for p in reports[2].pairs}
    wanted = classifier.probability(model, unseen.pop(("Tarna Battalion", "operatesIn", "Dakra")).features)
    assert wanted > max(classifier.probability(model, p.features) for p in unseen.values())
