"""What both ends of a PipelineService connection agree on: metadata keys and channel limits (one home for each).

The Go service states the same values in go/server.
"""

from __future__ import annotations

#: The metadata key that names a session (Process, and Describe of a session's service).
SESSION_KEY = "qtrader-session"
#: The metadata key of the shared token: ``authorization: Bearer <token>``.
TOKEN_KEY = "authorization"
#: A message each way may be at most this large.
MAX_MESSAGE_BYTES = 64 << 20


def channel_options() -> list[tuple[str, object]]:
    """Message size limits (both ends) and no port sharing: a second server on a busy port is an error."""
    return [("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES), ("grpc.so_reuseport", 0)]
