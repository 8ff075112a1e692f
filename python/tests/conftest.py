"""Shared test fixtures: where the repository's files are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_DATA = REPO / "python" / "examples" / "data"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
