"""The engine: the event bus, the run config, the assembly of services and the run folder."""
