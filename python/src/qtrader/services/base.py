"""What every service is: typed handlers ``on_<event>`` that consume events and emit new ones.

A service never calls another service. The engine (or a gRPC host) hands it one input event at a time through
``handle``; whatever the handler emits with ``emit`` is returned, in order, as that input's batch.

Derived values are a function of the input alone, so a run is deterministic and a service written in another
language can reproduce them exactly (conformance/README.md states the same rules):

- the k-th event (k = 0, 1, ...) emitted for input X by service S has ``event_id = uuid5(X.event_id, "S/k")``;
- the k-th id of kind K (``order``, ``fill``, ...) made for input X has ``uuid5(X.event_id, "S/K/k")``;
- ``occurred_at`` and ``correlation_id`` are X's, ``causation_id`` is X's event_id, ``source_service`` is S;
- an event made outside a handler (a snapshot, ``event_after``) after input X has ``uuid5(X.event_id, "S/tag")``
  and X's envelope as above; before any input, ``uuid5(run_id, "S/tag")`` at the Unix epoch.

A service builds events through two entry points only: ``emit`` inside a handler, ``event_after`` outside one.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timezone
from typing import Any, Callable, ClassVar, Mapping, Protocol, TypeVar, cast

from qtrader.contracts.base import ContractModel, adopt, all_fields
from qtrader.contracts.config import parse_config
from qtrader.contracts.ids import run_id as make_run_id
from qtrader.contracts.ids import uuid5

E = TypeVar("E", bound=ContractModel)

#: parse_config: how a service reads its config.
__all__ = ["DEFAULT_RUN_ID", "BusService", "Handler", "Service", "handler_method", "parse_config"]

DEFAULT_RUN_ID = make_run_id("default")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _snake(name: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() and i else ch.lower() for i, ch in enumerate(name))


_HANDLER_NAMES: dict[str, str] = {}


def handler_method(event_type: str) -> str:
    """The name of the method that handles an event type: ``on_`` and its snake_case name (on_price_bar)."""
    name = _HANDLER_NAMES.get(event_type)
    if name is None:
        name = _HANDLER_NAMES[event_type] = "on_" + _snake(event_type)
    return name


#: What a service does with one input event: the events it emits in response, in order.
Handler = Callable[[ContractModel], list[ContractModel]]


class BusService(Protocol):
    """What the engine and the gRPC host need of a service, in-process (``Service``) or remote (the engine's proxy).

    ``name``, ``consumes`` and ``emits`` are what Describe reports; ``consumes`` is read after ``reset`` (a config
    may narrow it). ``handler(event_type)`` is ``handle`` for one consumed type, resolved once (the bus subscribes
    it); ``close`` releases what the service holds once the run is over. Capabilities only some services have are
    not here: the engine reads them from the object it built (a remote proxy's ``prefetch``, the portfolio's
    ``get_state``, the strategy service's ``signals_suppressed``), never by probing attributes. So far only the
    portfolio can be checkpointed (``snapshot``/``restore``, or its ``snapshot`` config key); the engine does not
    checkpoint yet, so it is not part of this protocol.
    """

    @property
    def name(self) -> str: ...

    @property
    def consumes(self) -> tuple[str, ...]: ...

    @property
    def emits(self) -> Collection[str]: ...

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        """Clear all state and apply a config (the gRPC Reset)."""

    def handler(self, event_type: str) -> Handler:
        """``handle`` for one event type."""

    def handle(self, event: ContractModel) -> list[ContractModel]:
        """Process one input event; return the events emitted in response, in order."""

    def close(self) -> None:
        """Release what the service holds (connections); called once, after the run."""


class Service:
    """Base class: dispatch by event type, deterministic ids, one batch of outputs per input."""

    name: ClassVar[str] = "service"
    consumes: tuple[str, ...] = ()  # the class's types; an instance may narrow them after its config (reset)
    emits: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Mapping[str, Any] | None = None, *, run_id: str = DEFAULT_RUN_ID) -> None:
        self._cause: ContractModel = cast(ContractModel, None)  # set by every handler before anything reads it
        self._out: list[ContractModel] = []
        self._id_counters: dict[str, int] | None = None
        self.reset(config, run_id)

    def reset(self, config: Mapping[str, Any] | None, run_id: str) -> None:
        """Clear all state and apply a config (the gRPC Reset does exactly this). Subclasses extend it."""
        self.run_id = run_id
        self._handlers: dict[str, Handler] = {}  # consumes may change

    # -- dispatch -----------------------------------------------------------------------------------------------

    def handle(self, event: ContractModel) -> list[ContractModel]:
        """Process one input event; return the events emitted in response, in order."""
        handler = self._handlers.get(event.event_type)
        if handler is None:
            handler = self._handlers[event.event_type] = self.handler(event.event_type)
        return handler(event)

    def handler(self, event_type: str) -> Handler:
        """``handle`` for one event type, resolved once (the in-process bus subscribes these directly).

        Subclasses that wrap every input (a decimal context, bookkeeping) override this, not ``handle``.
        """
        if event_type not in self.consumes:  # an instance may consume fewer types than its class (config)
            return lambda event: []
        method = getattr(self, handler_method(event_type))

        def handle_one(event: ContractModel) -> list[ContractModel]:
            self._cause = event
            out: list[ContractModel] = []
            self._out = out
            self._id_counters = None
            method(event)
            return out

        return handle_one

    def close(self) -> None:
        """An in-process service holds nothing to release."""

    # -- emitting -----------------------------------------------------------------------------------------------

    def emit(self, cls: type[E], complete: dict[str, Any] | None = None, /, **fields: Any) -> E:
        """Emit an event caused by the input being handled; envelope fields are derived, not passed.

        Either the event's fields as keywords (the others take their defaults), or, on a hot path, one fresh dict
        of every field in the model's order (``cls.defaults()`` with values assigned) that the event takes over
        (see ``ContractModel.trusted_complete``).
        """
        if complete is None:
            complete = cls.defaults()  # every field in the model's order; the given ones keep their place
            complete.update(fields)
        cause = self._cause
        out = self._out
        complete["event_id"] = uuid5(cause.event_id, f"{self.name}/{len(out)}")
        complete["occurred_at"] = cause.occurred_at
        complete["source_service"] = self.name
        complete["correlation_id"] = cause.correlation_id
        complete["causation_id"] = cause.event_id
        event: E = adopt(cls, complete, all_fields(cls))
        out.append(event)
        return event

    def event_after(self, cls: type[E], tag: str, last: Any, **fields: Any) -> E:
        """An event made outside a handler (a snapshot), derived from the last input handled, ``last``:
        ``event_id = uuid5(last.event_id, "S/tag")`` with ``last``'s occurred_at and correlation_id. Before any
        input (``last`` None) it derives from the run id, at the Unix epoch. Returned, never emitted."""
        if last is None:
            envelope: dict[str, Any] = dict(event_id=uuid5(self.run_id, f"{self.name}/{tag}"), occurred_at=_EPOCH,
                                            correlation_id=self.run_id)
        else:
            envelope = dict(event_id=uuid5(last.event_id, f"{self.name}/{tag}"), occurred_at=last.occurred_at,
                            correlation_id=last.correlation_id, causation_id=last.event_id)
        event: E = cls.trusted(**envelope, source_service=self.name, **fields)
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
