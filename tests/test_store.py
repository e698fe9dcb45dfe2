"""The versioned store, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from qazdash.errors import QazdashDataError
from qazdash.store import Store


def test_first_start_makes_the_shipped_data_version_1_of_each_kind(store, shipped):
    versions = store.current_versions()
    assert set(versions) == set(shipped)
    for kind, vid in versions.items():
        v = store.version(vid)
        assert (v.kind, v.action, v.row_count) == (kind, "seed", len(shipped[kind]))
        assert len(v.sha256) == 64
        assert store.read(kind).shape == shipped[kind].shape


def test_reads_keep_types(store):
    nodes = store.read("nodes")
    assert nodes["lat"].dtype == "float64"
    assert nodes.set_index("node_id").loc["kz_almaty", "name_ru"] == "Алматы"
    assert str(store.read("segments")["seq"].dtype) == "Int64"


def test_seeding_again_changes_nothing(store, shipped, db_url):
    before = store.current_versions()
    again = Store.open(db_url, seed=lambda: shipped)
    assert again.current_versions() == before
    assert len(again.versions()) == len(before)


def test_append_replace_and_rollback_keep_every_version(store, shipped):
    nodes = shipped["nodes"]
    seed_id = store.current_versions()["nodes"]
    new = nodes.head(1).assign(node_id="kz_test_place", name_en="Test place")
    v2 = store.commit("nodes", new, author="analyst", source_name="new.csv", raw=b"raw bytes", note="one more")
    assert (v2.action, v2.row_count, v2.based_on, v2.author) == ("append", len(nodes) + 1, seed_id, "analyst")
    assert store.raw_file(v2.id) == ("new.csv", b"raw bytes")
    assert "kz_test_place" in set(store.read("nodes")["node_id"])

    v3 = store.commit("nodes", nodes.head(3), author="analyst", source_name="three.csv", mode="replace")
    assert len(store.read("nodes")) == 3 and v3.based_on == v2.id

    v4 = store.rollback("nodes", seed_id, author="analyst")
    assert v4.action == "rollback" and store.current_versions()["nodes"] == v4.id
    assert len(store.read("nodes")) == len(nodes)
    assert [v.id for v in store.versions("nodes")] == [v4.id, v3.id, v2.id, seed_id]
    assert len(store.read("nodes", v3.id)) == 3  # older versions stay readable


def test_append_with_update_replaces_rows_with_the_same_key(store, shipped):
    almaty = shipped["nodes"].head(1).assign(name_en="Almaty (updated)")
    store.commit("nodes", almaty, author="a", source_name="u.csv", replace_keys=True)
    nodes = store.read("nodes")
    assert len(nodes) == len(shipped["nodes"])
    assert nodes.set_index("node_id").loc["kz_almaty", "name_en"] == "Almaty (updated)"


def test_a_failed_commit_writes_nothing(store, shipped, monkeypatch):
    before = (store.current_versions(), len(store.versions()))

    def boom(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_set_current", boom)
    with pytest.raises(RuntimeError):
        store.commit("nodes", shipped["nodes"].head(1), author="a", source_name="x.csv", raw=b"x")
    assert (store.current_versions(), len(store.versions())) == before
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from raw_files")).scalar() == 0


def test_rollback_to_another_kind_is_refused(store):
    nodes_version = store.current_versions()["nodes"]
    with pytest.raises(QazdashDataError, match="belongs to nodes"):
        store.rollback("articles", nodes_version, author="a")


def test_saved_mappings(store):
    store.save_mapping("excel-ru", "articles", {"Дата": "published", "Заголовок": "title"}, author="a")
    store.save_mapping("excel-ru", "articles", {"Дата": "published"}, author="b")
    assert store.mappings("articles") == {"excel-ru": ("articles", {"Дата": "published"})}
    assert store.mappings("nodes") == {}


def test_concurrent_appends_lose_nothing(store, shipped):
    """Two writers appending at once: both rows end up in the current version."""
    rows = [shipped["nodes"].head(1).assign(node_id=f"kz_concurrent_{i}") for i in range(2)]
    errors: list[Exception] = []

    def write(frame):
        try:
            store.commit("nodes", frame, author="a", source_name="c.csv")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(r,)) for r in rows]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ids = set(store.read("nodes")["node_id"])
    assert {"kz_concurrent_0", "kz_concurrent_1"} <= ids


def test_sqlite_is_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("QAZDASH_DB_PATH", str(tmp_path / "sub" / "q.db"))
    s = Store.open()
    assert s.engine.url.get_backend_name() == "sqlite"
    assert (tmp_path / "sub" / "q.db").exists()
