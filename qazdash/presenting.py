"""Presenters' tools: saved views, a tour through them, and live sessions an audience follows.

A *view* is the /present page's URL state: ``{"present_view": <preset id>, "lang": <language>}``.
Saved views and live sessions live in the store's database (tables made by migration 0003), so every
session on every replica sees them. The pure logic (checking views, names and codes, tour order,
expiry) is at the top; ``Presenting`` reads and writes the two tables.

Who may change what is decided here, not by hiding buttons: a saved view is renamed or deleted only
by the session that saved it (it holds a secret owner token, kept as a SHA-256 hash) or by an
analyst; a live session moves only for the holder of its presenter token. The audience has the
code alone, which reads.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from qazdash.i18n import LANGUAGES, N_
from qazdash.store import writer

VIEW_KEY = "present_view"
LANG_KEY = "lang"
VIEW_KEYS = (VIEW_KEY, LANG_KEY)  # the URL parameters a saved view keeps
NAME_LIMIT = 80  # characters of a saved view's name
PRESENTER_LIMIT = 60  # characters of a presenter's name
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1: read aloud and typed without mix-ups
CODE_LENGTH = 6  # 31**6 ≈ 890 million codes
LIVE_TTL = timedelta(hours=12)  # a live session without an update for this long has expired
PURGE_AFTER = timedelta(days=7)  # ended or expired sessions are deleted after this
_ID = re.compile(r"[a-z0-9_]{1,64}")
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


class PresentingError(ValueError):
    """A refused request, with a message to show. ``message`` is an English template marked for
    translation (``N_``); ``fields`` fill its placeholders: show ``_(err.message).format(**err.fields)``."""

    def __init__(self, message: str, **fields: Any):
        self.message = message
        self.fields = fields
        super().__init__(message.format(**fields))


# -- pure logic ------------------------------------------------------------------------------------
def clean_text(text: object, limit: int, empty: str) -> str:
    """``text`` as one line (NFC, no control or formatting characters, single spaces), at most ``limit``
    characters; raises ``PresentingError`` (``empty`` when nothing is left)."""
    if not isinstance(text, str):
        raise PresentingError(empty)
    text = unicodedata.normalize("NFC", text)
    # Cc: control characters (newlines, NUL); Cf: formatting ones such as right-to-left overrides
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text
                   if unicodedata.category(c) != "Cf")
    text = " ".join(text.split())
    if not text:
        raise PresentingError(empty)
    if len(text) > limit:
        raise PresentingError(N_("Use at most {limit} characters (this has {count})."), limit=limit, count=len(text))
    return text


def clean_name(text: object) -> str:
    """A saved view's name, checked (see ``clean_text``)."""
    return clean_text(text, NAME_LIMIT, N_("Enter a name for the view."))


def clean_presenter(text: object) -> str:
    """A presenter's name as the audience sees it, checked (see ``clean_text``)."""
    return clean_text(text, PRESENTER_LIMIT, N_("Enter your name: your audience and saved views show it."))


def clean_view(params: object, preset_ids: Collection[str] | None = None) -> dict[str, str]:
    """A view as ``{"present_view": id, "lang": code}``; only those keys, each value checked.

    ``preset_ids`` are the view presets of the current data (fixed presets and corridor ids); without
    them only the form of the id is checked (the store does that; pages check against the data).
    A missing ``lang`` is English. Raises ``PresentingError`` naming the key and the value.
    """
    if not isinstance(params, Mapping):
        raise PresentingError(N_("A view must be a mapping of URL parameters, not {value}."),
                              value=type(params).__name__)
    unknown = sorted(str(k) for k in params if k not in VIEW_KEYS)
    if unknown:
        raise PresentingError(N_("A view keeps only {allowed}; it has {unknown}."),
                              allowed=", ".join(VIEW_KEYS), unknown=", ".join(unknown)[:200])
    preset = params.get(VIEW_KEY)
    if not isinstance(preset, str) or not _ID.fullmatch(preset) or (
            preset_ids is not None and preset not in preset_ids):
        raise PresentingError(N_("The map view {value} does not exist (any more)."), value=str(preset)[:64])
    lang = params.get(LANG_KEY, "en")
    if lang not in LANGUAGES:
        raise PresentingError(N_("The language {value} is not one of {allowed}."), value=str(lang)[:16],
                              allowed=", ".join(LANGUAGES))
    return {VIEW_KEY: preset, LANG_KEY: lang}


