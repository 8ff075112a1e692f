"""The one YAML loader every config goes through: bounded in size, in nesting and in what aliases can expand to.

``yaml.safe_load`` builds no objects from tags, but an alias still points at a whole node, so a few hundred bytes
of nested aliases (a "billion laughs") expand to billions of values the moment anything walks the result (a
Pydantic validation, ``json.dumps``, an error message). Here the composed node graph is measured before it is
built into Python values: the values it would expand to are counted once per node (memoised), so the check is
linear in the document, and a document over the limit is a ConfigError naming it. Recursive aliases are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from qtrader.errors import ConfigError, bounded

#: A config file or a service config text may not be longer than this.
MAX_CONFIG_BYTES = 1 << 20
#: Nor expand (aliases followed) to more values than this.
MAX_CONFIG_VALUES = 200_000
#: Nor nest deeper than this (PyYAML composes recursively: a deep document would take seconds to refuse).
MAX_CONFIG_DEPTH = 64


def _check_depth(text: str, limit: int, where: str) -> None:
    """Refuse a document nested deeper than ``limit``, from the event stream (flat: no recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > limit:
                raise ConfigError(f"{where}: the YAML is nested more than {limit} levels deep")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _expanded(root: Node, limit: int, where: str) -> int:
    """How many values the node graph expands to; a ConfigError past ``limit`` or on a recursive alias."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in open_nodes:
            raise ConfigError(f"{where}: a YAML alias refers to a node that contains it (recursive alias)")
        open_nodes.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        if total > limit:
            raise ConfigError(f"{where}: the YAML expands to more than {limit:,} values (aliases followed); "
                              "a config is never that large")
        sizes[key] = total
        return total

    return size(root)


def load_yaml(text: str | bytes, where: str, *, max_bytes: int = MAX_CONFIG_BYTES,
              max_values: int = MAX_CONFIG_VALUES) -> Any:
    """Parse one YAML (or JSON) document under the limits; errors are ConfigErrors that name ``where``."""
    if len(text) > max_bytes:
        raise ConfigError(f"{where}: {len(text):,} bytes is more than a config may hold ({max_bytes:,})")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    try:
        _check_depth(text, MAX_CONFIG_DEPTH, where)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {_bounded_yaml_error(exc)}") from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded(node, max_values, where)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {_bounded_yaml_error(exc)}") from None
    except RecursionError:  # not reached under MAX_CONFIG_DEPTH; kept as the last line of defence
        raise ConfigError(f"{where}: the YAML is nested too deeply") from None
    finally:
        loader.dispose()


def load_yaml_file(path: Path, where: str | None = None, **limits: int) -> Any:
    """``load_yaml`` of a file's text; a missing or unreadable file is a ConfigError."""
    label = where or str(path)
    try:
        size = path.stat().st_size
        max_bytes = limits.get("max_bytes", MAX_CONFIG_BYTES)
        if size > max_bytes:
            raise ConfigError(f"{label}: {size:,} bytes is more than a config may hold ({max_bytes:,})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{label}: is a folder, not a config file") from None
    return load_yaml(data, label, **limits)


def _bounded_yaml_error(exc: yaml.YAMLError) -> str:
    """PyYAML's message with its excerpt of the document cut short (the excerpt can be a whole long line)."""
    return bounded(str(exc))
