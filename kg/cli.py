"""The ``kg`` command: a thin shell over the library.

Each command parses its options, calls one library function and formats the result. Library
errors (:class:`kg.errors.KGError`) become one line on stderr and exit status 1; anything
unexpected does too, with ``--debug`` to see the traceback. Heavy libraries are imported
inside the commands so ``kg --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import datetime as dt

    from kg.results import GraphResult, SelectResult
    from kg.store import Store

__all__ = ["cli", "main"]

SELECT_FORMATS = ("table", "md", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "trig")
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
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(
                f"internal error: {type(exc).__name__}: {exc} (run `kg --debug ...` for the traceback)"
            ) from None


def _store_option_path(ctx: click.Context) -> Path | None:
    return ctx.obj.get("store") if ctx.obj else None


def _open(ctx: click.Context) -> Store:
    from kg.store import open_store

    return open_store(_store_option_path(ctx))


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
    sys.stdout.buffer.write(data)
    if not data.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


def _readable_columns(variables: Sequence[str]) -> list[str]:
    """For the table view: a label column stands in for the IRI column it labels (``actor`` + ``actorLabel``)."""
    return [v for v in variables if f"{v}Label" not in variables]


def _print_select(result: SelectResult, fmt: str, *, columns: Sequence[str] | None = None) -> None:
    from kg.results import ResultFormat

    machine = {"csv": ResultFormat.CSV, "tsv": ResultFormat.TSV, "json": ResultFormat.JSON, "xml": ResultFormat.XML}
    if fmt in machine:
        _emit_bytes(result.serialize(machine[fmt]))
        return
    if fmt in GRAPH_FORMATS:
        raise click.UsageError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE results; use one of {', '.join(SELECT_FORMATS)}"
        )
    headers = list(columns or _readable_columns(result.variables))
    index = [result.variables.index(h) for h in headers]
    rows = [[row[i] for i in index] for row in result.display_rows()]
    _print_rows(headers, rows, fmt)
    if fmt == "table":
        click.echo(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", err=True)


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


def _print_result(result: SelectResult | GraphResult | bool, fmt: str) -> None:
    from kg.results import SelectResult

    if isinstance(result, bool):
        if fmt == "json":
            click.echo(json.dumps({"head": {}, "boolean": result}))
        else:
            click.echo("true" if result else "false")
    elif isinstance(result, SelectResult):
        _print_select(result, fmt)
    else:
        _print_graph(result, fmt)


def format_option(choices: Sequence[str], default: str = "table") -> Callable:
    """The shared ``--format`` option."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help="Output format."
    )


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KG_STORE",
    help="Store directory (default: $KG_STORE, else .kg/ in the project).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.version_option(package_name="kg")
@click.pass_context
def cli(ctx: click.Context, store: Path | None, debug: bool) -> None:
    """Conflict reporting as a knowledge graph you can defend: every relation carries its quote,
    source, claimant, date and reliability grade.

    \b
    Example:
        kg build && kg query allies --param actor=Assad
    """
    ctx.ensure_object(dict)
    ctx.obj["store"] = store
    ctx.obj["debug"] = debug
    if debug:
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--shapes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="SHACL shapes (default: a *shapes.ttl among PATHS, else ontology/shapes.ttl).",
)
@click.option("--skip-validation", is_flag=True, help="Skip SHACL and evidence checks (faster; for trusted input).")
@click.pass_context
def build(ctx: click.Context, paths: tuple[Path, ...], shapes: Path | None, skip_validation: bool) -> None:
    """Build the store from RDF files: parse, attach source texts, validate, infer, swap in.

    PATHS default to the project's ontology/ and data/. The new store replaces the old one
    only when everything succeeded.

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
@click.option(
    "--shapes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="SHACL shapes (default: a *shapes.ttl among PATHS, else ontology/shapes.ttl).",
)
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
@format_option(SELECT_FORMATS + GRAPH_FORMATS)
@click.pass_context
def query(ctx: click.Context, query: str | None, sparql: str | None, params: tuple[str, ...], fmt: str) -> None:
    """Run a saved query by NAME, a .rq FILE, or SPARQL from stdin (-) or --sparql.

    Queries see the union of all graphs (every source, the gazetteer, inferred triples);
    use GRAPH to reach one source. Common prefixes (kg:, kge:, rdfs:, prov:, oa: ...) need no
    PREFIX lines. `kg queries` lists the saved queries and their parameters.

    \b
    Example:
        kg query allies --param actor=Assad
        kg query --sparql 'SELECT ?who WHERE { ?who kg:captured kge:homs }' --format csv
    """
    if (query is None) == (sparql is None):
        raise click.UsageError("give a saved query NAME, a .rq FILE, - for stdin, or --sparql TEXT (exactly one)")
    text = sparql if sparql is not None else (sys.stdin.read() if query == "-" else query)
    assert text is not None
    result = _open(ctx).query(text, **_parse_params(params))
    _print_result(result, fmt)


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
@format_option(SELECT_FORMATS)
@click.pass_context
def claims(ctx: click.Context, fmt: str) -> None:
    """The evidence table: one row per claim, with quote, offsets, source, claimant, date and grade.

    The table view shows the main columns; csv, tsv, json and xml carry every column
    (IRIs and labels of subject, predicate and object, offsets, source, precision, reason).

    \b
    Example:
        kg claims
        kg claims --format csv > claims.csv
    """
    from kg.results import SelectResult

    result = _open(ctx).query("claims")
    assert isinstance(result, SelectResult)
    _print_select(result, fmt, columns=CLAIM_TABLE_COLUMNS if fmt in ("table", "md") else None)


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
@click.option("--min-reliability", metavar="GRADE", help="Only claims graded this well or better (e.g. B2).")
@click.option("--inferred", is_flag=True, help="Draw inferred relations too (dashed).")
@click.option("--title", help="Page title (default: kg graph).")
@click.option(
    "--size-by", type=click.Choice(("degree", "pagerank")), default="degree", show_default=True, help="Node size."
)
@click.pass_context
def viz(
    ctx: click.Context,
    output: Path,
    ego: str | None,
    radius: int,
    predicates: tuple[str, ...],
    types: tuple[str, ...],
    as_of: dt.datetime | None,
    min_reliability: str | None,
    inferred: bool,
    title: str | None,
    size_by: str,
) -> None:
    """Write the graph as one interactive HTML file: offline, self-contained, safe to e-mail.

    Nodes are coloured and shaped by entity type, edges coloured by predicate; hover for a
    summary, click for the evidence (quotes, source, claimant, date, grade). The page has a
    search box, filters by type, relation and reliability, and a time slider. Predicates and
    classes may be given without the kg: prefix.

    \b
    Example:
        kg viz -o graph.html
        kg viz --ego HTS --radius 2 --inferred -o hts.html
        kg viz --predicate captured --predicate controls --as-of 2024-12-07 -o control.html
    """
    from kg.viz import draw

    drawing = draw(
        _open(ctx),
        ego=ego,
        radius=radius,
        predicates=predicates or None,
        types=types or None,
        as_of=as_of.date() if as_of else None,
        min_reliability=min_reliability,
        inferred=inferred,
        title=title,
        size_by=size_by,
    )
    if str(output) == "-":
        click.echo(drawing.html, nl=False)
        return
    drawing.save(output)
    size = len(drawing.html.encode("utf-8"))
    click.echo(f"Wrote {output}: {drawing.nodes:,} entities, {drawing.edges:,} relations, {size / 1024:,.0f} KiB")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``kg`` console script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="kg")
