import sys

from qtrader.cli import main

sys.exit(main())
