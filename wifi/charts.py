"""Server-rendered SVG bar charts: geometry computed here, drawn by a template.

One small chart per machine (12 months each) on a shared scale, so machines can
be compared at a glance and each chart stays readable at 320px. Coordinates are
written out here, as text: they are geometry, never localised as numbers (and a page
with a hundred bars would otherwise format each one through the locale).
"""

from dataclasses import dataclass
from datetime import date

WIDTH = 480
HEIGHT = 220
LEFT = 48  # room for the y-axis labels
BOTTOM = 36  # room for the month labels
TOP = 24
PLOT_HEIGHT = HEIGHT - BOTTOM - TOP
SLOT = (WIDTH - LEFT - 8) / 12
# Where every chart writes its axis labels, as text (see above).
TICK_LABEL_X = str(LEFT - 6)
MONTH_LABEL_Y = str(HEIGHT - 16)
UNIT_LABEL_Y = str(HEIGHT - 2)


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    label_x: str
    month_label: str
    value: int | None
    estimated: bool


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


def nice_ceiling(value: int) -> int:
    """The smallest 1/2/5×10ⁿ at or above ``value`` (at least 10)."""
    step = 10
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def bars_for(values: list[int | None], estimated: list[bool], months: list[date], top: int):
    bars = []
    for i, (value, is_estimate, month) in enumerate(zip(values, estimated, months, strict=True)):
        height = 0 if not value else PLOT_HEIGHT * value / top
        x = LEFT + i * SLOT + SLOT * 0.15
        bars.append(
            Bar(
                x=str(round(x, 1)),
                y=str(round(TOP + PLOT_HEIGHT - height, 1)),
                width=str(round(SLOT * 0.7, 1)),
                height=str(round(height, 1)),
                label_x=str(round(LEFT + i * SLOT + SLOT / 2, 1)),
                month_label=f"{month.month}",
                value=value,
                estimated=is_estimate,
            )
        )
    return bars


def ticks_for(top: int) -> list[Tick]:
    return [
        Tick(
            y=str(round(TOP + PLOT_HEIGHT - PLOT_HEIGHT * share, 1)), label=f"{int(top * share):,}"
        )
        for share in (0, 0.5, 1)
    ]
