"""Contracts: the generated event types and the hand-written code that loads, validates and converts them.

Generated code lives in ``qtrader.contracts.generated`` and is never edited by hand (``make codegen``).
"""
