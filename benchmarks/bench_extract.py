"""How long `kg extract` takes on a report of a given length, against the parser alone, in the same run.

The report is made of the development reports in ``tests/data/extraction/`` (real prose, several
styles), joined paragraph by paragraph until it has the asked number of words; the store is the
seed's (its gazetteer is read as `kg extract` reads it). Measured:

- **kg extract**: :func:`kg.ingest.extract.extract` end to end (names, parses, frames, dates),
  with the parser's dictionary already loaded (the first call of a process adds its load time,
  reported separately);
- **parser alone**: link-grammar on the same sentences with names as written, the baseline: the
  share of the time that is parsing rather than kg's own reading.

The issue's target is a 1,000-word report in under 10 s on this machine; nothing is asserted
here (``tests/test_benchmarks.py`` runs it on 150 words so it cannot rot). Run::

    .venv/bin/python -m benchmarks.bench_extract              # 1,000 words
    .venv/bin/python -m benchmarks.bench_extract --words 3000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import yaml

import kg
from kg.ingest import linkgrammar
from kg.ingest.extract import LINKAGES, extract, sentences

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "data" / "extraction"


def report(words: int) -> str:
    """Development reports' paragraphs, in a fixed order, until ``words`` words."""
    paragraphs = []
    count = 0
    for gold in sorted(REPORTS.glob("*.gold.yaml")):
        if yaml.safe_load(gold.read_text(encoding="utf-8")).get("half") != "development":
            continue
        for paragraph in gold.with_name(gold.name.removesuffix(".gold.yaml") + ".txt").read_text().split("\n\n"):
            if count >= words:
                break
            paragraphs.append(paragraph.strip())
            count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def measure(words: int, repeat: int) -> dict[str, float]:
    text = report(words)
    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "store"
        kg.build([ROOT / "ontology", ROOT / "data"], store_path=store_path)
        store = kg.open_store(store_path)
        started = time.perf_counter()
        candidates, unknown = extract(store, text)
        first = time.perf_counter() - started
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            extract(store, text)
            runs.append(time.perf_counter() - started)
    spans = [text[s:e] for s, e, _ in sentences(text)]
    parsing = []
    for _ in range(repeat):
        started = time.perf_counter()
        for sentence in spans:
            linkgrammar.parses(sentence, LINKAGES)
        parsing.append(time.perf_counter() - started)
    return {
        "words": len(text.split()),
        "sentences": len(spans),
        "candidates": len(candidates),
        "names": len(unknown),
        "first": first,
        "extract": statistics.median(runs),
        "parse": statistics.median(parsing),
    }


def table(m: dict[str, float]) -> str:
    ratio = m["extract"] / m["parse"] if m["parse"] else float("nan")
    met = "yes" if m["extract"] < 10 else "no"
    return "\n".join(
        [
            f"A {m['words']:,}-word report ({m['sentences']} sentences): {m['candidates']} candidate claims, "
            f"{m['names']} new names.",
            "",
            "| what | time | baseline | baseline time | ratio | target | met |",
            "|---|---:|---|---:|---:|---|---|",
            f"| `kg extract` (median, dictionary loaded) | {m['extract']:.2f} s "
            f"| link-grammar alone, {LINKAGES} linkages | {m['parse']:.2f} s | {ratio:.1f}x of it | < 10 s | {met} |",
            f"| `kg extract`, first call of a process | {m['first']:.2f} s |  |  |  |  |  |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(table(measure(args.words, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
