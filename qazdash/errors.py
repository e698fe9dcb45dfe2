"""The one error type for bad data, and the record of one problem in one cell."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from qazdash.i18n import localize


@dataclass(frozen=True)
class Problem:
    """One rule broken by one value: where it is (file, row, column), what it is, what was expected.

    ``row`` is the line number in the file as a spreadsheet shows it (the header is line 1);
    ``None`` where the problem concerns the whole file or a whole column. ``message`` is English (the
    contract of the command line and JSON); where it is a ``qazdash.i18n.Message``, ``localized()``
    renders it in the page language.
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

    def localized(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the active language), English where there is no translation."""
        return localize(self.message, lang)


class QazdashDataError(Exception):
    """Bad or missing data. Pages show it with one helper; the CLI prints it and exits non-zero.

    ``title`` is ``N_``-marked; ``message`` and ``hint`` are English, and where they are
    ``qazdash.i18n.Message`` objects the page shows them in its language (``localized_message``).
    """

    def __init__(self, title: str, message: str, hint: str = "", problems: list[Problem] | None = None):
        super().__init__(f"{title}: {message}")
        self.title = title
        self.message = message
        self.hint = hint
        self.problems = problems or []

    def localized_message(self, lang: str | None = None) -> str:
        return localize(self.message, lang)

    def localized_hint(self, lang: str | None = None) -> str:
        return localize(self.hint, lang)
