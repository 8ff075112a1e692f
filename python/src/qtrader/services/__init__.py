"""The services of the flow. Each depends on contracts and libraries only, never on another service."""
