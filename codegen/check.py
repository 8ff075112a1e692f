"""`make codegen-check`: regenerate into a temporary place and fail on any difference from what is committed."""

from __future__ import annotations

import difflib
import filecmp
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_go import GO_GENERATED, go_tool  # noqa: E402
from generate import GENERATED_PATHS, GO_CONFIG, generate  # noqa: E402
from schema_set import REPO  # noqa: E402


def files_under(root: Path, rel: Path) -> set[Path]:
    base = root / rel
    if not base.exists():
        return set()
    return {p.relative_to(root) for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh_root = Path(tmp)
        (fresh_root / "contracts").mkdir()
        generate(fresh_root)
        problems = []
        go_only = (GO_GENERATED, GO_CONFIG)  # protoc-gen-go and gofmt need Go
        checked = tuple(p for p in GENERATED_PATHS if p not in go_only) + (go_only if go_tool() else ())
        for rel in checked:
            committed, fresh = files_under(REPO, rel), files_under(fresh_root, rel)
            for path in sorted(fresh - committed):
                problems.append(f"missing (run `make codegen`): {path}")
            for path in sorted(committed - fresh):
                problems.append(f"stale, not generated any more: {path}")
            for path in sorted(committed & fresh):
                if not filecmp.cmp(REPO / path, fresh_root / path, shallow=False):
                    old = (REPO / path).read_text(encoding="utf-8").splitlines()
                    new = (fresh_root / path).read_text(encoding="utf-8").splitlines()
                    diff = list(difflib.unified_diff(old, new, f"committed/{path}", f"generated/{path}", lineterm=""))
                    problems.append(f"differs: {path}\n" + "\n".join(diff[:40]))
    if problems:
        print("codegen-check FAILED: generated code differs from contracts/schemas:")
        print("\n".join(problems))
        return 1
    print("codegen-check: generated code matches contracts/schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
