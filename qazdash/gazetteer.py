"""Place-name gazetteer: every way a place on the corridors is written, resolved to its ``node_id``.

Built from ``nodes`` (``name_en``, ``name_ru``, ``name_kk``) plus variants derived from those names
(the part before `` (`` or `` – ``, the part in brackets, names without words such as "port",
"seaport", "dry port", "порт", "порты") and a short table of known transliterations and former names
(``ALIASES``). Matching folds case and script details (:func:`fold`): "Актау", "Ақтау", "AKTAU" and
"Aktau" all reach ``kz_aktau_port``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from qazdash.i18n import LANGUAGES, get_language

# Kazakh letters folded to their nearest Russian letter, so that Kazakh and Russian spellings of a name meet.
_TOKEN = re.compile(r"\w+")


def _latin_mark_table() -> dict[int, str]:
    """'ł' → 'l', 'ț' → 't', 'é' → 'e', …: Latin letters with marks (U+00C0–U+024F) without them."""
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch:
            table[code] = base
    table.update({ord(k): v for k, v in {"ł": "l", "ø": "o", "ß": "ss", "ı": "i", "đ": "d"}.items()})
    return table


# One translation table: Kazakh letters as Russian, Latin marks dropped, apostrophes removed. Cyrillic
# letters such as 'й' are not in it, so they stay whole.
_FOLD_TABLE = {
    **_latin_mark_table(),
    **{
        ord(k): v
        for k, v in {
            "ә": "а",
            "ғ": "г",
            "қ": "к",
            "ң": "н",
            "ө": "о",
            "ұ": "у",
            "ү": "у",
            "һ": "х",
            "і": "и",
            "ё": "е",
        }.items()
    },
    **{ord(c): None for c in "’'`ʼ‘"},
}


def fold(text: object) -> str:
    """Text for matching: NFC, casefolded, Kazakh letters as Russian, no Latin accents or apostrophes."""
    if not isinstance(text, str) or not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.casefold().translate(_FOLD_TABLE)


def tokens(text: object) -> list[str]:
    """The folded words of ``text`` (hyphens, dashes, slashes and punctuation separate words)."""
    return _TOKEN.findall(fold(text).replace("_", " "))


def phrase_key(text: object) -> str:
    """The lookup key of a name: its folded words joined by single spaces."""
    return " ".join(tokens(text))


# Known variants that cannot be derived from the names in nodes.csv. Each is a fact about the place:
ALIASES: dict[str, tuple[str, ...]] = {
    # Astana was Akmola (1994–1998), Tselinograd (1961–1992) and Nur-Sultan (2019–2022).
    "kz_astana": ("Nur-Sultan", "Нур-Султан", "Нұр-Сұлтан", "Akmola", "Ақмола", "Tselinograd", "Целиноград"),
    # Almaty was Alma-Ata until 1993.
    "kz_almaty": ("Alma-Ata", "Алма-Ата"),
    # The Kazakh side of Khorgos: the Khorgos Eastern Gate SEZ and its dry port; Khorgas is a common spelling.
    "kz_khorgos_gateway": (
        "Khorgos",
        "Khorgas",
        "Хоргос",
        "Қорғас",
        "Khorgos Eastern Gate",
        "KTZE-Khorgos Gateway",
    ),
    # The Chinese side is usually written Horgos (Huoerguosi, 霍尔果斯).
    "cn_khorgos": ("Horgos", "Huoerguosi", "霍尔果斯"),
    # Qingdao city and port: the Qianwan container terminal is the point that stands for Qingdao port.
    "cn_qingdao_qianwan": ("Qingdao", "Циндао", "青岛", "Qingdao Port"),
    "cn_lianyungang_base": ("Lianyungang", "Ляньюньган", "连云港"),
    "cn_xian": ("Xian", "西安"),
    "cn_urumqi": ("Urumchi", "Ürümqi", "乌鲁木齐"),
    "cn_alashankou": ("阿拉山口",),
    # Petropavl is Petropavlovsk in Russian usage.
    "kz_petropavl": ("Petropavlovsk",),
    # Aktau port: Aktau was Shevchenko (1964–1991).
    "kz_aktau_port": ("Aktau port", "Aktau Sea Port", "Port of Aktau", "Shevchenko"),
    "kz_kuryk_port": ("Kuryk", "Курык", "Құрық"),
    # The Port of Baku moved to Alat; articles name it Baku port.
    "az_alat_port": ("Baku", "Баку", "Port of Baku", "Baku port", "Alat"),
    "tm_turkmenbashi": ("Türkmenbaşy", "Turkmenbashy", "Krasnovodsk", "Красноводск"),
    "kz_zhanaozen": ("Zhanaozen", "Uzen", "Узень", "Жанаозен"),
    "kz_saksaulskaya": ("Saksaul", "Saksaulsky"),
    "ge_poti": ("Port of Poti",),
    "de_duisburg": ("duisport",),
    "pl_malaszewicze": ("Malaszewicze",),
}

# Words that name the kind of facility; a name without them is still the same place.
_FACILITY_WORDS = (
    "international sea trade port",
    "commercial sea port",
    "container terminal",
    "deep-sea port project",
    "deep sea port",
    "border port",
    "dry port",
    "seaport",
    "sea port",
    "port area",
    "port of",
    "port",
    "морской торговый порт",
    "морской порт",
    "сухой порт",
    "порт",
    "теңіз порты",
    "құрғақ порты",
    "порты",
)
_FACILITY_KEYS = sorted({phrase_key(w) for w in _FACILITY_WORDS}, key=len, reverse=True)

# Short names shown for places whose full name is a description.
SHORT_NAMES: dict[str, str] = {
    "cn_lianyungang_base": "Lianyungang",
    "az_alat_port": "Baku (Alat)",
    "kz_khorgos_gateway": "Khorgos",
    "cn_khorgos": "Khorgos (China)",
    "cn_qingdao_qianwan": "Qingdao",
    "cn_qingdao_dongjiakou": "Qingdao Dongjiakou",
    "my_port_klang": "Port Klang",
}


def _without_facility_words(key: str) -> str:
    words = f" {key} "
    for w in _FACILITY_KEYS:
        words = words.replace(f" {w} ", " ")
    return " ".join(words.split())


def name_variants(name: str) -> list[str]:
    """Names derived from a written name: whole, before " (" or " – ", in brackets, no facility words."""
    name = (name or "").strip().replace("«", "").replace("»", "").replace("\u201c", "").replace("\u201d", "")
    if not name:
        return []
    parts = [name]
    bracket = re.fullmatch(r"(.+?)\s*\((.+)\)\s*", name)
    if bracket:  # "Zhanaozen (Uzen)": both names; a bracket in the middle is a description, not a name
        parts += [bracket.group(1), bracket.group(2)]
    else:
        parts += re.findall(r"\(([^)]+)\)", name)
    for part in list(parts):
        for sep in (" – ", " - ", " / "):
            if sep in part:
                pieces = [p.strip() for p in part.split(sep)]
                parts += pieces if sep == " / " else pieces[:1]
    out: list[str] = []
    for part in parts:
        stripped = _without_facility_words(phrase_key(part))
        if not stripped:  # only facility words, e.g. '(deep-sea port project)': not a name
            continue
        for candidate in (part, stripped):
            if candidate and phrase_key(candidate) and candidate not in out:
                out.append(candidate)
    return out


# Map labels in Russian where the full name is a long facility name (Alat's is 46 characters).
LOCAL_SHORT_NAMES: dict[str, dict[str, str]] = {
    "az_alat_port": {"ru": "Баку (Алят)"},
    "cn_lianyungang_base": {"ru": "Ляньюньган"},
}
_LOCAL_FACILITY = re.compile(r"^(?:морской порт|сухой порт|порт)\s+|\s+(?:теңіз порты|құрғақ порты|порты|порт)$",
                             re.IGNORECASE)


def short_label(row: Mapping[str, object], lang: str) -> str:
    """The short name a map label shows in ``lang``: 'Актау' for 'Морской порт Актау', 'Құрық' for
    'Құрық порты'; the English ``short_name`` where the row has no name in ``lang``."""
    name = row.get(f"name_{lang}") if lang != "en" else None
    if not isinstance(name, str) or not name.strip():
        return short_name(row)
    local = LOCAL_SHORT_NAMES.get(str(row.get("node_id", "")), {})
    if lang in local:
        return local[lang]
    base = re.split(r"\s+\(|\s+–\s+", name.strip())[0]
    return _LOCAL_FACILITY.sub("", base).strip(" «»\"") or name.strip()


def short_name(row: Mapping[str, object]) -> str:
    """A short English name for ``row`` (a nodes record): 'Aktau' for 'Aktau seaport'."""
    node_id = str(row.get("node_id", ""))
    if node_id in SHORT_NAMES:
        return SHORT_NAMES[node_id]
    name = str(row.get("name_en") or node_id)
    base = re.split(r"\s+\(|\s+–\s+", name)[0].strip()
    words = base.split()
    drop = {"port", "seaport", "dry", "of"}
    trimmed = [w for w in words if w.casefold() not in drop]
    return " ".join(trimmed) or base


_CYR_ENDINGS = ("ами", "ого", "ом", "ой", "ей", "ем", "ах", "ам", "ою", "а", "я", "у", "ю", "е", "ы", "и")


_CYRILLIC = re.compile("[а-я]")


@lru_cache(maxsize=65536)
def _cyrillic_stems(token: str) -> tuple[str, ...]:
    """Base forms a Russian case form may come from ('хоргосе' → 'хоргос'; 'астаны' → 'астана')."""
    if len(token) < 5 or not _CYRILLIC.search(token):
        return ()
    stems: list[str] = []
    for ending in _CYR_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= 4:
            base = token[: -len(ending)]
            stems += [base, base + "а", base + "ь", base + "я"]
    return tuple(stems)


@dataclass
class PhraseMatcher:
    """Finds known phrases (folded word sequences) in text, longest first; each phrase maps to an id."""

    index: dict[str, str] = field(default_factory=dict)
    max_words: int = 1

    first_words: set[str] = field(default_factory=set)  # first word of every phrase: the only places to start

    def add(self, phrase: str, target: str, *, overwrite: bool = False) -> bool:
        key = phrase_key(phrase)
        if not key or (key in self.index and not overwrite):
            return False
        self.index[key] = target
        words = key.split(" ")
        self.max_words = max(self.max_words, len(words))
        self.first_words.add(words[0])
        return True

    def lookup(self, phrase: str) -> str | None:
        key = phrase_key(phrase)
        if key in self.index:
            return self.index[key]
        words = key.split(" ")
        for stem in _cyrillic_stems(words[-1]) if words[-1] else ():
            hit = self.index.get(" ".join([*words[:-1], stem]))
            if hit:
                return hit
        return None

    def _starts(self, word: str) -> bool:
        return word in self.first_words or any(stem in self.first_words for stem in _cyrillic_stems(word))

    def find(self, text: object) -> list[str]:
        """Ids of the phrases in ``text``, in order of first appearance, each once."""
        words = tokens(text)
        found: list[str] = []
        i = 0
        count = len(words)
        while i < count:
            hit, used = None, 1
            if self._starts(words[i]):
                for n in range(min(self.max_words, count - i), 0, -1):
                    chunk = words[i : i + n]
                    hit = self.index.get(" ".join(chunk))
                    if hit is None:
                        for stem in _cyrillic_stems(chunk[-1]):
                            hit = self.index.get(" ".join([*chunk[:-1], stem]))
                            if hit:
                                break
                    if hit:
                        used = n
                        break
            if hit and hit not in found:
                found.append(hit)
            i += used
        return found


@dataclass
class Gazetteer:
    """Place names → node ids, with each node's short name, coordinates and corridors."""

    matcher: PhraseMatcher
    names: dict[str, str]  # node_id → short English name
    variants: dict[str, list[str]]  # node_id → every name and variant (display form)
    coords: dict[str, tuple[float, float]]  # node_id → (lat, lon), only placed nodes
    corridors: dict[str, tuple[str, ...]]  # node_id → corridors whose legs use it
    ambiguous: dict[str, list[str]]  # derived variant → node ids that share it (first one wins)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # node_id → {language: short_label}
    _terms: dict[str, str] = field(default_factory=dict, repr=False)

    def label(self, node_id: str, lang: str | None = None) -> str:
        """The node's short name in ``lang`` (default: the active language), else its short English name."""
        return self.labels.get(node_id, {}).get(lang or get_language()) or self.names.get(node_id, node_id)

    def resolve(self, name: str) -> str | None:
        """The node id for one place name, or None."""
        return self.matcher.lookup(name)

    def resolve_names(self, names: Iterable[str]) -> tuple[list[str], list[str]]:
        """(node ids found, names not found), each in input order without repeats."""
        ids: list[str] = []
        missing: list[str] = []
        for name in names:
            node = self.resolve(name)
            if node is None:
                if name not in missing:
                    missing.append(name)
            elif node not in ids:
                ids.append(node)
        return ids, missing

    def find(self, text: object) -> list[str]:
        """Node ids of the places mentioned in ``text``."""
        return self.matcher.find(text)

    def search_terms(self, node_id: str) -> str:
        """All folded names of a node, for text search ('актау aktau seaport ...')."""
        terms = self._terms.get(node_id)
        if terms is None:
            terms = " ".join(dict.fromkeys(phrase_key(v) for v in self.variants.get(node_id, [])))
            self._terms[node_id] = terms
        return terms


