"""Shared fixtures: a store built once from the real project data, and throwaway copies of the inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg
from tests.helpers import ROOT


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from ontology/ and data/ by the real build, shared by read-only tests."""
    path = tmp_path_factory.mktemp("store") / "kg"
    kg.build(store_path=path)
    return path


@pytest.fixture(scope="session")
def store(built_store: Path) -> kg.Store:
    return kg.open_store(built_store)


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of ontology/ and data/ that a test may break, as the working directory."""
    for name in ("ontology", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
