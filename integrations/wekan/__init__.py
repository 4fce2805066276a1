"""The Wekan adapter: REST client (login, decoding, write-verify) and incoming webhooks."""

from integrations.wekan.boards import WekanBoards
from integrations.wekan.client import WekanClient
from integrations.wekan.decode import Expect, decode
from integrations.wekan.errors import (
    WekanBadRequest,
    WekanError,
    WekanForbidden,
    WekanNotFound,
    WekanProtocolError,
    WekanRateLimited,
    WekanUnauthorized,
    WekanUnavailable,
)
from integrations.wekan.session import WekanSession

__all__ = [
    "Expect",
    "WekanBadRequest",
    "WekanBoards",
    "WekanClient",
    "WekanError",
    "WekanForbidden",
    "WekanNotFound",
    "WekanProtocolError",
    "WekanRateLimited",
    "WekanSession",
    "WekanUnauthorized",
    "WekanUnavailable",
    "decode",
]
