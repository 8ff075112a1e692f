"""The numbers module: one home for every decimal context and for the plain spelling of a Decimal."""

from __future__ import annotations

import re
from decimal import ROUND_05UP, Decimal, Inexact
from pathlib import Path

import pytest

import qtrader
from qtrader.libraries import numbers
from qtrader.libraries.numbers import EXACT, INDICATOR, MONEY, RATIO, STICKY, UNBOUNDED, plain, trimmed

SRC = Path(qtrader.__file__).parent
D = Decimal


@pytest.mark.parametrize("value, text", [
    ("1E+3", "1000"), ("-0", "0"), ("-0.00", "0.00"), ("0.000001", "0.000001"), ("1E-7", "0.0000001"),
    ("-1.20", "-1.20"), ("0E+2", "0"),
])
def test_plain_is_the_contract_spelling(value: str, text: str) -> None:
    assert plain(D(value)) == text


def test_plain_keeps_a_negative_zero_only_when_asked() -> None:
    assert plain(D("-0.00"), signed_zero=True) == "-0.00"
    assert plain(D("-1E+2"), signed_zero=True) == "-100"


def test_trimmed_drops_trailing_zeros_and_exponents() -> None:
    assert str(trimmed(D("75.000"))) == "75"
    assert str(trimmed(D("1E+3"))) == "1000"
    assert str(trimmed(D("2.500"))) == "2.5"
    assert str(trimmed(D("-0.000"))) == "0"


def test_each_role_has_its_documented_precision() -> None:
    assert (EXACT.prec, MONEY.prec, STICKY.prec, RATIO.prec, INDICATOR.prec) == (100, 100, 100, 34, 28)
    assert STICKY.rounding == ROUND_05UP
    assert EXACT.traps[Inexact] and UNBOUNDED.traps[Inexact] and not MONEY.traps[Inexact]
    for role in ("EXACT", "MONEY", "STICKY", "RATIO", "INDICATOR", "UNBOUNDED"):
        assert re.search(rf"^{role} +\S+", numbers.__doc__ or "", re.M), f"{role} is not in the module's table"


def test_no_other_module_makes_a_context_or_a_plain_spelling() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "numbers.py" or "generated" in path.parts:
            continue
        text = path.read_text()
        if re.search(r"(?<![\w.])(decimal\.)?Context\(prec", text) or re.search(r"\bdef plain\(", text) \
                or "localcontext(" in text:
            found.append(str(path.relative_to(SRC)))
    assert found == []
