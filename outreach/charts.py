"""Server-rendered horizontal bar charts (SVG) for the analysis page.

Plain geometry computed here; the template draws it with a <title>/<desc> and the
same numbers in a table beside it, so the chart never is the only way to read them.
Coordinates are written out here, as text: they are geometry, never numbers for the
locale to format (one formatting call per coordinate of every bar otherwise).
"""

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 250
LABEL_CHARS = 16  # longer labels are shortened in the chart; the table has them in full
VALUE_WIDTH = 60
ROW_HEIGHT = 32
BAR_HEIGHT = 22


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    value: int
    y: str
    width: str
    text_y: str
    value_x: str


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: str
    label_x: str  # where the labels end, left of the bars


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(key: str, title: str, rows: list[dict], value_key: str = "attendances") -> BarChart:
    biggest = max((row[value_key] for row in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for i, row in enumerate(rows):
        width = round(room * row[value_key] / biggest)
        y = i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        bars.append(
            Bar(
                label=_short(str(row["label"])),
                full_label=str(row["label"]),
                value=row[value_key],
                y=str(y),
                width=str(width),
                text_y=str(y + BAR_HEIGHT // 2 + 5),
                value_x=str(LABEL_WIDTH + width + 6),
            )
        )
    return BarChart(
        key=key,
        title=title,
        bars=bars,
        width=WIDTH,
        height=max(len(rows), 1) * ROW_HEIGHT,
        label_width=str(LABEL_WIDTH),
        label_x=str(LABEL_WIDTH - 6),
    )
