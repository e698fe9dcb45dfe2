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


def _autocheckpoint_of_every_pooled_connection(store: Store) -> set[int]:
    conns = [store.engine.connect() for _ in range(3)]
    try:
        return {c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() for c in conns}
    finally:
        for c in conns:
            c.close()


def test_a_large_commit_on_sqlite_checkpoints_the_wal_after_returning(tmp_path, shipped):
    """The WAL checkpoint after an upload's commit runs on a background thread; the data is committed first."""
    s = Store.open(f"sqlite:///{tmp_path / 'q.db'}", seed=lambda: shipped)
    raw = b"node_id\n" + b"".join(b"kz_%07d\n" % i for i in range(300_000))  # ~3 MB, ~700 WAL pages
    new = shipped["nodes"].head(1).assign(node_id="kz_large_write")
    version = s.commit("nodes", new, author="a", source_name="big.csv", raw=raw)
    assert s.current_versions()["nodes"] == version.id  # committed before any checkpoint
    s.wait_for_checkpoints()
    with s.engine.connect() as conn:
        busy, wal_frames, checkpointed = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    assert busy == 0 and wal_frames == checkpointed  # nothing left in the WAL to copy
    assert _autocheckpoint_of_every_pooled_connection(s) == {1000}  # SQLite's default is back
    assert Store(s.engine).raw_file(version.id) == ("big.csv", raw)
    s.engine.dispose()


def test_a_failed_large_commit_restores_the_checkpoint_setting(tmp_path, shipped, monkeypatch):
    s = Store.open(f"sqlite:///{tmp_path / 'q.db'}", seed=lambda: shipped)
    monkeypatch.setattr(s, "_set_current", lambda *_a, **_k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        s.commit("nodes", shipped["nodes"].head(1), author="a", source_name="x.csv", raw=b"x" * 100_000)
    assert _autocheckpoint_of_every_pooled_connection(s) == {1000}
    assert not s._checkpoints  # no checkpoint was scheduled for a rolled-back write
    s.engine.dispose()


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


def test_raw_files_are_kept_compressed_and_come_back_byte_for_byte(store, shipped):
    raw = ("node_id;name_en\n" + "kz_test_place;Test place — Тест\n" * 5000).encode("utf-8") + b"\xff\x00"
    new = shipped["nodes"].head(1).assign(node_id="kz_test_place")
    version = store.commit("nodes", new, author="a", source_name="big.csv", raw=memoryview(raw),
                           raw_sha256="0" * 64)
    assert store.raw_file(version.id) == ("big.csv", raw)
    assert version.sha256 == "0" * 64  # the hash the caller already computed is recorded, not recomputed
    with store.engine.connect() as conn:
        codec, size, stored = conn.execute(sa.text(
            "select compression, size, length(content) from raw_files where version_id = :v"), {"v": version.id}).one()
    assert (codec, size) == ("zstd", len(raw))
    assert stored < len(raw) / 20


def test_migration_0002_keeps_raw_files_written_before_it_readable(tmp_path, shipped):
    from alembic import command
    from alembic.config import Config

    from qazdash.store import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(sa.create_engine(url))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))

    def migrate(step, target):
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, target)

    migrate(command.upgrade, "0001")
    with store.engine.begin() as conn:  # a version and its raw file as revision 0001 wrote them
        conn.execute(sa.text("insert into dataset_versions (kind, created_at, author, source_name, sha256, "
                             "row_count, action, note) values ('nodes', '2026-11-01', 'a', 'old.csv', 'x', 0, "
                             "'append', '')"))
        conn.execute(sa.text("insert into raw_files values (1, 'old.csv', :c)"), {"c": b"old,bytes\n"})
    migrate(command.upgrade, "head")
    assert store.raw_file(1) == ("old.csv", b"old,bytes\n")
    new = store.commit("nodes", shipped["nodes"].head(1), author="a", source_name="new.csv", raw=b"new,bytes\n")
    migrate(command.downgrade, "0001")  # going back decompresses, so the old code reads plain bytes again
    with store.engine.connect() as conn:
        contents = dict(conn.execute(sa.text("select version_id, content from raw_files")).all())
    assert contents == {1: b"old,bytes\n", new.id: b"new,bytes\n"}


def test_parquet_snapshots_written_before_the_arrow_format_stay_readable(store, shipped):
    import io

    nodes = shipped["nodes"].head(2)
    buf = io.BytesIO()
    nodes.to_parquet(buf, index=False)
    version = store.commit("nodes", nodes, author="a", source_name="old.csv", mode="replace")
    with store.engine.begin() as conn:  # as versions were stored before snapshots moved to Arrow IPC
        conn.execute(sa.text("update dataset_snapshots set format = 'parquet', data = :d where version_id = :v"),
                     {"d": buf.getvalue(), "v": version.id})
    assert store.read("nodes")["node_id"].tolist() == nodes["node_id"].tolist()
    rolled = store.rollback("nodes", version.id, author="a")
    store.commit("nodes", shipped["nodes"].iloc[2:3], author="a", source_name="more.csv")
    assert store.read("nodes")["node_id"].tolist() == shipped["nodes"]["node_id"].iloc[:3].tolist()
    assert len(store.read("nodes", rolled.id)) == 2


def test_a_new_release_of_the_shipped_data_reaches_kinds_analysts_have_not_changed(db_url, shipped):
    digests = {kind: f"{kind}-release-1" for kind in shipped}
    store = Store.open(db_url, seed=lambda: shipped, seed_digests=lambda: digests)
    first = store.current_versions()
    assert {store.version(v).sha256 for v in first.values()} == set(digests.values())
    assert store.seed_shipped(lambda: shipped, digests) == []  # same release: nothing written, nothing loaded

    store.commit("corridors", shipped["corridors"].head(1), author="analyst", source_name="c.csv")
    changed = store.current_versions()["corridors"]
    release2 = dict(shipped, nodes=shipped["nodes"].head(5), corridors=shipped["corridors"].head(2))
    digests2 = dict(digests, nodes="nodes-release-2", corridors="corridors-release-2")

    assert store.seed_shipped(lambda: release2, digests2) == ["nodes"]
    nodes_version = store.version(store.current_versions()["nodes"])
    assert (nodes_version.action, nodes_version.based_on, nodes_version.sha256) == ("seed", first["nodes"],
                                                                                   "nodes-release-2")
    assert len(store.read("nodes")) == 5
    assert store.current_versions()["corridors"] == changed  # an analyst's version is never replaced
    assert len(store.read("nodes", first["nodes"])) == len(shipped["nodes"])  # the old release stays


def test_loading_the_shipped_data_is_skipped_when_nothing_changed(store, shipped):
    def fail():
        raise AssertionError("the shipped data was loaded although every kind is current")

    assert store.seed_shipped(fail) == []
