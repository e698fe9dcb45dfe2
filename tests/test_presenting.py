"""Presenters' tools: views, names and codes checked; tour order; expiry; saved views and live sessions in
the store on SQLite and PostgreSQL, with who-may-do-what enforced by the store methods themselves."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from qazdash import presenting as p
from qazdash.presenting import Actor, Presenting, PresentingError

PRESETS = {"overview", "kazakhstan", "caspian", "titr_middle_corridor"}
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


# -- views ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("params", "expected"), [
    ({"present_view": "caspian"}, {"present_view": "caspian", "lang": "en"}),
    ({"present_view": "titr_middle_corridor", "lang": "kk"}, {"present_view": "titr_middle_corridor", "lang": "kk"}),
])
def test_clean_view_keeps_known_keys_and_values(params, expected):
    assert p.clean_view(params, PRESETS) == expected


@pytest.mark.parametrize(("params", "says"), [
    ({"present_view": "caspian", "map_place": "kz_aktau"}, "map_place"),  # a key the view does not keep
    ({"present_view": "atlantis"}, "atlantis"),  # not a preset of the data
    ({"present_view": "Caspian"}, "Caspian"),  # ids are lower-case
    ({"present_view": "caspian", "lang": "de"}, "de"),
    ({"lang": "ru"}, "None"),  # no view at all
    ({"present_view": ["caspian"]}, "caspian"),
    ("present_view=caspian", "str"),
])
def test_clean_view_refuses_and_names_what_is_wrong(params, says):
    with pytest.raises(PresentingError) as err:
        p.clean_view(params, PRESETS)
    assert says in str(err.value)


def test_without_presets_only_the_form_of_the_id_is_checked():
    assert p.clean_view({"present_view": "some_new_corridor"}) == {"present_view": "some_new_corridor", "lang": "en"}
    with pytest.raises(PresentingError):
        p.clean_view({"present_view": "<script>"})


# -- names ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("  Middle   Corridor ", "Middle Corridor"),
    ("Line one\nline two\ttab", "Line one line two tab"),
    ("Aktau\u202e gnp.exe", "Aktau gnp.exe"),  # a right-to-left override is dropped
    ("Средний коридор", "Средний коридор"),
    ("Қоргас", "Қоргас"),
    ("<b>bold</b>", "<b>bold</b>"),  # kept as text: pages escape it when they show it
    ("x" * p.NAME_LIMIT, "x" * p.NAME_LIMIT),
])
def test_clean_name(text, expected):
    assert p.clean_name(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u200f", None, 42, "x" * (p.NAME_LIMIT + 1)])
def test_clean_name_refuses_empty_and_long_names(text):
    with pytest.raises(PresentingError):
        p.clean_name(text)


def test_refusals_are_translatable_templates_with_their_fields():
    with pytest.raises(PresentingError) as err:
        p.clean_name("y" * 81)
    assert err.value.message == "Use at most {limit} characters (this has {count})."
    assert err.value.fields == {"limit": 80, "count": 81}
    assert str(err.value) == "Use at most 80 characters (this has 81)."


# -- codes ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("ABC234", "ABC234"),
    ("abc234", "ABC234"),
    (" abc-234 ", "ABC234"),
    ("ABC 234", "ABC234"),
    ("ABC23", None),  # too short
    ("ABC2345", None),  # too long
    ("ABCI23", None),  # I is not in the alphabet (mistaken for 1)
    ("ABC0O1", None),
    ("'; DROP TABLE presenter_sessions; --", None),
    ("", None),
    (None, None),
    ("A" * 1000, None),
])
def test_normalize_code(text, expected):
    assert p.normalize_code(text) == expected


def test_new_codes_are_valid_and_do_not_repeat():
    codes = {p.new_code() for _ in range(2000)}
    assert all(p.normalize_code(c) == c for c in codes)
    assert len(codes) > 1990  # 31**6 codes: repeats among 2,000 draws are very rare


def test_tokens_are_checked_by_hash():
    token = p.new_token()
    assert p.token_matches(token, p.token_hash(token))
    assert not p.token_matches(token + "x", p.token_hash(token))
    assert not p.token_matches(None, p.token_hash(token))
    assert not p.token_matches(token, None)


@pytest.mark.parametrize(("age", "expired"), [
    (timedelta(0), False), (timedelta(hours=11, minutes=59), False), (timedelta(hours=12), True),
    (timedelta(days=3), True),
])
def test_expiry_after_twelve_hours_without_updates(age, expired):
    assert p.is_expired(T0 - age, T0) is expired
    assert p.is_expired((T0 - age).replace(tzinfo=None), T0) is expired  # SQLite's naive UTC timestamps


# -- the tour ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("requested", "expected"), [
    (None, [1, 2, 3, 4]),
    ("", [1, 2, 3, 4]),
    ("3,1", [3, 1, 2, 4]),  # named first, the rest (e.g. views saved since) after
    ("4,3,2,1", [4, 3, 2, 1]),
    ("9,3,x,3,,-1,1.5", [3, 1, 2, 4]),  # unknown, malformed and repeated items dropped
])
def test_tour_order(requested, expected):
    assert p.tour_order([1, 2, 3, 4], requested) == expected


@pytest.mark.parametrize(("view_id", "delta", "expected"), [
    (3, -1, [1, 3, 2]), (1, -1, [1, 2, 3]), (3, +1, [1, 2, 3]), (1, +1, [2, 1, 3]), (9, +1, [1, 2, 3]),
])
def test_move(view_id, delta, expected):
    assert p.move([1, 2, 3], view_id, delta) == expected


@pytest.mark.parametrize(("text", "count", "expected"), [
    ("1", 3, 1), ("3", 3, 3), ("4", 3, None), ("0", 3, None), ("-1", 3, None), ("two", 3, None),
    (None, 3, None), ("1", 0, None),
])
def test_parse_step(text, count, expected):
    assert p.parse_step(text, count) == expected


@pytest.mark.parametrize(("step", "delta", "wrap", "expected"), [
    (1, +1, False, 2), (3, +1, False, 3), (1, -1, False, 1), (3, +1, True, 1), (1, -1, True, 3),
    (None, +1, False, 1), (None, -1, False, 3),
])
def test_next_step(step, delta, wrap, expected):
    assert p.next_step(step, 3, delta, wrap=wrap) == expected


def test_next_step_of_an_empty_tour():
    assert p.next_step(None, 0, +1) is None


# -- saved views in the store (SQLite and PostgreSQL) ----------------------------------------------------
AUTHOR = Actor("Aigerim", owner_token="aigerim-session")
OTHER = Actor("Dmitry", owner_token="dmitry-session")
ANALYST = Actor("Analyst", owner_token="analyst-session", is_analyst=True)


@pytest.fixture
def presenting(store) -> Presenting:
    return Presenting(store.engine)


def test_saved_views_are_shared_and_listed_oldest_first(presenting, db_url):
    a = presenting.save_view("Caspian", {"present_view": "caspian", "lang": "ru"}, AUTHOR)
    b = presenting.save_view("Kazakhstan", {"present_view": "kazakhstan"}, OTHER)
    other_replica = Presenting(sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://")))
    assert [(v.id, v.name, v.params, v.author) for v in other_replica.views()] == [
        (a.id, "Caspian", {"present_view": "caspian", "lang": "ru"}, "Aigerim"),
        (b.id, "Kazakhstan", {"present_view": "kazakhstan", "lang": "en"}, "Dmitry"),
    ]
    assert presenting.view(a.id).created_at.tzinfo is not None
    other_replica.engine.dispose()


def test_save_checks_name_view_and_author(presenting):
    with pytest.raises(PresentingError, match="name"):
        presenting.save_view("  ", {"present_view": "caspian"}, AUTHOR)
    with pytest.raises(PresentingError, match="map_place"):
        presenting.save_view("x", {"present_view": "caspian", "map_place": "kz_aktau"}, AUTHOR)
    with pytest.raises(PresentingError, match="your name"):
        presenting.save_view("x", {"present_view": "caspian"}, Actor("", owner_token="t"))
    assert presenting.views() == []


def test_a_taken_name_is_refused_for_save_and_rename(presenting):
    presenting.save_view("Caspian", {"present_view": "caspian"}, AUTHOR)
    other = presenting.save_view("Steppe", {"present_view": "kazakhstan"}, AUTHOR)
    with pytest.raises(PresentingError, match="exists already"):
        presenting.save_view("Caspian", {"present_view": "overview"}, OTHER)
    with pytest.raises(PresentingError, match="exists already"):
        presenting.rename_view(other.id, "Caspian", AUTHOR)
    assert [v.name for v in presenting.views()] == ["Caspian", "Steppe"]


def test_only_the_author_or_an_analyst_renames_and_deletes(presenting):
    view = presenting.save_view("Caspian", {"present_view": "caspian"}, AUTHOR)
    for intruder in (OTHER, Actor("Aigerim", owner_token=None), Actor("Aigerim", owner_token="guess")):
        with pytest.raises(PresentingError, match="Only the author"):
            presenting.rename_view(view.id, "Mine now", intruder)
        with pytest.raises(PresentingError, match="Only the author"):
            presenting.delete_view(view.id, intruder)
    assert presenting.rename_view(view.id, "Caspian ports", AUTHOR).name == "Caspian ports"
    assert presenting.rename_view(view.id, "Caspian crossing", ANALYST).name == "Caspian crossing"
    presenting.delete_view(view.id, ANALYST)
    assert presenting.views() == []
    mine = presenting.save_view("Mine", {"present_view": "overview"}, OTHER)
    presenting.delete_view(mine.id, OTHER)
    with pytest.raises(PresentingError, match="does not exist"):
        presenting.delete_view(mine.id, OTHER)


def test_the_owner_token_is_stored_only_as_a_hash(presenting):
    presenting.save_view("Caspian", {"present_view": "caspian"}, AUTHOR)
    with presenting.engine.connect() as conn:
        row = conn.execute(sa.select(p.views_t)).one()
    assert "aigerim-session" not in str(tuple(row))
    assert row.owner_hash == p.token_hash("aigerim-session")


# -- live sessions in the store ---------------------------------------------------------------------------
def test_a_live_session_moves_with_its_presenter(presenting):
    code, token = presenting.start_live("Aigerim", {"present_view": "overview", "lang": "kk"})
    assert p.normalize_code(code) == code
    assert presenting.live_state(code) == p.LiveState(code, 1, ended=False, expired=False)
    assert presenting.publish(code, token, {"present_view": "caspian", "lang": "kk"}) == 2
    assert presenting.publish(code, token, {"present_view": "caspian", "lang": "kk"}) == 2  # no change, no revision
    live = presenting.live(code.lower())  # the audience may type the code in lower case
    assert (live.presenter, live.params, live.revision, live.running) == (
        "Aigerim", {"present_view": "caspian", "lang": "kk"}, 2, True)


def test_the_audience_cannot_move_the_view(presenting):
    code, token = presenting.start_live("Aigerim", {"present_view": "overview"})
    for wrong in ("", "guess", token[:-1]):
        with pytest.raises(PresentingError, match="Only the presenter"):
            presenting.publish(code, wrong, {"present_view": "caspian"})
        with pytest.raises(PresentingError, match="Only the presenter"):
            presenting.end_live(code, wrong)
    assert presenting.live(code).params == {"present_view": "overview", "lang": "en"}
    assert presenting.live_state(code).running


def test_a_presenter_who_reloaded_resumes_with_the_presenter_key(presenting):
    code, token = presenting.start_live("Aigerim", {"present_view": "overview", "lang": "kk"})
    presenting.publish(code, token, {"present_view": "caspian", "lang": "kk"})
    resumed = presenting.resume(code.lower(), f"  {token} ")  # pasted with spaces, code typed in lower case
    assert (resumed.code, resumed.params, resumed.revision) == (code, {"present_view": "caspian", "lang": "kk"}, 2)
    for wrong in ("", "guess", token[:-1]):
        with pytest.raises(PresentingError, match="does not belong to live session"):
            presenting.resume(code, wrong)
    with pytest.raises(PresentingError, match="No live session"):
        presenting.resume("ABC234", token)
    presenting.end_live(code, token)
    with pytest.raises(PresentingError, match="ended"):
        presenting.resume(code, token)


def test_ended_sessions_refuse_updates_and_say_so(presenting):
    code, token = presenting.start_live("Aigerim", {"present_view": "overview"})
    presenting.end_live(code, token)
    presenting.end_live(code, token)  # twice is fine
    state = presenting.live_state(code)
    assert state.ended and not state.running
    with pytest.raises(PresentingError, match="ended"):
        presenting.publish(code, token, {"present_view": "caspian"})


def test_sessions_expire_after_twelve_hours_without_updates(store):
    now = [T0]
    presenting = Presenting(store.engine, clock=lambda: now[0])
    code, token = presenting.start_live("Aigerim", {"present_view": "overview"})
    now[0] = T0 + timedelta(hours=11)
    assert presenting.publish(code, token, {"present_view": "caspian"}) == 2  # an update restarts the clock
    now[0] = T0 + timedelta(hours=22)
    assert presenting.live_state(code).running
    now[0] = T0 + timedelta(hours=23)
    assert presenting.live_state(code).expired and not presenting.live(code).running
    with pytest.raises(PresentingError, match="expired"):
        presenting.publish(code, token, {"present_view": "kazakhstan"})


def test_old_sessions_are_purged_when_a_new_one_starts(store):
    now = [T0]
    presenting = Presenting(store.engine, clock=lambda: now[0])
    old, _ = presenting.start_live("Aigerim", {"present_view": "overview"})
    now[0] = T0 + p.LIVE_TTL + p.PURGE_AFTER + timedelta(minutes=1)
    new, _ = presenting.start_live("Dmitry", {"present_view": "overview"})
    assert presenting.live_state(old) is None
    assert presenting.live_state(new).running


@pytest.mark.parametrize("code", ["nonsense!", "ABC0O1", "' OR 1=1 --", ""])
def test_malformed_codes_never_reach_the_database(presenting, monkeypatch, code):
    monkeypatch.setattr(presenting, "engine", None)  # any query would fail
    assert presenting.live_state(code) is None
    assert presenting.live(code) is None
    with pytest.raises(PresentingError, match="not a live-session code"):
        presenting.publish(code, "t", {"present_view": "overview"})


def test_unknown_codes_are_none(presenting):
    assert presenting.live_state("ABC234") is None
    assert presenting.live("ABC234") is None
    with pytest.raises(PresentingError, match="No live session"):
        presenting.publish("ABC234", "t", {"present_view": "overview"})


def test_a_code_already_taken_is_drawn_again(presenting, monkeypatch):
    first, _ = presenting.start_live("Aigerim", {"present_view": "overview"})
    draws = iter([first, first, "XYZ789"])
    monkeypatch.setattr(p, "new_code", lambda: next(draws))
    second, _ = presenting.start_live("Dmitry", {"present_view": "caspian"})
    assert second == "XYZ789"
    assert presenting.live(first).presenter == "Aigerim"


def test_concurrent_publishes_count_every_change(presenting):
    code, token = presenting.start_live("Aigerim", {"present_view": "overview"})
    views = [f"view_{i}" for i in range(20)]  # all different (the store checks only the form of an id)
    errors = []

    def step(i):
        try:
            presenting.publish(code, token, {"present_view": views[i]})
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=step, args=(i,)) for i in range(len(views))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert presenting.live_state(code).revision == 1 + len(views)  # no update lost


def test_migration_0003_goes_down_and_up_again(tmp_path):
    from alembic import command
    from alembic.config import Config

    from qazdash.store import MIGRATIONS, Store

    store = Store.open(f"sqlite:///{tmp_path / 'm.db'}")
    Presenting(store.engine).save_view("Caspian", {"present_view": "caspian"}, AUTHOR)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert not {"presenter_views", "presenter_sessions"} & set(sa.inspect(store.engine).get_table_names())
    store.upgrade()
    assert Presenting(store.engine).views() == []
