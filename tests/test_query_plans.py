"""A guard on the saved queries' plans: the work Oxigraph does for each stays within a recorded budget.

Oxigraph 0.5 plans without statistics, from the order and the constants the query text gives, so a
harmless-looking edit (a pattern moved, a filter put after the lookups, a binding changed) can turn
a hash join into a lookup per row and a query of 0.1 s into one of 10 s. Timings cannot say so in a
test (the machine is shared, the suite has no timing thresholds); the plan's own counts can. The
``oxigraph`` command of the same release explains each query with ``--stats``: every operator of the
plan with the rows it produced. The work of a query is the sum of those rows, plus, for each
operator that runs its right-hand side once per row of its left (``Lateral``, ``ForLoopLeftJoin``,
a ``FILTER (NOT) EXISTS``), that left side's rows again: one lookup each, even those that find
nothing. The counts depend only on the data and the plan, so they are the same on every run and
machine.

The store: 20,000 synthetic triples plus the seed (``kg synth`` with seed 1), ~1,000 claims, where a
lookup per claim of the store shows as ~1,000 more rows per pattern against the tens of a selective
query, and a quadratic join as far more. At 100,000 triples the explained queries took 40 s of a
suite that must stay within minutes (``--stats`` slows Oxigraph several times over); at 20,000, with
the build, about 10 s. The benchmarks time the same queries at 1M.
Parameters are picked from the data as the benchmarks pick them (the busiest actor, place, claimant
and source, grade C3, June 2024) and bound as the query's header asks: in a ``VALUES`` block, as
kg binds them, or, for ``substitutions``, which the command line does not take, written into the
query as terms (Oxigraph plans a constant much as a substituted variable; not always the same).

Budgets live in ``tests/data/query-plan-budgets.json``, each the work recorded when the query was
last rewritten plus a margin. A query over its budget fails the test, saying by how much; after a
deliberate change, record again and let review see the difference::

    .venv/bin/python -m tests.test_query_plans --record
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

import kg
from benchmarks.run import synthetic_parameters
from kg import queries, sparql
from kg.namespaces import ONTOLOGY, PREFIXES
from kg.terms import Term
from tests.helpers import ROOT, build_synthetic

BUDGETS = ROOT / "tests" / "data" / "query-plan-budgets.json"
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
TRIPLES = 20_000
MARGIN = 1.25
"""A budget is the recorded work times this: room for small changes of the data, not for a new plan shape."""
LOOPS = ("Lateral", "ForLoopLeftJoin")
XSD = "http://www.w3.org/2001/XMLSchema#"


def saved_queries() -> dict[str, queries.SavedQuery]:
    return queries.catalog() | {f"stats/{name}": saved for name, saved in queries.internal_group("stats").items()}


def build(folder: Path) -> Path:
    """The synthetic store the budgets were recorded on; returns the live generation's directory."""
    store = build_synthetic(folder, triples=TRIPLES, seed=1)
    return store / "generations" / (store / "live").read_text(encoding="utf-8").strip()


def parameters(store: kg.Store) -> dict[str, Term]:
    """The benchmarks' values (:func:`benchmarks.run.synthetic_parameters`), with the relation the budgets were
    recorded with."""
    values = synthetic_parameters(store) | {"relation": ox.NamedNode(ONTOLOGY + "alliedWith")}
    values.pop("dated_only")
    return values


def plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("children", []):
        yield from plan_nodes(child)


def per_row(node: dict[str, Any]) -> bool:
    """Whether ``node`` evaluates a child once per row of its first: a for-loop join, or a FILTER
    (NOT) EXISTS, whose pattern Oxigraph looks up again for each row it filters."""
    name = node["name"]
    looped = name.split("(")[0] in LOOPS or (name.startswith("Filter(") and "EXISTS" in name)
    return looped and len(node.get("children", [])) > 1


def work(plan: dict[str, Any]) -> int:
    """Rows produced by every operator, plus one per start of a per-row right-hand side (:func:`per_row`)."""
    total = 0
    for node in plan_nodes(plan):
        total += node.get("number of results", 0)
        if per_row(node):
            total += node["children"][0].get("number of results", 0)
    return total


def explain(generation: Path, text: str, scratch: Path) -> dict[str, Any]:
    """The plan of ``text`` on the store at ``generation``, with the rows of each operator."""
    query, explained = scratch / "query.rq", scratch / "plan.json"
    query.write_text("".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + text, encoding="utf-8")
    subprocess.run(
        [OXIGRAPH, "query", "--location", generation, "--query-file", query, "--union-default-graph"]
        + ["--results-format", "csv", "--results-file", scratch / "results.csv"]
        + ["--explain-file", explained, "--stats"],
        check=True,
        capture_output=True,
    )
    return json.loads(explained.read_text(encoding="utf-8"))["plan"]


