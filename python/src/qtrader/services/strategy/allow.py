"""Which strategy classes a served strategy service may load: the built-ins and what the operator allowed.

A strategy is code. Locally the run config names it and the person running it owns both; a served strategy
service receives its config from any client over gRPC, so a Reset naming ``/any/file.py:Class`` must not import
that file. The operator names at start-up what may run (``--allow module:Class`` or ``--allow path.py:Class``,
repeated, and ``--allow-dir DIR`` for every file under DIR); the check runs before anything is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from qtrader.errors import ConfigError, QTraderError
from qtrader.services.strategy.builtins import BUILTINS


class StrategyNotAllowed(QTraderError):
    """A client asked for a strategy the operator did not allow."""


def _split(name: str) -> tuple[str, str]:
    module_ref, sep, class_name = name.rpartition(":")
    if not sep or not module_ref or not class_name:
        raise ConfigError(f"strategy {name!r}: give a built-in, 'package.module:Class' or 'path/to/file.py:Class'")
    return module_ref, class_name


@dataclass(frozen=True)
class StrategyAllowList:
    """Modules by their dotted name, files by their resolved path, and folders whose files are all allowed."""

    modules: frozenset[tuple[str, str]] = frozenset()
    files: frozenset[tuple[Path, str]] = frozenset()
    dirs: tuple[Path, ...] = ()

    @classmethod
    def of(cls, allow: Iterable[str] = (), allow_dirs: Iterable[str | Path] = (), cwd: Path | None = None
           ) -> "StrategyAllowList":
        """From the command line: relative paths are the operator's, resolved against ``cwd``."""
        here = cwd or Path.cwd()
        modules, files = set(), set()
        for name in allow:
            module_ref, class_name = _split(name)
            if module_ref.endswith(".py"):
                files.add(((here / module_ref).resolve(), class_name))
            else:
                modules.add((module_ref, class_name))
        dirs = []
        for folder in allow_dirs:
            path = (here / folder).resolve()
            if not path.is_dir():
                raise ConfigError(f"--allow-dir {folder}: not a folder")
            dirs.append(path)
        return cls(frozenset(modules), frozenset(files), tuple(dirs))

    def permits(self, name: str, base_dir: Path) -> bool:
        """May the strategy ``name`` (as a config names it, relative paths against ``base_dir``) be loaded?"""
        if name in BUILTINS:
            return True
        if ":" not in name:
            return False
        module_ref, _, class_name = name.rpartition(":")
        if not module_ref.endswith(".py"):
            return (module_ref, class_name) in self.modules
        path = Path(module_ref)
        resolved = (path if path.is_absolute() else base_dir / path).resolve()
        if (resolved, class_name) in self.files:
            return True
        return any(resolved.is_relative_to(folder) for folder in self.dirs)

    def check(self, config: Mapping[str, Any]) -> None:
        """Refuse a strategy service config that names any strategy not allowed (nothing is imported)."""
        entries = config.get("strategies")
        base_dir = Path(str(config.get("base_dir", ".")))
        for entry in entries if isinstance(entries, list) else []:
            name = entry.get("name") if isinstance(entry, Mapping) else None
            if isinstance(name, str) and not self.permits(name, base_dir):
                allowed = sorted(BUILTINS) + sorted(f"{m}:{c}" for m, c in self.modules) + \
                    sorted(f"{f}:{c}" for f, c in self.files) + [f"{d}/*" for d in self.dirs]
                raise StrategyNotAllowed(
                    f"strategy {name[:200]!r} is not allowed on this server; it loads only "
                    f"{', '.join(allowed)} (start it with --allow MODULE:CLASS or --allow-dir DIR)")
