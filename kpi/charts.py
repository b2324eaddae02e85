"""Trend charts from baseline to target as server-rendered SVG geometry.

No script and no inline style (CSP): the template draws rectangles from these
numbers, and a data table beside each chart says the same in text.

Bars run horizontally, one row per fiscal year, so that the year labels are written
out in full (令和3年度) at a readable size on a phone: the viewBox is a little narrower
than the card on a 390 px screen, so 16-unit text renders at about 17 px. The target
is named in a band of its own above the bars, so 「目標値 0」 never sits on a bar or
its value.
"""

from decimal import Decimal
from typing import Any

WIDTH = 300
LABEL_W = 96  # 「令和3年度」 at 16 px
VALUE_W = 48  # room after the longest bar for its value
TOP = 32  # the band that names the target
ROW_H = 34
BAR_H = 20
FONT = 16


def trend_chart(row: dict[str, Any]) -> dict[str, Any]:
    values = list(row["values"])
    numbers = [Decimal(str(v["value"])) for v in values if v["value"] is not None]
    target = Decimal(str(row["target"]))
    top = max([target, Decimal(str(row["baseline"])), *numbers, Decimal(1)])
    plot_x = LABEL_W
    plot_w = WIDTH - LABEL_W - VALUE_W
    height = TOP + ROW_H * len(values) + 8

    def x_of(value: Decimal) -> float:
        return float(plot_x + (value / top) * plot_w)

    bars = []
    for index, v in enumerate(values):
        y = TOP + ROW_H * index + (ROW_H - BAR_H) / 2
        bar = {
            "y": float(y),
            "label_y": float(y + BAR_H / 2 + FONT * 0.35),
            "year": v["fiscal_year"],
            "empty": v["value"] is None,
        }
        if v["value"] is not None:
            value = Decimal(str(v["value"]))
            end = x_of(value)
            bar.update(
                {
                    "x": float(plot_x),
                    "width": max(end - plot_x, 0.0),
                    "height": float(BAR_H),
                    "value": v["value"],
                    "value_x": end + 4,
                    "baseline": v["origin"] == "baseline",
                }
            )
        bars.append(bar)
    target_x = x_of(target)
    return {
        "width": WIDTH,
        "height": height,
        "bars": bars,
        "font": FONT,
        "label_x": LABEL_W - 6,
        "axis_x": plot_x,
        "axis_y1": TOP - 4,
        "axis_y2": height - 4,
        "target_x": target_x,
        "target_y1": TOP - 6,
        "target_y2": height - 4,
        "target_label_y": TOP - 12,
        # The target's name is anchored so that it stays inside the chart.
        "target_label_x": min(max(target_x, plot_x), WIDTH - 4),
        "target_anchor": "end" if target_x > plot_x + plot_w / 2 else "start",
    }
