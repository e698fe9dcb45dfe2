"""Sign-in for analysts (password checked against a bcrypt hash, or OIDC via ``st.login``); the role lives
in the session. Everything that writes calls ``require_analyst`` first: hiding buttons is not enough.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from qazdash.auth import ANALYST, VIEWER, NotAllowed, Role, check_password, configured_hash, oidc_configured
from qazdash.i18n import _

ROLE_KEY = "auth_role"
AUTHOR_KEY = "auth_author"


def _secrets() -> Mapping:
    """``st.secrets`` as a plain mapping; empty when there is no secrets file."""
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets.toml: Streamlit raises on access
        return {}


def _oidc_user() -> str | None:
    """The signed-in OIDC user's e-mail (or name) when OIDC is configured and they are allowed to write."""
    secrets = _secrets()
    if not oidc_configured(secrets):
        return None
    try:
        if not st.user.is_logged_in:
            return None
        who = str(st.user.get("email") or st.user.get("name") or "oidc user")
    except Exception:  # noqa: BLE001 - st.user without auth configured
        return None
    allowed = (secrets.get("auth") or {}).get("analyst_emails")
    if allowed and who not in allowed:
        return None
    return who


def current_role() -> Role:
    """``analyst`` for a session signed in by password or by an allowed OIDC account, else ``viewer``."""
    if st.session_state.get(ROLE_KEY) == ANALYST:
        return ANALYST
    return ANALYST if _oidc_user() else VIEWER


def current_author() -> str:
    return st.session_state.get(AUTHOR_KEY) or _oidc_user() or ""


def require_analyst(action: str) -> str:
    """The author name of this session; raises ``NotAllowed`` (shown as an error) for anyone else."""
    if current_role() != ANALYST:
        raise NotAllowed(action)
    return current_author() or "analyst"


def sign_out() -> None:
    st.session_state.pop(ROLE_KEY, None)
    st.session_state.pop(AUTHOR_KEY, None)


def sign_in_panel(prefix: str) -> Role:
    """The sign-in form (or who is signed in, with a sign-out button); returns the session's role."""
    role = current_role()
    if role == ANALYST:
        cols = st.columns([4, 1])
        cols[0].caption(_("Signed in as analyst: {name}").format(name=current_author()))
        if st.session_state.get(ROLE_KEY) == ANALYST:
            cols[1].button(_("Sign out"), key=f"{prefix}_sign_out", on_click=sign_out)
        else:
            if cols[1].button(_("Sign out"), key=f"{prefix}_oidc_logout"):
                st.logout()
        return role
    secrets = _secrets()
    password_hash = configured_hash(secrets)
    with st.expander(_("Analyst sign-in"), expanded=True, icon=":material/lock:"):
        if oidc_configured(secrets) and st.button(_("Sign in with your organisation account"),
                                                  key=f"{prefix}_oidc_login"):
            st.login()
        if password_hash is None:
            st.caption(_("Password sign-in is not configured (set QAZDASH_ANALYST_PASSWORD_HASH or "
                         "[auth] analyst_password_hash in .streamlit/secrets.toml)."))
            return VIEWER
        with st.form(key=f"{prefix}_sign_in_form", enter_to_submit=True):
            name = st.text_input(_("Your name (recorded with every change)"), key=f"{prefix}_sign_in_name")
            password = st.text_input(_("Analyst password"), type="password", key=f"{prefix}_sign_in_password")
            submitted = st.form_submit_button(_("Sign in"))
        if submitted:
            if not name.strip():
                st.error(_("Enter your name: it is recorded as the author of your changes."))
            elif check_password(password, password_hash):
                st.session_state[ROLE_KEY] = ANALYST
                st.session_state[AUTHOR_KEY] = name.strip()
                st.session_state.pop(f"{prefix}_sign_in_password", None)
                st.rerun()
            else:
                st.error(_("Wrong password."))
    return VIEWER