def build_gazetteer(nodes: pd.DataFrame, segments: pd.DataFrame | None = None) -> Gazetteer:
    """A gazetteer of ``nodes`` (columns node_id, name_en, name_ru, name_kk, lat, lon)."""
    missing = {"node_id", "name_en"} - set(nodes.columns)
    if missing:
        raise ValueError(f"nodes needs columns node_id and name_en; missing {sorted(missing)}")
    matcher = PhraseMatcher()
    names: dict[str, str] = {}
    variants: dict[str, list[str]] = {}
    coords: dict[str, tuple[float, float]] = {}
    owners: dict[str, list[str]] = {}
    records = nodes.to_dict("records")
    known = {str(r["node_id"]) for r in records}
    # Explicit aliases first: they settle names that several nodes share (e.g. 'Khorgos', 'Qingdao').
    for node_id, aliases in ALIASES.items():
        if node_id not in known:
            continue
        for alias in aliases:
            matcher.add(alias, node_id)
            variants.setdefault(node_id, []).append(alias)
    for r in records:
        node_id = str(r["node_id"])
        names[node_id] = short_name(r)
        node_variants = variants.setdefault(node_id, [])
        for column in ("name_en", "name_ru", "name_kk"):
            value = r.get(column)
            for v in name_variants(value if isinstance(value, str) else ""):
                if v not in node_variants:
                    node_variants.append(v)
        for v in [names[node_id], node_id, *node_variants]:
            key = phrase_key(v)
            if node_id not in owners.setdefault(key, []):
                owners[key].append(node_id)
            matcher.add(v, node_id)
        lat, lon = r.get("lat"), r.get("lon")
        if lat is not None and lon is not None and pd.notna(lat) and pd.notna(lon):
            coords[node_id] = (float(lat), float(lon))
    ambiguous = {k: v for k, v in owners.items() if len(v) > 1}
    node_corridors: dict[str, set[str]] = {}
    if segments is not None and len(segments):
        for corridor, a, b in segments[["corridor_id", "from_node", "to_node"]].itertuples(index=False):
            node_corridors.setdefault(a, set()).add(corridor)
            node_corridors.setdefault(b, set()).add(corridor)
    labels = {str(r["node_id"]): {lang: short_label(r, lang) for lang in LANGUAGES} for r in records}
    return Gazetteer(
        matcher, names, variants, coords, {k: tuple(sorted(v)) for k, v in node_corridors.items()}, ambiguous,
        labels,
    )
