"""Paper: envelope formats, letter sheets and label sheets, in millimetres as their standards
give them (docs/addressing.md#paper; Avery's published templates)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm


@dataclass(frozen=True)
class EnvelopeFormat:
    code: str
    width_mm: float  # landscape: the long side
    height_mm: float

    @property
    def size(self) -> tuple[float, float]:
        """Page size in points, landscape."""
        return self.width_mm * mm, self.height_mm * mm


# What each holds and how the sheet folds to fit is ``sheets.FOLDS`` (it draws the fold marks).
ENVELOPES: dict[str, EnvelopeFormat] = {
    "DL": EnvelopeFormat("DL", 220, 110),  # A4 folded in three
    "C6": EnvelopeFormat("C6", 162, 114),  # A4 folded in four
    "C5": EnvelopeFormat("C5", 229, 162),  # A4 folded in half
    "C4": EnvelopeFormat("C4", 324, 229),  # A4 flat
    "US10": EnvelopeFormat("US10", 241.3, 104.8),  # US Letter in three
}


@dataclass(frozen=True)
class SheetFormat:
    code: str
    width_mm: float
    height_mm: float

    @property
    def size(self) -> tuple[float, float]:
        return self.width_mm * mm, self.height_mm * mm


SHEETS: dict[str, SheetFormat] = {
    "A4": SheetFormat("A4", 210, 297),
    "LETTER": SheetFormat("LETTER", 215.9, 279.4),
}


@dataclass(frozen=True)
class LabelSheet:
    """A sheet of address labels, described as its maker specifies it (cf. pylabels)."""

    code: str
    sheet: str  # key into SHEETS
    columns: int
    rows: int
    label_width_mm: float
    label_height_mm: float
    left_margin_mm: float
    top_margin_mm: float
    column_pitch_mm: float  # left edge to left edge
    row_pitch_mm: float  # top edge to top edge
    corner_radius_mm: float = 0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def check(self) -> None:
        """Refuse a specification whose labels would not fit on its sheet."""
        paper = SHEETS[self.sheet]
        right = self.left_margin_mm + (self.columns - 1) * self.column_pitch_mm
        bottom = self.top_margin_mm + (self.rows - 1) * self.row_pitch_mm
        if right + self.label_width_mm > paper.width_mm + 0.01:
            raise ValueError(f"{self.code}: labels run off the right edge")
        if bottom + self.label_height_mm > paper.height_mm + 0.01:
            raise ValueError(f"{self.code}: labels run off the bottom edge")
        if self.column_pitch_mm < self.label_width_mm or self.row_pitch_mm < self.label_height_mm:
            raise ValueError(f"{self.code}: labels overlap")


LABEL_SHEETS: dict[str, LabelSheet] = {
    # Avery L7160: A4, 3 × 7, 63.5 × 38.1 mm.
    "L7160": LabelSheet("L7160", "A4", 3, 7, 63.5, 38.1, 7.25, 15.15, 66.04, 38.1, 1.5),
    # Avery 5160: US Letter, 3 × 10, 2⅝ × 1 in (66.675 × 25.4 mm).
    "5160": LabelSheet("5160", "LETTER", 3, 10, 66.675, 25.4, 4.7625, 12.7, 69.85, 25.4, 1.5),
}
for _spec in LABEL_SHEETS.values():
    _spec.check()
