"""Read the inputs into a store: RDF files in any standard syntax and the source texts they cite.

Relative IRIs in a file resolve against the file's own location, so a source record in
``data/report.trig`` can say ``kg:text <sources/report.txt>``. Files of triples (Turtle,
N-Triples, RDF/XML) land in the default graph, which is where the ontology belongs; source
data comes as TriG or N-Quads with one named graph per source document.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox

from kg import progress, queries
from kg.config import display_path
from kg.errors import DataError, Problem
from kg.namespaces import GRAPH, ONTOLOGY, RDF, compact, expand


def event_kind(path: Path) -> str | None:
    """:func:`kg.formats.events.event_kind`, imported when first asked: the event formats' readers (ACLED, GDELT,
    text files) are a third of what ``import kg`` costs, and ``kg --help`` needs none of them."""
    from kg.formats.events import event_kind as kind

    return kind(path)


__all__ = [
    "ANNOTATION_SUFFIXES",
    "FORMATS",
    "SHAPES_SUFFIX",
    "LoadReport",
    "attach_texts",
    "find_files",
    "load",
    "locate_problems",
    "split_shapes",
]

log = logging.getLogger(__name__)

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

ANNOTATION_SUFFIXES = (".yaml", ".yml")
"""Annotation files (see :mod:`kg.formats.annotation`): read after the RDF, so they can name its entities."""

SHAPES_SUFFIX = "shapes.ttl"
"""Files named like this hold SHACL shapes: they are checked against, never loaded as data."""

_CONTENT = ox.NamedNode(ONTOLOGY + "content")
_SUBJECT, _PREDICATE, _OBJECT = (ox.NamedNode(RDF + name) for name in ("subject", "predicate", "object"))
_PARSER_PREFIX = re.compile(r"^Parser error (?:at line \d+ )?(?:between|at) [^:]*: ")


@dataclass
class LoadReport:
    """What a load read: the files, which file first wrote each named graph, the texts attached."""

    files: list[Path] = field(default_factory=list)
    graph_files: dict[str, Path] = field(default_factory=dict)
    texts: int = 0


def find_files(paths: Iterable[Path]) -> list[Path]:
    """The RDF and annotation files under ``paths`` (recursively, in name order), skipping hidden files."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise DataError(f"{display_path(path)}: no such file or directory")
        known = (*FORMATS, *ANNOTATION_SUFFIXES)
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and (p.suffix in known or event_kind(p))
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.suffix in known or event_kind(path):
            candidates = [path]
        else:
            raise DataError(f"{display_path(path)}: not an RDF or annotation file; known extensions: {' '.join(known)}")
        found.extend(candidates)
    if not found:
        raise DataError(f"no RDF files in {', '.join(display_path(p) for p in paths)}")
    return found


