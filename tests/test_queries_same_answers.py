"""Every saved query gives the same rows in the same order as the query it replaced.

The saved queries were rewritten for speed (issue 18). ``tests/data/queries-before/`` keeps the
text of each query as it was before, as plain files the test reads, not a git revision: the suite
runs from a tarball or a shallow clone as well. Each pair runs on the same store with the same
parameters, the old query bound the way its own header said, and the answers (column names, rows
and their order) must be equal; rows that tie on every key of the old ORDER BY may swap. The
stores: the seed with the second report (small, every kind of answer, contradictions included)
and a synthetic store of 20,000 triples plus the seed (hubs, many claims per relation, dates over
two years), with parameters picked from the data the way the benchmarks pick them.

A query whose answer is meant to change gets its reference copy changed in the same commit, so
the change is visible in review.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import kg
from benchmarks.run import synthetic_parameters
from kg import params, queries
from tests.helpers import ROOT, SEED_EXAMPLES

BEFORE = ROOT / "tests" / "data" / "queries-before"


def variants(saved: queries.SavedQuery, values: dict) -> Iterator[dict]:
    """The parameter sets to compare on: the required ones only, then with each optional one, then all."""
    required = {p.name: values[p.name] for p in saved.params if p.required}
    yield required
    optional = [p.name for p in saved.params if not p.required]
    for name in optional:
        if name != "dated_only":  # only means something with as_of
            yield required | {name: values[name]} | ({"as_of": values["as_of"]} if name == "as_of" else {})
    if len(optional) > 1:
        yield required | {name: values[name] for name in optional}


def answer(store: kg.Store, saved: queries.SavedQuery, given: dict) -> tuple[list[str], list[tuple]]:
    result = store.run(saved, params.bind(store, saved, given))
    assert isinstance(result, kg.SelectResult)
    return list(result.variables), [tuple(map(str, row)) for row in result.rows]


def order_keys(saved: queries.SavedQuery) -> list[str]:
    """The variables of the query's ORDER BY, in order ("?a DESC(?b)" -> ["a", "b"])."""
    clause = saved.text.rsplit("ORDER BY", 1)[1] if "ORDER BY" in saved.text else ""
    return re.findall(r"\?(\w+)", clause.split("LIMIT")[0])


def in_order(saved: queries.SavedQuery, got: tuple[list[str], list[tuple]], expected: tuple) -> bool:
    """The same columns and rows in the same order, where rows that tie on every ORDER BY key (an order
    SPARQL leaves to the engine, such as one claim's two claimants) may come in either order among
    themselves. A key the query does not return leaves no way to tell ties: then the order must be equal."""
    if got == expected:
        return True
    columns, keys = expected[0], order_keys(saved)
    if got[0] != columns or not keys or not set(keys) <= set(columns):
        return False
    key = lambda row: tuple(row[columns.index(name)] for name in keys)  # noqa: E731
    runs = lambda rows: [(k, sorted(group)) for k, group in itertools.groupby(rows, key)]  # noqa: E731
    return runs(got[1]) == runs(expected[1])


def compare(store: kg.Store, values: dict) -> set[str]:
    """The differences fail the test; returns the names of the queries that answered something."""
    differences, answered = [], set()
    for name, now in saved_queries().items():
        path = BEFORE / f"{name}.rq"
        before = queries.parse(path.read_text(encoding="utf-8"), name=name, path=path)
        for given in variants(now, values):
            expected, got = answer(store, before, given), answer(store, now, given)
            answered |= {name} if expected[1] else set()
            if not in_order(before, got, expected):
                shown = {k: str(v) for k, v in given.items()}
                same_set = sorted(got[1]) == sorted(expected[1])
                differences.append(
                    f"{name} {shown}: {len(got[1])} rows against {len(expected[1])}"
                    f"{' (same rows, other order)' if same_set else ''}"
                )
    assert not differences, "\n".join(differences)
    return answered


def saved_queries() -> dict[str, queries.SavedQuery]:
    """The user's saved queries and the ``kg stats`` aggregates, by their path under kg/queries."""
    return queries.catalog() | {f"stats/{name}": saved for name, saved in queries.internal_group("stats").items()}


def test_a_reference_copy_for_every_saved_query() -> None:
    assert {path.relative_to(BEFORE).with_suffix("").as_posix() for path in BEFORE.rglob("*.rq")} == set(
        saved_queries()
    )


def test_the_answers_are_unchanged_on_the_seed_and_on_synthetic_data(
    falls_store: kg.Store, synthetic_store: kg.Store
) -> None:
    answered = compare(falls_store, SEED_EXAMPLES)
    answered |= compare(synthetic_store, synthetic_parameters(synthetic_store))
    assert answered == set(saved_queries()), "every query is compared on a non-empty answer somewhere"


def test_the_benchmarks_best_forms_answer_as_the_saved_queries(synthetic_store: kg.Store) -> None:
    """``make bench`` times each interactive saved query against a hand-written form of the same question;
    that baseline is only fair if it gives the same rows in the same order."""
    from benchmarks import bench_queries

    values = params_of(synthetic_store)
    measured = bench_queries.compare_best(synthetic_store, values, repeat=1)
    assert [entry["name"] for entry in measured] == list(bench_queries.INTERACTIVE)
    assert all(entry["rows"] for entry in measured), measured
    assert [entry["name"] for entry in measured if not entry["same"]] == []


def params_of(store: kg.Store) -> dict:
    """The values ``make bench`` binds (no as_of: the best forms answer for every day)."""
    unbound = {"as_of", "dated_only", "from", "to", "relation"}
    return {name: value for name, value in synthetic_parameters(store).items() if name not in unbound}
