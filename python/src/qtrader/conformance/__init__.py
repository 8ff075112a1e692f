"""The conformance runner: replays contract events to any PipelineService over gRPC and checks what it emits.

The cases live in the repository's conformance/cases/<service>/<case>/ (case.yaml, input.jsonl, expected.jsonl);
conformance/README.md documents the rules (ids, compared fields, known-failing files).
"""