def normalize_code(text: object) -> str | None:
    """A live-session code as stored (``'abc-234'`` → ``'ABC234'``), or ``None`` when it cannot be one.

    Call it before any query: nothing else reaches the database.
    """
    if not isinstance(text, str) or len(text) > 32:
        return None
    code = re.sub(r"[\s-]", "", text).upper()
    return code if _CODE.fullmatch(code) else None


def new_code() -> str:
    """A random live-session code (``secrets``: not guessable from earlier codes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    """A secret that proves who saved a view or runs a live session; only its hash is stored."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
    return bool(token) and bool(stored_hash) and hmac.compare_digest(token_hash(token), stored_hash)


def is_expired(updated_at: datetime, now: datetime | None = None, ttl: timedelta = LIVE_TTL) -> bool:
    """True when a live session last updated at ``updated_at`` has expired at ``now``."""
    return (now or datetime.now(UTC)) - _utc(updated_at) >= ttl


def tour_order(view_ids: Sequence[int], requested: str | None) -> list[int]:
    """The tour: the ids named in ``requested`` (``"5,2,9"``, from the URL) that still exist, in that
    order, then the other saved views in their own order. Unknown, repeated or malformed items are dropped."""
    known = list(dict.fromkeys(view_ids))
    named: list[int] = []
    for item in (requested or "").split(",")[: len(known) + 50]:
        item = item.strip()
        if item.isdigit() and int(item) in known and int(item) not in named:
            named.append(int(item))
    return named + [v for v in known if v not in named]


def format_tour(order: Sequence[int]) -> str:
    return ",".join(str(v) for v in order)


def move(order: Sequence[int], view_id: int, delta: int) -> list[int]:
    """``order`` with ``view_id`` moved ``delta`` places (−1 up, +1 down), kept inside the list."""
    out = list(order)
    if view_id not in out:
        return out
    i = out.index(view_id)
    j = max(0, min(len(out) - 1, i + delta))
    out.insert(j, out.pop(i))
    return out


def parse_step(text: object, count: int) -> int | None:
    """The tour position (1-based) named by ``?present_step=``, or ``None`` when it is not one of 1..count."""
    if isinstance(text, str) and text.strip().isdigit():
        step = int(text.strip())
        if 1 <= step <= count:
            return step
    return None


