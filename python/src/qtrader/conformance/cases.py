"""Loading conformance cases: case.yaml (checked against conformance/case.schema.json), inputs and expected batches."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from qtrader.contracts.base import ContractModel
from qtrader.contracts.validation import parse_event
from qtrader.errors import ConfigError, QTraderError
from qtrader.safe_yaml import load_yaml_file


@dataclass
class Case:
    service: str
    name: str
    path: Path
    description: str
    config: dict[str, Any]
    run_id: str | None
    ignore_fields: list[str]
    inputs: list[ContractModel]
    expected: list[dict[str, Any]] | None = None
    tags: list[str] = field(default_factory=list)

    @property
    def case_id(self) -> str:
        return f"{self.service}/{self.name}"


def find_cases_root(start: Path | None = None) -> Path:
    """conformance/cases in the current directory or a parent, else beside the installed package's repo."""
    here = (start or Path.cwd()).resolve()
    for candidate in [here, *here.parents, Path(__file__).resolve().parents[4]]:
        root = candidate / "conformance" / "cases"
        if root.is_dir():
            return root
    raise ConfigError("conformance/cases not found: run from the repository or pass --cases DIR")


def _schema(cases_root: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((cases_root.parent / "case.schema.json").read_text(encoding="utf-8"))
    return schema


def _read_jsonl(path: Path) -> list[Any]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not valid JSON: {exc}") from None
    return rows


def load_case(path: Path, schema: dict[str, Any], with_expected: bool = True) -> Case:
    meta_path = path / "case.yaml"
    if not meta_path.is_file():
        raise ConfigError(f"{path}: missing case.yaml")
    try:
        meta = load_yaml_file(meta_path)
        jsonschema.validate(meta, schema)
    except jsonschema.ValidationError as exc:
        raise ConfigError(f"{meta_path}: {'.'.join(map(str, exc.path)) or '(case)'}: {exc.message}") from None
    inputs = []
    for number, raw in enumerate(_read_jsonl(path / "input.jsonl"), 1):
        try:
            inputs.append(parse_event(raw))
        except QTraderError as exc:
            raise ConfigError(f"{path / 'input.jsonl'}:{number}: {exc}") from None
    expected = None
    if with_expected and (path / "expected.jsonl").exists():
        expected = _read_jsonl(path / "expected.jsonl")
        expected_schema = schema["$defs"]["ExpectedBatch"]
        for number, row in enumerate(expected, 1):
            try:
                jsonschema.validate(row, expected_schema)
            except jsonschema.ValidationError as exc:
                raise ConfigError(f"{path / 'expected.jsonl'}:{number}: {exc.message}") from None
    return Case(service=path.parent.name, name=path.name, path=path, description=meta["description"],
                config=meta.get("config") or {}, run_id=meta.get("run_id"), ignore_fields=meta.get("ignore_fields", []),
                inputs=inputs, expected=expected, tags=meta.get("tags", []))


def discover(cases_root: Path, service: str | None = None, pattern: str | None = None,
             with_expected: bool = True) -> list[Case]:
    schema = _schema(cases_root)
    found = []
    for service_dir in sorted(p for p in cases_root.iterdir() if p.is_dir()):
        if service and service_dir.name != service:
            continue
        for case_dir in sorted(p for p in service_dir.iterdir() if p.is_dir()):
            case_id = f"{service_dir.name}/{case_dir.name}"
            if pattern and not (fnmatch.fnmatch(case_id, pattern) or fnmatch.fnmatch(case_dir.name, pattern)):
                continue
            found.append(load_case(case_dir, schema, with_expected))
    return found
