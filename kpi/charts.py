"""Trend charts from baseline to target as server-rendered SVG geometry.

No script and no inline style (CSP): the template draws rectangles from these
numbers, and a data table beside each chart says the same in text.
"""

from decimal import Decimal
from typing import Any

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40


def trend_chart(row: dict[str, Any]) -> dict[str, Any]:
    values = list(row["values"])
    numbers = [Decimal(str(v["value"])) for v in values if v["value"] is not None]
    target = Decimal(str(row["target"]))
    top = max([target, Decimal(row["baseline"]), *numbers, Decimal(1)])
    top = top * Decimal("1.1")
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = Decimal(plot_w) / max(len(values), 1)
    bar_w = slot * Decimal("0.6")

    def y_of(value: Decimal) -> float:
        return float(TOP + plot_h - (value / top) * plot_h)

    bars = []
    for index, v in enumerate(values):
        x = LEFT + slot * index + (slot - bar_w) / 2
        label_x = float(LEFT + slot * index + slot / 2)
        if v["value"] is None:
            bars.append(
                {"x": float(x), "label_x": label_x, "year": v["fiscal_year"], "empty": True}
            )
            continue
        value = Decimal(str(v["value"]))
        y = y_of(value)
        bars.append(
            {
                "x": float(x),
                "y": y,
                "width": float(bar_w),
                "height": float(TOP + plot_h) - y,
                "label_x": label_x,
                "value_y": y - 4,
                "value": v["value"],
                "year": v["fiscal_year"],
                "empty": False,
                "baseline": v["origin"] == "baseline",
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "axis_y": TOP + plot_h,
        "axis_x1": LEFT,
        "axis_x2": WIDTH - RIGHT,
        "target_y": y_of(target),
        "year_label_y": HEIGHT - BOTTOM + 18,
        "target_label_y": y_of(target) - 4,
    }
