"""The command line: exact output for users and scripts, one-line errors, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg import queries
from kg.cli import cli


@pytest.fixture
def run(built_store: Path):
    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, ["--store", str(built_store), *args], input=input)

    return invoke


def test_query_csv_is_the_w3c_format(run) -> None:
    result = run("query", "withdrew-to", "--param", "actor=Hezbollah", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["actorLabel"], r["placeLabel"]) for r in rows] == [
        ("Hezbollah", "Hermel region"),
        ("Hezbollah", "Latakia"),
    ]
    assert rows[1]["place"] == "https://w3id.org/conflict-kg/id/latakia"
    assert rows[1]["quote"] == "Fighter units were reported heading to strongholds in Latakia, Syria"


def test_query_json_is_the_w3c_format(run) -> None:
    result = run("query", "allies", "-p", "actor=Q44329", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["head"]["vars"][:3] == ["actor", "ally", "allyLabel"]
    allies = {b["allyLabel"]["value"] for b in data["results"]["bindings"]}
    assert allies == {"Russia", "Iran"}
    assert data["results"]["bindings"][0]["ally"]["type"] == "uri"


def test_query_table_shows_labels_and_counts_rows(run) -> None:
    result = run("query", "sheltered", "--param", "host=Iraq")
    assert result.exit_code == 0
    assert "fleeing Syrian soldiers" in result.stdout and "Iraqi state media" in result.stdout
    assert "kge:fleeing-syrian-soldiers" not in result.stdout  # the label column replaces the IRI column
    assert result.stderr == "2 rows\n"


def test_query_markdown(run) -> None:
    result = run("query", "--sparql", "SELECT ?place WHERE { kge:hts kg:captured ?place }", "--format", "md")
    assert result.output == "| place |\n|---|\n| kge:homs |\n"


def test_ask_and_construct(run) -> None:
    assert run("query", "--sparql", "ASK { kge:hts kg:captured kge:homs }").output == "true\n"
    turtle = run("query", "--sparql", "CONSTRUCT WHERE { kge:hts kg:captured ?p }").output
    assert turtle.strip().endswith("kge:hts kg:captured kge:homs .")
    nt = run("query", "--sparql", "CONSTRUCT WHERE { kge:hts kg:captured ?p }", "--format", "nt").output
    assert (
        nt == "<https://w3id.org/conflict-kg/id/hts> <https://w3id.org/conflict-kg/ontology#captured> "
        "<https://w3id.org/conflict-kg/id/homs> .\n"
    )


def test_query_from_stdin_and_file(run, tmp_path: Path) -> None:
    text = "SELECT ?ally WHERE { kge:hezbollah kg:alliedWith ?ally }"
    assert run("query", "-", "--format", "csv", input=text).output == (
        "ally\nhttps://w3id.org/conflict-kg/id/syrian-government\n"
    )
    file = tmp_path / "mine.rq"
    file.write_text(text, encoding="utf-8")
    assert (
        run("query", str(file), "--format", "tsv").output
        == "?ally\n<https://w3id.org/conflict-kg/id/syrian-government>\n"
    )


def test_claims_table_and_csv(run) -> None:
    table = run("claims")
    assert table.exit_code == 0 and table.stderr == "62 rows\n"
    markdown = run("claims", "--format", "md").stdout.splitlines()
    assert (
        markdown[0]
        == "| claim | subjectLabel | predicateLabel | objectLabel | asserted | quote | claimant | date | reliability |"
    )
    assert (
        "| kgc:syrian-rebels-advance-47 | Russia | allied with | Bashar al-Assad | true | Standing firmly by Assad are "
        "Russia and Iran | author of the seed article |  | C1 |"
    ) in markdown
    rows = list(csv.DictReader(io.StringIO(run("claims", "--format", "csv").stdout)))
    assert len(rows) == 62
    assert set(rows[0]) >= {
        "subject",
        "subjectLabel",
        "predicate",
        "predicateLabel",
        "object",
        "objectLabel",
        "quote",
        "start",
        "end",
        "source",
        "claimant",
        "date",
        "reliability",
    }


def test_stats_json(run) -> None:
    data = json.loads(run("stats", "--format", "json").stdout)
    assert data["totals"]["claims"] == 62 and data["totals"]["sources"] == 1
    assert data["totals"]["assertedClaims"] + data["totals"]["unassertedClaims"] == 62
    by_predicate = {r["predicate"]: r for r in data["relations by predicate"]}
    assert by_predicate["kg:alliedWith"]["assertedTriples"] == 5
    assert by_predicate["kg:alliedWith"]["inferredTriples"] == 5
    types = {r["type"]: r["entities"] for r in data["entities by type"]}
    assert types["kg:ArmedGroup"] == 3


def test_queries_lists_saved_queries_with_parameters(run) -> None:
    output = run("queries").stdout
    for name in ("allies", "claims", "sheltered", "who-captured", "withdrew-to"):
        assert name in output
    assert "actor (entity)" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "allies", "-p", "actor=Asad"],
            "Error: parameter actor: no entity is called 'Asad'; "
            "did you mean: Bashar al-Assad (kge:bashar-al-assad)?\n",
        ),
        (["query", "allies"], "Error: allies needs --param actor=... (entity: the actor whose allies to list)\n"),
        (
            ["query", "allies", "-p", "side=x"],
            "Error: allies has no parameter side; its parameters: actor (entity), [as_of (date)], "
            "[dated_only (boolean)]\n",
        ),
        (
            ["query", "no-such-query"],
            "Error: no saved query named 'no-such-query'; known queries: " + ", ".join(queries.catalog()) + "\n",
        ),
        (
            ["query", "--sparql", "SELECT * WHERE { ?s ?p }"],
            "Error: <query>:1:25: SPARQL syntax error: expected one of LATERAL, SERVICE, [_]\n",
        ),
        (["query", "--sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--format", "ttl"], None),
        (["query"], None),
    ],
)
def test_errors_are_one_line(run, args: list[str], message: str | None) -> None:
    result = run(*args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    if message is not None:
        assert result.stderr == message


def test_ambiguous_entity_lists_the_candidates(built_store: Path, tmp_path: Path) -> None:
    # Two entities share the alias "Syrian soldiers" only in this extra source, so build a copy.
    extra = tmp_path / "extra.trig"
    extra.write_text(
        "@prefix kg: <https://w3id.org/conflict-kg/ontology#> . @prefix kge: <https://w3id.org/conflict-kg/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/conflict-kg/graph/extra> {\n"
        ' kge:syrian-army a kg:MilitaryUnit ; rdfs:label "Syrian Arab Army"@en ;'
        ' skos:altLabel "Syrian soldiers"@en . }\n',
        encoding="utf-8",
    )
    from tests.helpers import ROOT

    store = tmp_path / "s"
    build = CliRunner().invoke(
        cli, ["--store", str(store), "build", str(ROOT / "ontology"), str(ROOT / "data"), str(extra)]
    )
    assert build.exit_code == 0, build.output
    result = CliRunner().invoke(cli, ["--store", str(store), "query", "sheltered", "-p", "host=Syrian soldiers"])
    assert result.stderr == (
        "Error: parameter host: 'Syrian soldiers' names 2 entities: kge:fleeing-syrian-soldiers, "
        "kge:syrian-army; pass one of these ids instead\n"
    )


def test_validate_passes_on_the_project_data() -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "OK: 3 files, 62 claims from 1 source, no problems\n"


def test_build_prints_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Built {tmp_path / 's'}: ")
    assert "from 3 files; 62 claims from 1 source, validated in" in result.stdout


def test_the_console_script_reports_a_malformed_file_in_one_line(tmp_path: Path, built_store: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;\nex:d .\n", encoding="utf-8")
    kg_script = Path(sys.executable).with_name("kg")
    env = {**os.environ, "KG_STORE": str(built_store)}
    done = subprocess.run([str(kg_script), "build", str(bad)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: bad.ttl:3:")
    after = subprocess.run(
        [str(kg_script), "query", "--sparql", "ASK { kge:hts kg:captured kge:homs }"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert after.stdout == "true\n"  # the previous store still answers


@pytest.mark.parametrize(
    ("command", "first_line"),
    [
        (["export", "--format", "nt", "-o", "-"], b"<https://w3id.org/conflict-kg/"),
        # streamed as it comes, a row at a time, so the reader can leave in the middle
        (
            ["query", "--sparql", "SELECT ?n ?s WHERE { VALUES ?n { 1 2 3 4 5 6 7 8 } ?s ?p ?o }", "--format", "csv"],
            b"n,s",
        ),
    ],
)
def test_output_piped_into_head_ends_quietly(built_store: Path, command: list[str], first_line: bytes) -> None:
    kg_script = Path(sys.executable).with_name("kg")
    env = {**os.environ, "KG_STORE": str(built_store)}
    with subprocess.Popen(
        [str(kg_script), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as producer:
        first = producer.stdout.readline()
        producer.stdout.close()  # what `head -1` does
        stderr = producer.stderr.read().decode()
        code = producer.wait()
    assert first.startswith(first_line)
    assert code == 141 and stderr == ""


def test_export_to_stdout_is_the_whole_file(tmp_path: Path, built_store: Path) -> None:
    kg_script = Path(sys.executable).with_name("kg")
    env = {**os.environ, "KG_STORE": str(built_store)}
    piped = subprocess.run([str(kg_script), "export", "--format", "graphml", "-o", "-"], capture_output=True, env=env)
    saved = subprocess.run(
        [str(kg_script), "export", "--format", "graphml", "-o", str(tmp_path / "g.graphml")],
        capture_output=True,
        env=env,
    )
    assert piped.returncode == saved.returncode == 0 and piped.stderr == b""
    assert piped.stdout == (tmp_path / "g.graphml").read_bytes() and piped.stdout.rstrip().endswith(b"</graphml>")
    assert list(tmp_path.iterdir()) == [tmp_path / "g.graphml"]


def test_help_is_fast_to_import() -> None:
    heavy = ("rdflib", "pandas", "pyshacl", "networkx", "pyvis", "igraph", "jinja2", "http.client", "email")
    heavy += ("pyoxigraph", "kg.store", "kg.build")  # `kg --help` needs none of the library
    code = f"import sys, kg.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_a_clean_build_imports_no_table_or_annotation_library(tmp_path: Path) -> None:
    """`kg build` of the seed takes about 0.3 s: pandas (the ends of holds once used it) or pydantic (the
    annotation format, needed only to point a problem at its line) would add 0.2-0.6 s to every build."""
    from tests.helpers import ROOT

    heavy = ("pandas", "numpy", "pydantic", "rdflib", "pyshacl", "networkx")
    code = (
        "import sys; from kg.cli import main\n"
        f"try: main(['--store', {str(tmp_path / 'store')!r}, 'build'])\n"
        "except SystemExit as exit: assert not exit.code, exit.code\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.splitlines()[-1] == "[]" and (tmp_path / "store" / "live").exists()


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def test_every_command_has_help_with_an_example() -> None:
    commands = dict(_commands(cli))
    assert ("analyze", "path") in commands
    for path, command in commands.items():
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, path
        assert command.help and command.help.strip(), path
