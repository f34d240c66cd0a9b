"""Train the learned model of relations (:mod:`kg.ingest.classifier`) on the development half, and measure it there.

Offline and deterministic: the store is the seed's, built in a temporary folder; the training examples are the
pairs of names the rules leave unrelated in each development report (``kg extract``'s own mention spotting and
parse), a pair right when it matches a gold relation whose quote it overlaps (the relation stated there, not
somewhere else in the report: 158 of the 373 pairs that match some gold relation); the model is scikit-learn's
logistic regression (the ``train`` extra: ``pip install -e '.[train]'``), whose weights are written to
``kg/ingest/classifier.json`` so that ``kg extract`` needs no scikit-learn. The held-out half is never read here.

Model selection is by leave-one-report-out cross-validation within the development half: for each report a model
trained on the other reports proposes its pairs, added to the rules' candidates and scored as ``kg extract
--gold`` scores them. Run::

    .venv/bin/python -m benchmarks.train_classifier          # cross-validation table, no file written
    .venv/bin/python -m benchmarks.train_classifier --write  # then train on all of it and write the weights
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import kg
from kg.ingest import classifier
from kg.ingest import gold as golden
from kg.ingest.extract import Candidate, extract

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "data" / "extraction"
NAME = "relations-lr-1"
REGULARISATION = (0.3, 1.0, 3.0, 10.0)
"""Inverse strengths of the L2 penalty tried (scikit-learn's C)."""
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
MIN_COUNT = 2
"""A feature seen in fewer training pairs is left out: it can only memorise."""
SMALLEST = 0.02
"""Weights smaller than this are dropped (in cross-validation too), so the file holds what matters."""
PRECISION_FLOOR = 0.72
"""The development precision the tests hold: the model chosen is the one with most recall above it."""


@dataclass
class Report:
    gold: golden.Gold
    rules: list[Candidate]
    pairs: list[classifier.Pair]
    labels: list[int]


def development(store: kg.Store) -> list[Report]:
    """Each development report's rule candidates and unrelated pairs, labelled by its gold relations."""
    reports = []
    for path in sorted(REPORTS.glob("*.gold.yaml")):
        gold = golden.load(path)
        if gold.half != "development":
            continue  # the held-out half is never read for training or selection
        pairs: list[classifier.Pair] = []
        rules, _ = extract(store, gold.text, published=gold.published, learned=False, pairs=pairs)
        quotes = _quotes(gold)
        labels = [int(any(_overlap(p.candidate, quotes[n]) for n in golden.matching(p.candidate, gold))) for p in pairs]
        reports.append(Report(gold, rules, pairs, labels))
    return reports


def _quotes(gold: golden.Gold) -> list[tuple[int, int] | None]:
    """Where each gold relation's quote is in the report (None when it has none or it is not found)."""
    found = []
    for relation in yaml.safe_load(gold.path.read_text(encoding="utf-8"))["relations"]:
        quote = str(relation.get("quote") or "")
        at = gold.text.find(quote) if quote else -1
        found.append((at, at + len(quote)) if at >= 0 else None)
    return found


def _overlap(candidate: Candidate, span: tuple[int, int] | None) -> bool:
    return span is not None and candidate.start < span[1] and span[0] < candidate.end


def fit(reports: list[Report], c: float) -> dict[str, float]:
    """Weights (feature -> weight, "bias" the intercept) of an L2 logistic regression over ``reports``' pairs."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for report in reports:
        for pair in report.pairs:
            for f in pair.features:
                counts[f] = counts.get(f, 0) + 1
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= MIN_COUNT))}
    rows, columns, labels = [], [], []
    for report in reports:
        for pair, label in zip(report.pairs, report.labels, strict=True):
            row = len(labels)
            for f in pair.features:
                if f in vocabulary:
                    rows.append(row)
                    columns.append(vocabulary[f])
            labels.append(label)
    matrix = csr_matrix(([1.0] * len(rows), (rows, columns)), shape=(len(labels), len(vocabulary)))
    model = LogisticRegression(C=c, solver="lbfgs", max_iter=5000)  # deterministic: no random start
    model.fit(matrix, labels)
    weights = {f: round(float(model.coef_[0][i]), 3) for f, i in vocabulary.items()}
    weights = {f: w for f, w in weights.items() if abs(w) >= SMALLEST}
    weights["bias"] = round(float(model.intercept_[0]), 4)
    return weights


def _model(weights: dict[str, float], threshold: float) -> classifier.Model:
    return classifier.Model(NAME, weights, frozenset(classifier.PREDICATES), threshold)


def cross_validate(reports: list[Report]) -> list[dict[str, Any]]:
    """Development totals (rules plus model) for each regularisation and threshold, each report scored by a model
    trained without it; and the rules alone."""
    rows = [_row("rules alone", None, [golden.score(r.rules, r.gold) for r in reports])]
    for c in REGULARISATION:
        folds = [fit(reports[:n] + reports[n + 1 :], c) for n in range(len(reports))]
        for threshold in THRESHOLDS:
            scores = [
                golden.score(r.rules + classifier.propose(r.pairs, _model(w, threshold)), r.gold)
                for r, w in zip(reports, folds, strict=True)
            ]
            rows.append(_row(f"C={c} threshold={threshold}", (c, threshold), scores))
    return rows


def _row(label: str, choice: tuple[float, float] | None, scores: list[golden.Score]) -> dict[str, Any]:
    total = golden.total(scores, "development")
    return {"model": label, "choice": choice, **{k: total.row()[k] for k in ("candidates", "correct", "found")}} | {
        "recall": round(total.recall, 3),
        "precision": round(total.precision, 3),
    }


def choose(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The row with most cross-validated recall at precision at least :data:`PRECISION_FLOOR`, if any beats the
    rules alone."""
    rules = rows[0]
    fit_rows = [r for r in rows[1:] if r["precision"] >= PRECISION_FLOOR and r["found"] > rules["found"]]
    return max(fit_rows, key=lambda r: (r["found"], r["precision"]), default=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="train on the whole development half, write the weights")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kg.build([ROOT / "ontology", ROOT / "data"], store_path=Path(tmp) / "store")
        store = kg.open_store(Path(tmp) / "store")
        reports = development(store)
    pairs = sum(len(r.pairs) for r in reports)
    print(f"{len(reports)} development reports, {pairs} pairs, {sum(sum(r.labels) for r in reports)} right")
    rows = cross_validate(reports)
    for row in rows:
        print(f"{row['model']:28} recall {row['recall']:.3f} precision {row['precision']:.3f} "
              f"({row['found']} found, {row['correct']} of {row['candidates']} right)")  # fmt: skip
    chosen = choose(rows)
    print(f"chosen: {chosen['model'] if chosen else 'none beats the rules alone'}")
    if args.write and chosen is not None:
        c, threshold = chosen["choice"]
        weights = fit(reports, c)
        data = {
            "name": NAME,
            "trained_on": "the development half of tests/data/extraction (benchmarks/train_classifier.py)",
            "regularisation": c,
            "threshold": threshold,
            "cross_validated": {k: chosen[k] for k in ("recall", "precision", "found", "correct", "candidates")},
            "predicates": list(classifier.PREDICATES),
            "weights": dict(sorted(weights.items())),
        }
        classifier.MODEL_PATH.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        print(f"wrote {classifier.MODEL_PATH.relative_to(ROOT)} ({len(weights)} weights)")


if __name__ == "__main__":
    main()
