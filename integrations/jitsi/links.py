"""Meeting URLs: `https://host[/tenant]/<room>?lang=fr#config.subject="…"`.

The web client reads `jwt` from the hash first and falls back to the query
(jitsi-meet react/features/base/jwt/functions.ts `parseJWTFromURLParams`); `#jwt=` keeps the
token out of HTTP access logs, `?jwt=` also works with older servers.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode


def room_url(base_url: str, tenant: str | None, room: str) -> str:
    path = f"{tenant.strip('/')}/{room}" if tenant else room
    return f"{base_url.rstrip('/')}/{path}"


def meeting_url(
    base_url: str,
    tenant: str | None,
    room: str,
    *,
    language: str,
    subject: str,
    token: str | None = None,
    token_in_fragment: bool = False,
) -> str:
    query: dict[str, str] = {}
    fragment: list[str] = []
    if token is not None and token_in_fragment:
        fragment.append(f"jwt={token}")
    elif token is not None:
        query["jwt"] = token
    query["lang"] = language
    # Hash overrides are read as JSON values (config.subject is whitelisted, configWhitelist.ts).
    subject_json = json.dumps(subject, ensure_ascii=False)
    fragment.append(f"config.subject={quote(subject_json, safe='')}")
    return f"{room_url(base_url, tenant, room)}?{urlencode(query)}#{'&'.join(fragment)}"
