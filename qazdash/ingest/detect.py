"""Which dataset kind a file holds, and which of its columns is which schema column.

Headers are matched against each schema field's name and its ``synonyms`` (English, Russian, Kazakh)
after normalising case, spaces, underscores and punctuation. A kind is "sure" when all its required
columns are found and it scores clearly above the next kind; otherwise the analyst chooses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qazdash.i18n import N_, Message
from qazdash.schema import SCHEMAS, DatasetSchema, get_schema

UPLOAD_KINDS: tuple[str, ...] = ("articles", "nodes", "segments", "statistics")
IGNORE = ""  # mapping target meaning "do not import this column"
CONST_PREFIX = "const:"  # mapping key "const:<column>" → a value given to every row
OPTION_PREFIX = "option:"  # mapping key "option:<name>" → a read option saved with the mapping


def normalise_header(name: str) -> str:
    """``' Дата_публикации: '`` → ``'дата публикации'``."""
    text = str(name).replace("\ufeff", "").strip().lower()
    text = re.sub(r"[_\-/\\]+", " ", text)
    text = re.sub(r"[\"'`*:.()\[\]]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _names(schema_field) -> list[str]:
    return [normalise_header(schema_field.name)] + [normalise_header(s) for s in schema_field.synonyms]


def auto_mapping(headers: list[str], schema: DatasetSchema) -> dict[str, str]:
    """``{header: schema column}`` for headers recognised in ``schema`` (exact names first, then synonyms)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    norm = {h: normalise_header(h) for h in headers}
    for pass_ in (0, 1):  # 0: the column's own name; 1: its synonyms
        for h in headers:
            if h in mapping:
                continue
            for f in schema.fields:
                if f.name in taken:
                    continue
                names = _names(f)
                if (pass_ == 0 and norm[h] == names[0]) or (pass_ == 1 and norm[h] in names[1:]):
                    mapping[h] = f.name
                    taken.add(f.name)
                    break
    return mapping


@dataclass
class KindGuess:
    kind: str | None
    sure: bool
    scores: dict[str, float] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    missing_required: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.kind is None:
            return "no column matches a known dataset kind"
        if self.missing_required:
            return f"closest kind is {self.kind}, but required columns are missing: {', '.join(self.missing_required)}"
        return "" if self.sure else "two kinds match about equally well"


def detect_kind(headers: list[str], kinds: tuple[str, ...] = UPLOAD_KINDS) -> KindGuess:
    """The best-matching kind of ``headers`` with its mapping and how sure the match is."""
    scores: dict[str, float] = {}
    mappings: dict[str, dict[str, str]] = {}
    for kind in kinds:
        schema = get_schema(kind)
        mapping = auto_mapping(headers, schema)
        found = set(mapping.values())
        required = schema.required_columns
        req_share = sum(c in found for c in required) / len(required)
        optional = [c for c in schema.columns if c not in required]
        opt_share = sum(c in found for c in optional) / max(len(optional), 1)
        scores[kind] = round(2 * req_share + opt_share, 3)
        mappings[kind] = mapping
    ranked = sorted(scores, key=scores.get, reverse=True)
    best = ranked[0]
    if scores[best] == 0:
        return KindGuess(None, False, scores)
    missing = [c for c in get_schema(best).required_columns if c not in mappings[best].values()]
    margin = scores[best] - (scores[ranked[1]] if len(ranked) > 1 else 0)
    sure = not missing and margin >= 0.25
    return KindGuess(best, sure, scores, mappings[best], missing)


def split_mapping(mapping: dict[str, str]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """A saved mapping → ``(columns {header: field}, constants {field: value}, options {name: value})``."""
    columns, constants, options = {}, {}, {}
    for key, value in mapping.items():
        if key.startswith(CONST_PREFIX):
            constants[key.removeprefix(CONST_PREFIX)] = value
        elif key.startswith(OPTION_PREFIX):
            options[key.removeprefix(OPTION_PREFIX)] = value
        else:
            columns[key] = value
    return columns, constants, options


def check_mapping(mapping: dict[str, str], headers: list[str], kind: str) -> list[Message]:
    """Plain-language reasons a column mapping cannot be used (empty when it can)."""
    schema = SCHEMAS[kind]
    columns, constants, _ = split_mapping(mapping)
    errors = []
    unknown_headers = [h for h in columns if h not in headers]
    if unknown_headers:
        errors.append(Message(N_("the file has no column {columns}"), columns=", ".join(map(repr, unknown_headers))))
    targets = [t for t in columns.values() if t != IGNORE]
    bad = [t for t in targets + list(constants) if t not in schema.columns]
    if bad:
        errors.append(Message(N_("{kind} has no column {columns}"), kind=kind, columns=", ".join(map(repr, bad))))
    doubled = sorted({t for t in targets if targets.count(t) > 1})
    if doubled:
        errors.append(
            Message(N_("more than one file column is mapped to {columns}"), columns=", ".join(map(repr, doubled)))
        )
    return errors
