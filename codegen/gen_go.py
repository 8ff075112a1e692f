"""Go bindings of contracts/proto/qtrader/v1/pipeline.proto: messages (protoc-gen-go) and the gRPC service
(protoc-gen-go-grpc), written to go/gen/qtraderv1/ (the proto's go_package is "qtrader/go/gen/qtraderv1").

The two protoc plugins are installed at pinned versions into build/go-bin with `go install` (from the Go module
proxy, once; later runs reuse them when their --version matches), and grpcio-tools' bundled protoc runs them, so
no system protoc is needed. The output is deterministic: the headers name the plugin versions and the protoc
version grpcio-tools reports. Without a Go toolchain on PATH nothing is generated and the caller says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from schema_set import REPO

#: Pinned plugin versions. protoc-gen-go must match the google.golang.org/protobuf version in go/go.mod.
PROTOC_GEN_GO = "v1.36.12"
PROTOC_GEN_GO_GRPC = "v1.6.2"

GO_GENERATED = Path("go/gen/qtraderv1")
GO_MODULE = "qtrader/go"
BIN_DIR = REPO / "build" / "go-bin"
PLUGINS = {
    "protoc-gen-go": ("google.golang.org/protobuf/cmd/protoc-gen-go", PROTOC_GEN_GO),
    "protoc-gen-go-grpc": ("google.golang.org/grpc/cmd/protoc-gen-go-grpc", PROTOC_GEN_GO_GRPC),
}
NO_GO = "go not found: Go bindings not regenerated/checked"


def go_tool() -> str | None:
    """The `go` command on PATH, or None."""
    return shutil.which("go")


def _installed_version(binary: Path) -> str:
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.strip().split()[-1].lstrip("v") if out.strip() else ""


def install_plugins(go: str) -> dict[str, Path]:
    """`GOBIN=build/go-bin go install <plugin>@<pinned version>` unless that version is already there."""
    BIN_DIR.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (package, version) in PLUGINS.items():
        binary = BIN_DIR / name
        if _installed_version(binary) != version.lstrip("v"):
            env = {**os.environ, "GOBIN": str(BIN_DIR)}
            subprocess.run([go, "install", f"{package}@{version}"], check=True, env=env)
            if _installed_version(binary) != version.lstrip("v"):
                raise SystemExit(f"codegen: {binary} --version does not report {version} after go install")
        paths[name] = binary
    return paths


def generate(root: Path) -> bool:
    """Write go/gen/qtraderv1 under root from root's pipeline.proto; False (and nothing touched) without Go."""
    go = go_tool()
    if go is None:
        return False
    import grpc_tools

    plugins = install_plugins(go)
    include = Path(grpc_tools.__file__).parent / "_proto"
    out = root / "go"
    shutil.rmtree(root / GO_GENERATED, ignore_errors=True)
    (root / GO_GENERATED).mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{root / 'contracts/proto'}", f"-I{include}",
         f"--plugin=protoc-gen-go={plugins['protoc-gen-go']}",
         f"--plugin=protoc-gen-go-grpc={plugins['protoc-gen-go-grpc']}",
         f"--go_out={out}", f"--go_opt=module={GO_MODULE}",
         f"--go-grpc_out={out}", f"--go-grpc_opt=module={GO_MODULE}",
         "qtrader/v1/pipeline.proto"],
        check=True,
    )
    return True
