"""The one error type for bad data, and the record of one problem in one cell."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One rule broken by one value: where it is (file, row, column), what it is, what was expected.

    ``row`` is the line number in the file as a spreadsheet shows it (the header is line 1);
    ``None`` where the problem concerns the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        shown = "" if self.value is None else f": value {self.value!r}"
        return f"{where}{shown} — {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class QazdashDataError(Exception):
    """Bad or missing data. Pages show it with one helper; the CLI prints it and exits non-zero."""

    def __init__(self, title: str, message: str, hint: str = "", problems: list[Problem] | None = None):
        super().__init__(f"{title}: {message}")
        self.title = title
        self.message = message
        self.hint = hint
        self.problems = problems or []
