"""Who may write: roles, and the analyst password check (bcrypt hash from the environment or secrets).

The analyst password is never stored: only its bcrypt hash, configured as the environment variable
``QAZDASH_ANALYST_PASSWORD_HASH`` or as ``analyst_password_hash`` in the ``[auth]`` section of
``.streamlit/secrets.toml``. ``python -m qazdash hash-password`` prints a hash to paste there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

import bcrypt

from qazdash.errors import QazdashDataError
from qazdash.i18n import N_

Role = Literal["viewer", "analyst"]
VIEWER: Role = "viewer"
ANALYST: Role = "analyst"
HASH_ENV = "QAZDASH_ANALYST_PASSWORD_HASH"
# Keys of st.secrets["auth"] that configure OIDC for st.login (see the Streamlit docs).
OIDC_KEYS = ("client_id", "client_secret", "server_metadata_url")


class NotAllowed(QazdashDataError):
    """A write was attempted by someone who is not signed in as an analyst."""

    def __init__(self, action: str):
        super().__init__(N_("Not allowed"), f"Only a signed-in analyst may {action}.",
                         "Sign in as an analyst on the Data upload page.")


def hash_password(password: str) -> str:
    """A bcrypt hash (with a fresh salt) of ``password``."""
    if not password:
        raise ValueError("password must not be empty")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    """``True`` only when a hash is configured and ``password`` matches it (constant-time in bcrypt)."""
    if not password or not password_hash:
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.strip().encode("ascii"))
    except ValueError:  # not a bcrypt hash
        return False


def configured_hash(secrets: Mapping | None = None) -> str | None:
    """The analyst hash from ``QAZDASH_ANALYST_PASSWORD_HASH``, else ``secrets["auth"]["analyst_password_hash"]``."""
    value = os.environ.get(HASH_ENV, "").strip()
    if value:
        return value
    try:
        section = (secrets or {}).get("auth") or {}
        value = str(section.get("analyst_password_hash", "")).strip()
    except Exception:  # noqa: BLE001 - st.secrets raises when no secrets file exists
        return None
    return value or None


def oidc_configured(secrets: Mapping | None) -> bool:
    """Whether ``[auth]`` holds an OIDC provider for ``st.login``."""
    try:
        section = (secrets or {}).get("auth") or {}
        return all(section.get(k) for k in OIDC_KEYS) and bool(section.get("redirect_uri"))
    except Exception:  # noqa: BLE001
        return False


def require_analyst(role: str | None, action: str) -> None:
    """Raise ``NotAllowed`` unless ``role`` is analyst: the server-side check behind every write."""
    if role != ANALYST:
        raise NotAllowed(action)
