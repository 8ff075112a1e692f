"""Every config goes through one YAML loader that bounds size, depth and alias expansion."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from qtrader.engine.config import load_run_config
from qtrader.errors import ConfigError
from qtrader.safe_yaml import load_yaml
from qtrader.services.manager.policy import load_policy

#: 9 levels of 9 aliases: 9**9 values once expanded, in under 500 bytes.
BOMB = "\n".join(["a: &a [x,x,x,x,x,x,x,x,x]"] + [
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)])


def test_aliases_within_bounds_are_read():
    assert load_yaml("base: &b {fast: 10}\nother: *b\n", "x") == {"base": {"fast": 10}, "other": {"fast": 10}}


@pytest.mark.parametrize("text, message", [
    (BOMB, "expands to more than 200,000 values"),
    ("a: &a [*a]", "recursive alias"),
    ("[" * 3000 + "]" * 3000, "nested more than 64 levels deep"),
    ("x" * (2 << 20), "more than a config may hold"),
    ("a: [1, 2", "not valid YAML"),
])
def test_hostile_yaml_is_a_short_config_error_at_once(text: str, message: str):
    start = time.monotonic()
    with pytest.raises(ConfigError, match=message) as caught:
        load_yaml(text, "where.yaml")
    assert time.monotonic() - start < 2 and len(str(caught.value)) < 1200
    assert str(caught.value).startswith("where.yaml: ")


def test_run_configs_and_policy_files_use_it(tmp_path: Path):
    path = tmp_path / "run.yaml"
    path.write_text(BOMB)
    with pytest.raises(ConfigError, match="run.yaml: the YAML expands to more than"):
        load_run_config(path)
    with pytest.raises(ConfigError, match="policy.yaml: the YAML expands to more than"):
        (tmp_path / "policy.yaml").write_text(BOMB)
        load_policy("policy.yaml", tmp_path)
