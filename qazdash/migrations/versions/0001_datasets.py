"""Dataset versions, their snapshots and raw files, the current version per kind, saved column mappings.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),  # seed, append, replace, rollback
        sa.Column("based_on", sa.Integer, sa.ForeignKey("dataset_versions.id"), nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "dataset_snapshots",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("dataset_versions.id"), primary_key=True),
        sa.Column("format", sa.String(16), nullable=False),  # parquet
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "raw_files",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("dataset_versions.id"), primary_key=True),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "current_versions",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("dataset_versions.id"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "column_mappings",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("mapping", sa.JSON, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("column_mappings", "current_versions", "raw_files", "dataset_snapshots", "dataset_versions"):
        op.drop_table(table)
