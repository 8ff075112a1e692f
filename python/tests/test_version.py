"""`qtrader --version` prints the version python/pyproject.toml declares (its one home)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import qtrader
from qtrader.cli import main as cli_main

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_version_is_the_packages(capsys):
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["version"]
    with pytest.raises(SystemExit) as exit_:
        cli_main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"qtrader {declared}"
    assert qtrader.__version__ == declared
