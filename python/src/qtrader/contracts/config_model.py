"""Base of every generated config model: frozen, and an unknown key is an error, never ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ConfigModel(BaseModel):
    """Built from a config the schema checker already passed (``qtrader.contracts.config.parse_config``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
