"""Dotted-key overrides of a run config, applied to the raw mapping before it is validated.

``strategies.0.params.fast=5`` sets ``raw["strategies"][0]["params"]["fast"]``: a number indexes a list, anything
else names a mapping key. Every step but the last must already exist (a typo is an error naming the key, not a new
section); the last may add a key to a mapping, which the config validation then accepts or refuses as usual. The
CLI's ``--set`` and the future Python API (``qtrader.backtest(config, **overrides)``) share this one rule.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable, Mapping

from qtrader.errors import ConfigError
from qtrader.safe_yaml import load_yaml


def parse_assignment(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` as given to ``--set``: the value is read as YAML (``5`` an int, ``"5"`` a string, ``true``...)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {text}: expected KEY=VALUE, e.g. strategies.0.params.fast=5")
    return key.strip(), load_yaml(value, f"--set {key.strip()}")


def apply_overrides(raw: Mapping[str, Any], overrides: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """A copy of ``raw`` with each ``(dotted.key, value)`` set in order; ``raw`` itself is left unchanged."""
    result: dict[str, Any] = copy.deepcopy(dict(raw))
    for key, value in overrides:
        _set(result, key, value)
    return result


def _set(root: dict[str, Any], key: str, value: Any) -> None:
    steps = key.split(".")
    if any(not step for step in steps):
        raise ConfigError(f"override {key}: an empty step in the dotted key")
    node: Any = root
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        where = ".".join(steps[:depth]) or "the config"
        if isinstance(node, list):
            if not step.isdigit():
                raise ConfigError(f"override {key}: {where} is a list: {step!r} is not an index")
            index = int(step)
            if index >= len(node):
                raise ConfigError(f"override {key}: index {index} is out of range ({where} has {len(node)} items)")
            if last:
                node[index] = value
            node = node[index]
        elif isinstance(node, dict):
            if last:
                node[step] = value
            elif step not in node:
                known = ", ".join(sorted(map(str, node))) or "none"
                raise ConfigError(f"override {key}: {where} has no key {step!r} (it has: {known})")
            else:
                node = node[step]
        else:
            raise ConfigError(f"override {key}: {where} is a value ({node!r}), not a section or a list")
