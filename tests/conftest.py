"""Shared fixtures: a store built once from the real project data, and throwaway copies of the inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg
from tests.helpers import ROOT, add_second_report, build_synthetic, input_paths, shapes_of


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from ontology/ and data/ by the real build, shared by read-only tests."""
    path = tmp_path_factory.mktemp("store") / "kg"
    kg.build(store_path=path)
    return path


@pytest.fixture(scope="session")
def store(built_store: Path) -> kg.Store:
    return kg.open_store(built_store)


@pytest.fixture(scope="session")
def falls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the seed and the second report (Damascus falls, Manbij contested) and the
    store built from it, as ``data/`` and ``store/``; read-only for the tests that share it."""
    root = tmp_path_factory.mktemp("falls")
    shutil.copytree(ROOT / "data", root / "data")
    add_second_report(root / "data")
    kg.build([ROOT / "ontology", root / "data"], store_path=root / "store")
    return root


@pytest.fixture(scope="session")
def falls_store(falls: Path) -> kg.Store:
    return kg.open_store(falls / "store")


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> kg.Store:
    """20,000 synthetic triples (``kg synth`` seed 1: hubs, many claims per relation, dates over two
    years) and the project's data; read-only, for the tests that compare answers before and after a
    rewrite."""
    return kg.open_store(build_synthetic(tmp_path_factory.mktemp("synthetic"), triples=20_000, seed=1))


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless and offline, driven by Playwright: one per test module, closed after it
    (Playwright's sync API allows one running instance, and the benchmark smoke test starts its own)."""
    from tests.browser import CHROMIUM, chromium

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    with chromium() as running:
        yield running


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> kg.Store:
    """The project's data plus a source whose label, quote, title and claimant are all markup."""
    from tests.browser import hostile_source

    root = tmp_path_factory.mktemp("hostile")
    for name in ("ontology", "data"):
        shutil.copytree(ROOT / name, root / name)
    hostile_source(root / "data")
    kg.build(input_paths(root), store_path=root / "store", shapes=shapes_of(root))
    return kg.open_store(root / "store")


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of ontology/ and data/ that a test may break, as the working directory."""
    for name in ("ontology", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
