"""Find a strategy class by name: a built-in, ``package.module:Class``, or ``path/to/file.py:Class``."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from pathlib import Path

from qtrader.errors import ConfigError
from qtrader.services.strategy.builtins import BUILTINS


def load_strategy_class(name: str, base_dir: Path = Path(".")) -> type:
    if name in BUILTINS:
        return BUILTINS[name]
    if ":" not in name:
        raise ConfigError(f"unknown strategy {name!r}: not a built-in ({', '.join(sorted(BUILTINS))}); "
                          "for your own, give 'package.module:ClassName' or 'path/to/file.py:ClassName'")
    module_ref, _, class_name = name.rpartition(":")
    if module_ref.endswith(".py"):
        path = Path(module_ref)
        path = path if path.is_absolute() else base_dir / path
        if not path.exists():
            raise ConfigError(f"strategy {name!r}: file not found: {path}")
        spec = importlib.util.spec_from_file_location(f"qtrader_user_strategy_{path.stem}", path)
        if spec is None or spec.loader is None:  # a .py path always has a spec with a source loader
            raise ConfigError(f"strategy {name!r}: cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # the user's module failed to import: say where
            raise ConfigError(f"strategy {name!r}: importing {path} failed: {type(exc).__name__}: {exc}") from exc
    else:
        try:
            module = importlib.import_module(module_ref)
        except ImportError as exc:
            raise ConfigError(f"strategy {name!r}: cannot import module {module_ref!r}: {exc}") from None
    cls = getattr(module, class_name, None)
    if cls is None or not inspect.isclass(cls):
        raise ConfigError(f"strategy {name!r}: {module_ref} has no class {class_name!r}")
    if not callable(getattr(cls, "on_bar", None)):
        raise ConfigError(f"strategy {name!r}: {class_name} has no on_bar(bar, ctx) method")
    return cls