def next_step(step: int | None, count: int, delta: int, wrap: bool = False) -> int | None:
    """The step after ``step`` moving ``delta``; stays at the ends unless ``wrap`` (autoplay loops).
    From no step, forward starts at 1 and backward at the last."""
    if count <= 0:
        return None
    if step is None:
        return 1 if delta > 0 else count
    target = step + delta
    if wrap:
        return (target - 1) % count + 1
    return max(1, min(count, target))


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes (written as UTC): make every timestamp aware."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# -- tables ----------------------------------------------------------------------------------------
metadata = sa.MetaData()
views_t = sa.Table(
    "presenter_views",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(NAME_LIMIT), nullable=False, unique=True),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("owner_hash", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
sessions_t = sa.Table(
    "presenter_sessions",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("presenter", sa.String(PRESENTER_LIMIT), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
)


@dataclass(frozen=True)
class SavedView:
    id: int
    name: str
    params: dict[str, str]
    author: str
    created_at: datetime
    owner_hash: str | None = None  # sha256 of the saving session's owner token

    @classmethod
    def from_row(cls, row) -> SavedView:
        return cls(row.id, row.name, dict(row.params), row.author, _utc(row.created_at), row.owner_hash)


@dataclass(frozen=True)
class Actor:
    """Who asks: their display name, their session's owner token, and whether they are a signed-in analyst."""

    name: str
    owner_token: str | None = None
    is_analyst: bool = False


def may_edit(owner_hash: str | None, actor: Actor) -> bool:
    """Whether ``actor`` may rename or delete a view saved with ``owner_hash``: its author or an analyst."""
    return actor.is_analyst or token_matches(actor.owner_token, owner_hash)


@dataclass(frozen=True)
class LiveState:
    """What the audience polls: the revision and whether the session still runs (no view: cheap)."""

    code: str
    revision: int
    ended: bool
    expired: bool

    @property
    def running(self) -> bool:
        return not (self.ended or self.expired)


@dataclass(frozen=True)
class LiveSession(LiveState):
    """A live session with what it shows (the audience loads this when the revision changed)."""

    presenter: str
    params: dict[str, str]
    updated_at: datetime


class Presenting:
    """Saved views and live sessions in the store's database (``Presenting(store.engine)``)."""

    def __init__(self, engine: Engine, *, clock=lambda: datetime.now(UTC)):
        self.engine = engine
        self._writer = writer(engine)  # one writer at a time, as in the store
        self.clock = clock

    # -- saved views -------------------------------------------------------------------------------
    def views(self) -> list[SavedView]:
        """Every saved view, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(views_t).order_by(views_t.c.id)).all()
        return [SavedView.from_row(r) for r in rows]

    def view(self, view_id: int) -> SavedView | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(views_t).where(views_t.c.id == int(view_id))).first()
        return None if row is None else SavedView.from_row(row)

    def save_view(self, name: str, params: Mapping[str, str], actor: Actor) -> SavedView:
        """Save ``params`` under ``name``; a name already taken is refused (rename or delete that one)."""
        name = clean_name(name)
        params = clean_view(params)
        author = clean_presenter(actor.name)
        now = self.clock()
        owner = token_hash(actor.owner_token) if actor.owner_token else None
        try:
            with self._writer.begin() as conn:
                view_id = conn.execute(views_t.insert().values(
                    name=name, params=params, author=author,
                    owner_hash=owner,
                    created_at=now, updated_at=now,
                ).returning(views_t.c.id)).scalar_one()
        except IntegrityError:
            raise PresentingError(N_("A view named “{name}” exists already: choose another name."),
                                  name=name) from None
        return SavedView(view_id, name, params, author, now, owner)

    def _owned(self, conn, view_id: int, actor: Actor, refusal: str):
        row = conn.execute(sa.select(views_t).where(views_t.c.id == int(view_id)).with_for_update()).first()
        if row is None:
            raise PresentingError(N_("That view does not exist any more."))
        if not may_edit(row.owner_hash, actor):
            raise PresentingError(refusal, name=row.name)
        return row

    def rename_view(self, view_id: int, name: str, actor: Actor) -> SavedView:
        """Rename a view: its author (the session that saved it) or an analyst."""
        name = clean_name(name)
        try:
            with self._writer.begin() as conn:
                row = self._owned(conn, view_id, actor, N_("Only the author of “{name}” or an analyst may rename it."))
                conn.execute(views_t.update().where(views_t.c.id == row.id)
                             .values(name=name, updated_at=self.clock()))
        except IntegrityError:
            raise PresentingError(N_("A view named “{name}” exists already: choose another name."),
                                  name=name) from None
        return self.view(view_id)

    def delete_view(self, view_id: int, actor: Actor) -> None:
        """Delete a view: its author (the session that saved it) or an analyst."""
        with self._writer.begin() as conn:
            row = self._owned(conn, view_id, actor, N_("Only the author of “{name}” or an analyst may delete it."))
            conn.execute(views_t.delete().where(views_t.c.id == row.id))

    # -- live sessions -----------------------------------------------------------------------------
    def start_live(self, presenter: str, params: Mapping[str, str]) -> tuple[str, str]:
        """Start a live session showing ``params``; returns ``(code, presenter token)``. Keep the token
        secret (session state): it is what lets this presenter, and nobody else, move the view."""
        presenter = clean_presenter(presenter)
        params = clean_view(params)
        token = new_token()
        now = self.clock()
        self.purge(now)
        for _attempt in range(8):
            code = new_code()
            try:
                with self._writer.begin() as conn:
                    conn.execute(sessions_t.insert().values(
                        code=code, presenter=presenter, token_hash=token_hash(token), params=params,
                        revision=1, created_at=now, updated_at=now, ended_at=None))
                return code, token
            except IntegrityError:
                continue  # the code is taken (old or concurrent session): draw another
        raise RuntimeError("could not find a free live-session code in 8 attempts")

    def publish(self, code: str, token: str, params: Mapping[str, str]) -> int:
        """Show ``params`` to the audience of ``code``: the new revision. Refused without the presenter's
        token, and once the session has ended or expired."""
        params = clean_view(params)
        code = self._code(code)
        now = self.clock()
        with self._writer.begin() as conn:
            row = conn.execute(sa.select(sessions_t).where(sessions_t.c.code == code).with_for_update()).first()
            self._check_presenter(row, token, now)
            if dict(row.params) == params:
                return row.revision
            revision = row.revision + 1
            conn.execute(sessions_t.update().where(sessions_t.c.code == code)
                         .values(params=params, revision=revision, updated_at=now))
        return revision

    def resume(self, code: str, token: str) -> LiveSession:
        """The running live session ``code`` for its presenter again (after a reload lost the session state),
        given the presenter key (token) ``start_live`` returned; refused for any other key."""
        code = self._code(code)
        token = str(token or "").strip()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions_t).where(sessions_t.c.code == code)).first()
        if row is not None and not token_matches(token, row.token_hash):
            raise PresentingError(N_("This presenter key does not belong to live session {code}."), code=code)
        self._check_presenter(row, token, self.clock())
        return self._live_session(row)

    def end_live(self, code: str, token: str) -> None:
        """End a live session (its presenter only); the audience is told it has ended."""
        code = self._code(code)
        now = self.clock()
        with self._writer.begin() as conn:
            row = conn.execute(sa.select(sessions_t).where(sessions_t.c.code == code).with_for_update()).first()
            if row is not None and row.ended_at is not None:
                return
            self._check_presenter(row, token, now, allow_expired=True)
            conn.execute(sessions_t.update().where(sessions_t.c.code == code).values(ended_at=now, updated_at=now))

    def live_state(self, code: str) -> LiveState | None:
        """The revision of ``code`` and whether it runs (what the audience polls), or ``None`` if unknown."""
        code = normalize_code(code)
        if code is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions_t.c.revision, sessions_t.c.updated_at, sessions_t.c.ended_at)
                               .where(sessions_t.c.code == code)).first()
        if row is None:
            return None
        return LiveState(code, row.revision, row.ended_at is not None, is_expired(row.updated_at, self.clock()))

    def live(self, code: str) -> LiveSession | None:
        """The live session ``code`` with its current view, or ``None`` if the code is malformed or unknown."""
        code = normalize_code(code)
        if code is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions_t).where(sessions_t.c.code == code)).first()
        return None if row is None else self._live_session(row)

    def _live_session(self, row) -> LiveSession:
        return LiveSession(row.code, row.revision, row.ended_at is not None, is_expired(row.updated_at, self.clock()),
                           presenter=row.presenter, params=dict(row.params), updated_at=_utc(row.updated_at))

    def purge(self, now: datetime | None = None) -> int:
        """Delete sessions that ended or expired more than ``PURGE_AFTER`` ago; returns how many."""
        cutoff = (now or self.clock()) - LIVE_TTL - PURGE_AFTER
        with self._writer.begin() as conn:
            return conn.execute(sessions_t.delete().where(sessions_t.c.updated_at < cutoff)).rowcount

    @staticmethod
    def _code(code: str) -> str:
        normal = normalize_code(code)
        if normal is None:
            raise PresentingError(N_("{code} is not a live-session code."), code=str(code)[:32])
        return normal

    @staticmethod
    def _check_presenter(row, token: str, now: datetime, allow_expired: bool = False) -> None:
        if row is None:
            raise PresentingError(N_("No live session has this code."))
        if not token_matches(token, row.token_hash):
            raise PresentingError(N_("Only the presenter of this live session can change its view."))
        if row.ended_at is not None:
            raise PresentingError(N_("This live session has ended."))
        if not allow_expired and is_expired(row.updated_at, now):
            raise PresentingError(N_("This live session has expired."))
