"""Serve any Python service over the generated PipelineService (gRPC), so the engine or the conformance suite can
drive it exactly like a service written in another language."""
