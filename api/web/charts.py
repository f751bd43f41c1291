"""Horizontal bar charts drawn as SVG on the server: the geometry of each bar, no script."""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH, BAR_WIDTH, ROW_HEIGHT, VALUE_WIDTH = 220, 300, 24, 60


@dataclass
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float


@dataclass
class Chart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    row_height: int = ROW_HEIGHT


def bar_chart(figures, unit: str = "", scale_to: float | None = None, labels=None) -> Chart:
    """Bars for ``figures`` (label, value), scaled to the largest value or to ``scale_to``;
    ``labels`` may rename a figure (its process's name before the step)."""
    top = scale_to or max((f.value for f in figures), default=0) or 1
    bars = [
        Bar(
            labels(f) if labels else f.label,
            f.value,
            f"{f.value:g}{unit}",
            i * ROW_HEIGHT,
            max(1.0, BAR_WIDTH * f.value / top) if f.value else 0.0,
        )
        for i, f in enumerate(figures)
    ]
    return Chart(bars, LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH, max(1, len(bars)) * ROW_HEIGHT)
