"""Analyst sign-in: bcrypt hash from the environment or secrets; writes refused for viewers."""

from __future__ import annotations

import pytest

from qazdash.auth import (
    ANALYST,
    HASH_ENV,
    VIEWER,
    NotAllowed,
    check_password,
    configured_hash,
    hash_password,
    oidc_configured,
    require_analyst,
)

HASH = hash_password("correct horse")


@pytest.mark.parametrize(
    ("password", "stored", "ok"),
    [
        ("correct horse", HASH, True),
        ("wrong", HASH, False),
        ("", HASH, False),
        ("correct horse", None, False),
        ("correct horse", "", False),
        ("correct horse", "not-a-bcrypt-hash", False),
    ],
)
def test_check_password(password, stored, ok):
    assert check_password(password, stored) is ok


def test_hash_comes_from_env_before_secrets(monkeypatch):
    monkeypatch.setenv(HASH_ENV, "env-hash")
    assert configured_hash({"auth": {"analyst_password_hash": "secret-hash"}}) == "env-hash"
    monkeypatch.delenv(HASH_ENV)
    assert configured_hash({"auth": {"analyst_password_hash": "secret-hash"}}) == "secret-hash"
    assert configured_hash({}) is None
    assert configured_hash(None) is None


def test_oidc_needs_a_provider():
    assert not oidc_configured({"auth": {"analyst_password_hash": "x"}})
    assert oidc_configured({"auth": {"client_id": "a", "client_secret": "b", "redirect_uri": "http://x/oauth2callback",
                                     "server_metadata_url": "https://idp/.well-known/openid-configuration",
                                     "cookie_secret": "c"}})


def test_require_analyst():
    require_analyst(ANALYST, "upload")
    for role in (VIEWER, None, "admin"):
        with pytest.raises(NotAllowed):
            require_analyst(role, "upload")