def inline(text: str, bindings: dict[str, Term]) -> str:
    """``text`` with each parameter written as its term wherever the WHERE group uses it: the nearest the
    command line comes to pyoxigraph's ``substitutions`` (the projection keeps the variable, unbound)."""
    at, parts, done, depth, projection = sparql.where_start(text), [], 0, 1, False
    for token in sparql.tokens(text):
        if token.start < at:
            continue
        depth += {"{": 1, "}": -1}.get(token.text, 0)
        if depth == 0:
            break  # the end of the WHERE group: GROUP BY and ORDER BY name the variable itself
        if token.keyword == "SELECT" or token.text in ("{", "WHERE"):
            projection = token.keyword == "SELECT"  # a subquery's projection names the variable too
        elif token.kind == "var" and token.text[1:] in bindings and not projection:
            parts += [text[done : token.start], str(bindings[token.text[1:]])]
            done = token.start + len(token.text)
    return "".join(parts) + text[done:]


def bound(saved: queries.SavedQuery, bindings: dict[str, Term]) -> str:
    """The query's text with its parameters bound the way its header asks for."""
    if saved.binding == "values":
        return sparql.bind_values(saved.text, bindings)
    return inline(saved.text, bindings)


def measure(generation: Path, values: dict[str, Term], scratch: Path) -> dict[str, int]:
    """Each saved query's work, its parameters bound as its header asks."""
    measured = {}
    for name, saved in saved_queries().items():
        bindings = {p.name: values[p.name] for p in saved.params if p.name in values}
        measured[name] = work(explain(generation, bound(saved, bindings), scratch))
    return measured


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    folder = tmp_path_factory.mktemp("plans")
    generation = build(folder)
    values = parameters(kg.open_store(folder / "store"))
    return measure(generation, values, folder)


def test_every_saved_query_has_a_budget() -> None:
    budgets = json.loads(BUDGETS.read_text(encoding="utf-8"))["budgets"]
    assert set(budgets) == set(saved_queries())


def test_the_work_counts_what_a_plan_does() -> None:
    """A lookup per row counts once per row even when it finds nothing; a hash join counts its inputs."""
    lookup = {
        "name": "Lateral",
        "number of results": 2,
        "children": [{"name": "QuadPattern(?a)", "number of results": 10}, {"name": "QuadPattern(?b)"}],
    }
    assert work(lookup) == 2 + 10 + 0 + 10
    hashed = {**lookup, "name": "Join(HashBuildLeftProbeRight, keys = ?a)"}
    assert work(hashed) == 2 + 10
    # a FILTER NOT EXISTS looks its pattern up again for each row it filters; a MINUS is one anti-join
    exists = {**lookup, "name": "Filter(NOT EXISTS { ?a <p> ?b . })"}
    assert work(exists) == 2 + 10 + 0 + 10
    plain = {"name": "Filter(?a != ?b)", "number of results": 2, "children": [lookup["children"][0]]}
    assert work(plain) == 2 + 10


def test_no_saved_query_works_past_its_budget(measured: dict[str, int]) -> None:
    budgets = json.loads(BUDGETS.read_text(encoding="utf-8"))["budgets"]
    over = {
        name: f"{done:,} against a budget of {budgets[name]['budget']:,} ({done / budgets[name]['work']:.1f}x)"
        for name, done in measured.items()
        if done > budgets[name]["budget"]
    }
    assert not over, "work grew past the budget (see tests/test_query_plans.py): " + json.dumps(over, indent=1)


def record() -> None:
    """Measure every saved query and write the budgets file."""
    with tempfile.TemporaryDirectory(prefix="kg-plans-") as scratch:
        folder = Path(scratch)
        generation = build(folder)
        values = parameters(kg.open_store(folder / "store"))
        measured = measure(generation, values, folder)
    budgets = {name: {"work": done, "budget": math.ceil(done * MARGIN)} for name, done in sorted(measured.items())}
    note = (
        f"Work of each saved query's plan on {TRIPLES:,} synthetic triples (seed 1) plus the seed, as "
        f"tests/test_query_plans.py counts it; budget = work x {MARGIN}. Record with: "
        ".venv/bin/python -m tests.test_query_plans --record"
    )
    BUDGETS.write_text(json.dumps({"note": note, "budgets": budgets}, indent=1) + "\n", encoding="utf-8")
    for name, entry in budgets.items():
        print(f"{name:28s} {entry['work']:>12,}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        raise SystemExit("usage: python -m tests.test_query_plans --record")
    record()
