"""Print report.html without the tearsheet sections of issue #22 (their <section>s and their chart specs), so the
rest of a new report can be compared byte for byte with a report written before them:
python tools/golden/strip_tearsheet.py report.html > OUT.html"""

from __future__ import annotations

import json
import re
import sys

from qtrader.services.reporting.html import _json_for_script

SECTIONS = ("benchmark-section", "rolling-section", "worst-drawdowns-section", "exposure-section",
            "trades-on-price-section")
CHARTS = ("chart-cumulative", "chart-rolling-sharpe", "chart-rolling-volatility", "chart-rolling-beta",
          "chart-exposure", "chart-positions", "chart-trades-on-price")


def main(path: str) -> int:
    page = open(path, encoding="utf-8").read()
    first = page.index(f'<section id="{SECTIONS[0]}">')
    end = page.index("</section>", page.index(f'<section id="{SECTIONS[-1]}">')) + len("</section>\n")
    inner = page[first:end]
    assert all(f'<section id="{s}">' in inner for s in SECTIONS), "a tearsheet section is missing"
    page = page[:first] + page[end:]
    match = re.search(r'(<script type="application/json" id="qtrader-chart-specs">)(.*?)(</script>)', page, re.S)
    if match:
        specs = [s for s in json.loads(match.group(2)) if s["id"] not in CHARTS]
        page = page[:match.start(2)] + _json_for_script(specs) + page[match.end(2):]
    sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
