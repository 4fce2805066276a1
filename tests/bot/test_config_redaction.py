"""The store URL's password never reaches a log line (check-config is tested in tests/e2e)."""

from __future__ import annotations

import pytest

from bot.logs import Redactor

STORE_URL = "postgresql+asyncpg://bot:S3cretPassw0rd@db/ensemble"


@pytest.mark.parametrize(
    ("logged", "shown"),
    [
        (STORE_URL, "postgresql+asyncpg://bot:[redacted]@db/ensemble"),
        (f"cannot open {STORE_URL}: refused", "cannot open postgresql+asyncpg://bot:[redacted]@"),
        ("postgresql://bot:p%40s:s@db:5432/x", "postgresql://bot:[redacted]@db:5432/x"),
        ("redis://:S3cretPassw0rd@cache/0", "redis://:[redacted]@cache/0"),
    ],
)
def test_a_logged_url_keeps_its_user_and_host_but_not_its_password(
    logged: str, shown: str
) -> None:
    redacted = Redactor().redact(logged)
    assert shown in redacted
    assert "S3cretPassw0rd" not in redacted and "p%40s" not in redacted


def test_urls_without_a_password_are_left_alone() -> None:
    for text in ("postgresql+asyncpg://bot@db/ensemble", "http://host:8080/path, ask x@y.fr"):
        assert Redactor().redact(text) == text
