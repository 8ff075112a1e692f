"""The in-process EventBus: synchronous, deterministic, depth-first.

Publish order is delivery order. Subscribers of an event type are called in subscription order, and every event
a subscriber returns is published (and so fully delivered) before the next subscriber sees the original event:
delivery is depth-first, like a call, so a backtest is one deterministic sequence. Observers (the event log
recorder, reporting) see every event at the moment it is published, before any subscriber.
"""

from __future__ import annotations

from typing import Callable, Iterable

from qtrader.contracts.base import ContractModel

Handler = Callable[[ContractModel], "Iterable[ContractModel] | None"]
Observer = Callable[[ContractModel], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: dict[str, list[Handler]] = {}
        self._observers: list[Observer] = []
        self._typed_observers: dict[str, list[Observer]] = {}
        self._routes: dict[str, tuple[tuple[Observer, ...], tuple[Handler, ...]]] = {}
        #: events published so far, by event type
        self.counts: dict[str, int] = {}

    @property
    def published(self) -> int:
        """Events published so far."""
        return sum(self.counts.values())

    def subscribe(self, event_type: str, handler: Handler) -> None:
        self._subscribers.setdefault(event_type, []).append(handler)
        self._routes.clear()

    def observe(self, observer: Observer, event_types: Iterable[str] | None = None) -> None:
        """See every event (the recorder) or only some types (reporting); observers emit nothing.

        All observers of an event see it before any subscriber, in the order they were added.
        """
        if event_types is None:
            self._observers.append(observer)
            for observers in self._typed_observers.values():
                observers.append(observer)
        else:
            for event_type in event_types:
                self._typed_observers.setdefault(event_type, list(self._observers)).append(observer)
        self._routes.clear()

    def _route(self, event_type: str) -> tuple[tuple[Observer, ...], tuple[Handler, ...]]:
        route = self._routes[event_type] = (
            tuple(self._typed_observers.get(event_type) or self._observers),
            tuple(self._subscribers.get(event_type, ())),
        )
        return route

    def publish(self, event: ContractModel) -> None:
        event_type = event.event_type
        counts = self.counts
        counts[event_type] = counts.get(event_type, 0) + 1
        observers, handlers = self._routes.get(event_type) or self._route(event_type)
        for observer in observers:
            observer(event)
        for handler in handlers:
            outputs = handler(event)
            if outputs:
                for output in outputs:
                    self.publish(output)
