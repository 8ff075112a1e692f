"""Pure libraries (indicators, risk, performance) that services depend on; they depend on nothing in qtrader."""
