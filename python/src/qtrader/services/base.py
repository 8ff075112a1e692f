"""What every service is: typed handlers ``on_<event>`` that consume events and emit new ones.

A service never calls another service. The engine (or a gRPC host) hands it one input event at a time through
``handle``; whatever the handler emits with ``emit`` is returned, in order, as that input's batch.

Derived values are a function of the input alone, so a run is deterministic and a service written in another
language can reproduce them exactly (conformance/README.md states the same rules):

- the k-th event (k = 0, 1, ...) emitted for input X by service S has ``event_id = uuid5(X.event_id, "S/k")``;
- the k-th id of kind K (``order``, ``fill``, ...) made for input X has ``uuid5(X.event_id, "S/K/k")``;
- ``occurred_at`` and ``correlation_id`` are X's, ``causation_id`` is X's event_id, ``source_service`` is S.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Mapping, TypeVar

from qtrader.contracts.base import ContractModel, adopt, all_fields
from qtrader.contracts.config import parse_config
from qtrader.contracts.ids import run_id as make_run_id
from qtrader.contracts.ids import uuid5

E = TypeVar("E", bound=ContractModel)

__all__ = ["DEFAULT_RUN_ID", "Service", "handler_method", "parse_config"]  # parse_config: a service's config

DEFAULT_RUN_ID = make_run_id("default")


def _snake(name: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() and i else ch.lower() for i, ch in enumerate(name))


_HANDLER_NAMES: dict[str, str] = {}


def handler_method(event_type: str) -> str:
    """The name of the method that handles an event type: ``on_`` and its snake_case name (on_price_bar)."""
    name = _HANDLER_NAMES.get(event_type)
    if name is None:
        name = _HANDLER_NAMES[event_type] = "on_" + _snake(event_type)
    return name


class Service:
    """Base class: dispatch by event type, deterministic ids, one batch of outputs per input."""

    name: ClassVar[str] = "service"
    consumes: ClassVar[tuple[str, ...]] = ()
    emits: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Mapping[str, Any] | None = None, *, run_id: str = DEFAULT_RUN_ID) -> None:
        self._cause: ContractModel | None = None
        self._out: list[ContractModel] = []
        self._id_counters: dict[str, int] | None = None
        self.reset(config, run_id)

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        """Clear all state and apply a config (the gRPC Reset does exactly this). Subclasses extend it."""
        self.run_id = run_id
        self._handlers: dict[str, Callable[[ContractModel], list[ContractModel]]] = {}  # consumes may change

    # -- dispatch -----------------------------------------------------------------------------------------------

    def handle(self, event: ContractModel) -> list[ContractModel]:
        """Process one input event; return the events emitted in response, in order."""
        handler = self._handlers.get(event.event_type)
        if handler is None:
            handler = self._handlers[event.event_type] = self.handler(event.event_type)
        return handler(event)

    def handler(self, event_type: str) -> Callable[[ContractModel], list[ContractModel]]:
        """``handle`` for one event type, resolved once (the in-process bus subscribes these directly).

        Subclasses that wrap every input (a decimal context, bookkeeping) override this, not ``handle``.
        """
        if event_type not in self.consumes:  # an instance may consume fewer types than its class (config)
            return lambda event: []
        method = getattr(self, handler_method(event_type))

        def handle_one(event: ContractModel) -> list[ContractModel]:
            self._cause = event
            self._out = out = []
            self._id_counters = None
            method(event)
            return out

        return handle_one

    # -- emitting -----------------------------------------------------------------------------------------------

    def emit(self, cls: type[E], **fields: Any) -> E:
        """Emit an event caused by the input being handled; envelope fields are derived, not passed."""
        data = cls.defaults()  # every field in the model's order; the given ones keep their place
        data.update(fields)
        return self.emit_complete(cls, data)

    def emit_complete(self, cls: type[E], fields: dict[str, Any]) -> E:
        """``emit`` from a fresh complete field dict in the model's order (see ``ContractModel.trusted_complete``),
        which the event takes over: the hot path."""
        cause = self._cause
        out = self._out
        fields["event_id"] = uuid5(cause.event_id, f"{self.name}/{len(out)}")
        fields["occurred_at"] = cause.occurred_at
        fields["source_service"] = self.name
        fields["correlation_id"] = cause.correlation_id
        fields["causation_id"] = cause.event_id
        event = adopt(cls, fields, all_fields(cls))
        out.append(event)
        return event

    def new_id(self, kind: str) -> str:
        """The next id of a kind (order, fill, ...) for the input being handled."""
        counters = self._id_counters
        if counters is None:
            counters = self._id_counters = {}
        k = counters.get(kind, 0)
        counters[kind] = k + 1
        return uuid5(self._cause.event_id, f"{self.name}/{kind}/{k}")

    @property
    def cause(self) -> ContractModel:
        """The input event being handled."""
        return self._cause