def split_shapes(files: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Separate data files from SHACL shapes files (named ``*shapes.ttl``)."""
    files = list(files)
    shapes = [f for f in files if f.name.endswith(SHAPES_SUFFIX)]
    return [f for f in files if f not in shapes], shapes


def _syntax_message(path: Path, exc: SyntaxError) -> str:
    message = _PARSER_PREFIX.sub("", str(exc).splitlines()[0]) if str(exc) else "syntax error"
    where = display_path(path)
    if exc.lineno:
        where += f":{exc.lineno}"
        if exc.offset:
            where += f":{exc.offset}"
    return f"{where}: {message}"


class _Prolog(Exception):
    """Raised to stop reading an XML file once its prolog has been checked."""


def refuse_xml_entities(path: Path) -> None:
    """Refuse an XML file whose DTD declares entities, before any parser expands them.

    Oxigraph's RDF/XML parser does not load external entities (no file disclosure), but it
    does expand internal ones, so a "billion laughs" file of a few hundred bytes asks for
    gigabytes. Entity declarations have no use in RDF data, so any of them is an error; the
    check reads only up to the first element, with the standard library's expat.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def declared(name: str, *_: object) -> None:
        raise DataError(
            f"{display_path(path)}:{parser.CurrentLineNumber}: declares the XML entity {name!r}; "
            "entity declarations are refused (they can expand to exhaust memory)"
        )

    def first_element(*_: object) -> None:
        raise _Prolog

    parser.EntityDeclHandler = declared
    parser.StartElementHandler = first_element
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except _Prolog:
        return
    except expat.ExpatError as exc:
        raise DataError(
            f"{display_path(path)}:{exc.lineno}: not well-formed XML: {expat.errors.messages[exc.code]}"
        ) from None


def load(store: ox.Store, files: Sequence[Path]) -> LoadReport:
    """Parse every file into ``store``, then attach the verbatim source texts.

    Meant for an in-memory store, where a transactional ``load`` per file is faster than
    ``bulk_load`` (5.0 s against 6.4 s for 1M quads). A failure leaves ``store`` partly
    written, so load into a store you can throw away (the build writes a fresh one and swaps
    it in only on success).
    """
    report = LoadReport(files=list(files))
    with progress.task("reading the inputs (files)", total=len(files)) as step:
        _load_files(store, files, report, step)
    report.texts = attach_texts(store)
    return report


def _load_files(store: ox.Store, files: Sequence[Path], report: LoadReport, step: progress.Task) -> None:
    annotations = [f for f in files if f.suffix in ANNOTATION_SUFFIXES]
    events = [f for f in files if event_kind(f)]
    for path in (f for f in files if f.suffix in FORMATS and not event_kind(f)):
        step.advance()
        before = set(store.named_graphs())
        if FORMATS[path.suffix] == ox.RdfFormat.RDF_XML:
            refuse_xml_entities(path)
        try:
            store.load(path=str(path), format=FORMATS[path.suffix], base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            raise DataError(_syntax_message(path, exc)) from None
        except (OSError, ValueError) as exc:
            raise DataError(f"{display_path(path)}: {exc}") from None
        for graph in set(store.named_graphs()) - before:
            if isinstance(graph, ox.NamedNode):
                report.graph_files.setdefault(graph.value, path)
        log.debug("loaded %s", path)
    if events:
        _load_events(store, events, annotations, report)
        step.advance(len(events))
    for path in annotations:
        _load_annotation(store, path, report)
        step.advance()


def _load_events(store: ox.Store, events: Sequence[Path], annotations: Sequence[Path], report: LoadReport) -> None:
    """Read the event files, each dataset's files together (:func:`kg.formats.events.read_dataset`).

    Their names join the entities loaded so far and those the annotations declare, which load
    later (an annotation may name an entity an event file introduced); ``kg import`` joins the
    same ones, so a build of the data folder gives the store the imports gave.
    """
    from kg.formats import annotation as annotation_format
    from kg.formats.events import EventFile, read_dataset
    from kg.formats.names import Directory
    from kg.namespaces import ENTITY
    from kg.store import Store

    directory = Directory.of_store(Store(store))
    for path in annotations:
        try:
            declared, _ = annotation_format.load(path)
        except DataError:
            continue  # reported with its line when the annotation itself is loaded
        for entity in declared.entities:
            directory.add(
                ENTITY + entity.id,
                [entity.label, *entity.aliases],
                directory.kinds_of(entity.type),
                armed=directory.is_armed_class(entity.type),
            )
    for kind in dict.fromkeys(event_kind(p) for p in events):
        files = [EventFile(p, p.name, display_path(p)) for p in events if event_kind(p) == kind]
        for _, quads in read_dataset(kind or "", files, directory).graphs():
            store.bulk_extend(quads)
        for file in files:
            report.graph_files[GRAPH + file.graph_id] = file.path
            log.debug("loaded %s", file.path)


def _load_annotation(store: ox.Store, path: Path, report: LoadReport) -> None:
    from kg.formats.annotation import convert
    from kg.namespaces import GRAPH
    from kg.store import Store

    annotation, quads = convert(Store(store), path)
    graph = GRAPH + annotation.source.id
    if graph in report.graph_files:
        raise DataError(
            f"{display_path(path)}: source {annotation.source.id!r} is already described in "
            f"{display_path(report.graph_files[graph])}; each source has one file"
        )
    store.extend(quads)
    report.graph_files[graph] = path


def locate_problems(problems: Sequence[Problem], graph_files: dict[str, Path], store: ox.Store) -> list[Problem]:
    """The problems, each found in a graph read from an annotation file pointed at the line of its record.

    The checks run on the built graph, where a claim is an IRI; the person fixing it needs the
    line in the YAML file it came from (``second.yaml:31`` rather than ``second.yaml``). A
    problem about an entity the file does not declare (the object of a relation whose range it
    does not fit) points at the first claim that names it, preferring one whose predicate the
    message names.
    """
    if not problems:
        return []  # a clean build does not import the annotation format (pydantic: 0.17 s)
    from kg.formats.annotation import record_lines

    files = {
        display_path(path): (graph, path) for graph, path in graph_files.items() if path.suffix in ANNOTATION_SUFFIXES
    }
    lines: dict[str, dict[str, int]] = {}
    located = []
    for problem in problems:
        if problem.where in files:
            graph, path = files[problem.where]
            if problem.where not in lines:
                lines[problem.where] = {compact(iri): line for iri, line in record_lines(path).items()}
            known = lines[problem.where]
            line = known.get(problem.focus) or _first_claim_line(store, graph, problem, known)
            if line:
                problem = dataclasses.replace(problem, where=f"{problem.where}:{line}")
        located.append(problem)
    return located


def _first_claim_line(store: ox.Store, graph: str, problem: Problem, lines: dict[str, int]) -> int | None:
    """The line of the first claim in ``graph`` naming the problem's focus; claims of a predicate the message
    names come first."""
    iri = expand(problem.focus)
    if iri is None:
        return None
    node, named = ox.NamedNode(iri), ox.NamedNode(graph)
    claims = []
    for role in (_SUBJECT, _OBJECT):
        for quad in store.quads_for_pattern(None, role, node, named):
            predicates = [q.object for q in store.quads_for_pattern(quad.subject, _PREDICATE, None, named)]
            named_in_message = any(f"{compact(p.value)} " in problem.message + " " for p in predicates)  # type: ignore[union-attr]
            if (line := lines.get(compact(quad.subject.value))) is not None:  # type: ignore[union-attr]
                claims.append((not named_in_message, line))
    return min(claims)[1] if claims else None


def _read_text(source: str, iri: str, sha256: str | None) -> str:
    """The verbatim text behind ``kg:text``, checked against the recorded hash."""
    parsed = urlparse(iri)
    if parsed.scheme != "file":
        raise DataError(f"{compact(source)}: kg:text must be a path relative to its data file, got <{iri}>")
    path = Path(unquote(parsed.path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(
            f"{compact(source)}: cannot read its text {display_path(path)}: {exc.strerror or exc}"
        ) from None
    if sha256 is not None and hashlib.sha256(raw).hexdigest() != sha256.lower():
        raise DataError(
            f"{compact(source)}: {display_path(path)} has changed since it was annotated (SHA-256 differs); "
            "restore the original text or re-check every quote and update kg:sha256"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{display_path(path)}: not UTF-8 text (byte {exc.start})") from None


def attach_texts(store: ox.Store, *, only: ox.NamedNode | None = None) -> int:
    """Add each source's text as ``kg:content`` in the source's graph (or just graph ``only``), so quotes
    can be checked in SPARQL."""
    quads = []
    bindings = {ox.Variable("graph"): only} if only is not None else None
    for row in store.query(queries.internal("internal/source-texts"), substitutions=bindings):
        sha = row["sha256"].value if row["sha256"] is not None else None
        text = _read_text(row["source"].value, row["text"].value, sha)
        quads.append(ox.Quad(row["source"], _CONTENT, ox.Literal(text), row["graph"]))
    store.extend(quads)
    return len(quads)
