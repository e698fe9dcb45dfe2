"""Raw files may be stored compressed: record the codec and the original size.

Uploads of up to 200 MB were stored byte for byte, and writing them (twice, through SQLite's WAL) was
most of a commit's time. New raw files are zstd-compressed (CSV shrinks ~9×); old rows stay as they
are, marked ``none``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("raw_files") as batch:
        batch.add_column(sa.Column("compression", sa.String(16), nullable=False, server_default="none"))
        batch.add_column(sa.Column("size", sa.BigInteger, nullable=True))  # bytes before compression


def downgrade() -> None:
    import pyarrow as pa

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT version_id, content, size FROM raw_files WHERE compression = 'zstd'")).all()
    for version_id, content, size in rows:  # the old schema only knows plain bytes
        plain = pa.Codec("zstd").decompress(content, decompressed_size=size, asbytes=True)
        conn.execute(sa.text("UPDATE raw_files SET content = :c WHERE version_id = :v"), {"c": plain, "v": version_id})
    with op.batch_alter_table("raw_files") as batch:
        batch.drop_column("size")
        batch.drop_column("compression")
