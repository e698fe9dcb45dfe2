"""Presenters' saved views and live sessions (see ``qazdash/presenting.py``).

``presenter_views``: a named view of /present (its URL parameters as JSON), who saved it, and the hash
of the saving session's owner token (who may rename or delete it besides analysts).
``presenter_sessions``: a live session an audience follows by its short code; the presenter's token
hash, the current view and a revision the audience polls; ``updated_at`` drives expiry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presenter_views",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),  # {"present_view": preset id, "lang": code}
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("owner_hash", sa.String(64), nullable=True),  # sha256 of the saving session's owner token
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_presenter_views_name"),
    )
    op.create_table(
        "presenter_sessions",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("presenter", sa.String(60), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),  # sha256 of the presenter's token
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("presenter_sessions")
    op.drop_table("presenter_views")
