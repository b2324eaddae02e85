"""Server-rendered SVG bar charts: geometry computed here, drawn by a template.

One small chart per machine (12 months each) on a shared scale, so machines can
be compared at a glance and each chart stays readable at 320px.
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


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    month_label: str
    value: int | None
    estimated: bool


@dataclass(frozen=True)
class Tick:
    y: float
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
                x=round(x, 1),
                y=round(TOP + PLOT_HEIGHT - height, 1),
                width=round(SLOT * 0.7, 1),
                height=round(height, 1),
                label_x=round(LEFT + i * SLOT + SLOT / 2, 1),
                month_label=f"{month.month}",
                value=value,
                estimated=is_estimate,
            )
        )
    return bars


def ticks_for(top: int) -> list[Tick]:
    return [
        Tick(y=round(TOP + PLOT_HEIGHT - PLOT_HEIGHT * share, 1), label=f"{int(top * share):,}")
        for share in (0, 0.5, 1)
    ]
