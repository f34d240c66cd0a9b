"""The package's imports point one way: each module uses only its own floor and the floors below.

Every ``import`` of a ``kg`` module counts, at module level, inside functions and under
``TYPE_CHECKING`` alike: a function-local import that reaches up a floor closes a circle just
as surely, only later. A new module must be given a floor here, which is the point: where it
sits decides what it may use.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from tests.helpers import ROOT

FLOORS: list[tuple[str, set[str]]] = [
    (
        "ground: names, terms, errors, config",
        {"kg.namespaces", "kg.terms", "kg.errors", "kg.config", "kg.vocabulary", "kg.phases", "kg.names"}
        | {"kg.progress"},
    ),
    ("SPARQL text, saved queries, results, shapes", {"kg.results", "kg.sparql", "kg.queries", "kg.shacl"}),
    ("parameters and remote endpoints", {"kg.params", "kg.remote", "kg.listings"}),
    ("the store", {"kg.store"}),
    ("checks and inference over a store", {"kg.validation", "kg.inference", "kg.holdings", "kg.merges"}),
    (
        "file formats",
        {"kg.formats", "kg.formats.annotation", "kg.formats.acled", "kg.formats.gdelt", "kg.formats.records"}
        | {"kg.formats.events", "kg.formats.names", "kg.formats.textfile", "kg.synth"},
    ),
    ("the loader", {"kg.dataset"}),
    ("operations that change the store", {"kg.build", "kg.ingest", "kg.ingest.apply", "kg.entities"}),
    ("the projection", {"kg.project"}),
    (
        "views and analyses",
        {"kg.analysis", "kg.viz", "kg.map", "kg.geocode", "kg.export", "kg.server", "kg.stats", "kg.ingest.extract"}
        | {"kg.page", "kg.ingest.gold", "kg.ingest.frames", "kg.ingest.mentions", "kg.ingest.lexicon"}
        | {"kg.ingest.linkgrammar", "kg.ingest.dates", "kg.ingest.patterns", "kg.ingest.coreference"}
        | {"kg.ingest.attribution"},
    ),
    ("the public API and the CLI", {"kg", "kg.cli"}),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(text: str, name: str, modules: set[str], *, package: bool = False) -> set[str]:
    """The kg modules that module ``name`` (source ``text``) imports anywhere in its body.

    ``from kg import x`` counts as an import of ``kg.x`` when that is a module.
    """
    package_name = name if package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package_name.split(".")[: len(package_name.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names}
    return {m for m in found if m in modules and m != name}


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    paths = sorted((ROOT / "kg").rglob("*.py"))
    modules = {module_name(p) for p in paths}
    edges = nx.DiGraph()
    edges.add_nodes_from(modules)
    for path in paths:
        name, text = module_name(path), path.read_text(encoding="utf-8")
        targets = imports_of(text, name, modules, package=path.name == "__init__.py")
        edges.add_edges_from((name, target) for target in targets)
    return edges


def test_every_module_has_a_floor(graph: nx.DiGraph) -> None:
    placed = set().union(*(members for _, members in FLOORS))
    assert sorted(set(graph) - placed) == [], "give each new module a floor in FLOORS"
    assert sorted(placed - set(graph)) == [], "FLOORS names modules that no longer exist"


def test_no_module_imports_a_floor_above_its_own(graph: nx.DiGraph) -> None:
    floor = {module: level for level, (_, members) in enumerate(FLOORS) for module in members}
    upward = [
        f"{source} ({FLOORS[floor[source]][0]}) imports {target} ({FLOORS[floor[target]][0]})"
        for source, target in graph.edges
        if floor[target] > floor[source]
    ]
    assert upward == []


def test_the_imports_have_no_cycle(graph: nx.DiGraph) -> None:
    assert list(nx.simple_cycles(graph)) == []


def test_file_formats_know_nothing_of_the_store_or_the_build(graph: nx.DiGraph) -> None:
    formats = [m for m in graph if m.startswith("kg.formats")]
    reached = set().union(*(nx.descendants(graph, m) for m in formats))
    assert reached.isdisjoint({"kg.store", "kg.build", "kg.dataset", "kg.ingest.apply", "kg.remote"})


def test_the_checker_sees_every_kind_of_import() -> None:
    """Function-local, TYPE_CHECKING, relative and ``from kg import module`` imports are all found."""
    text = """
from typing import TYPE_CHECKING
from kg import store
if TYPE_CHECKING:
    from kg.build import BuildReport
def later():
    from .records import slug
    import kg.dataset
"""
    modules = {"kg.store", "kg.build", "kg.formats.records", "kg.dataset", "kg.errors"}
    assert imports_of(text, "kg.formats.events", modules) == modules - {"kg.errors"}


def test_the_readme_layout_names_every_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout") : readme.index("## Security")]
    missing = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "kg").rglob("*.py"))
        if path.name != "__init__.py" and path.name not in layout
    ]
    assert missing == []
