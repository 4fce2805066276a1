"""Meeting URLs: `https://host[/tenant]/<room>?lang=fr#config.subject="…"`.

The web client reads `jwt` from the hash first and falls back to the query
(jitsi-meet react/features/base/jwt/functions.ts `parseJWTFromURLParams`); `#jwt=` keeps the
token out of HTTP access logs, `?jwt=` also works with older servers.

Every hash value is JSON: the client splits the hash on `&` and `=`, percent-decodes each
value, turns curly quotes into straight ones, and JSON-parses it, dropping what does not parse
(react/features/base/util/parseURLParams.ts). jitsi-meet's own URL builder writes
`#jwt="<token>"` and `config.x=encodeURIComponent(JSON.stringify(value))`
(react/features/base/util/uri.ts `urlObjectToString`, `_objectToURLParamsArray`); a browser
percent-encodes the quotes of the former into the latter's form, which chat clients also keep
whole when they turn the text into a link.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode


def hash_value(value: object) -> str:
    """`encodeURIComponent(JSON.stringify(value))`, also encoding `'()*!` (decodeURIComponent
    reads them all the same, and chat clients then never cut a link short), with every
    non-ASCII character and `&` escaped inside the JSON so that the client's rewriting of
    curly quotes and of `\\&` cannot alter the value."""
    encoded = json.dumps(value, ensure_ascii=True).replace("&", "\\u0026")
    return quote(encoded, safe="")


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
        fragment.append(f"jwt={hash_value(token)}")
    elif token is not None:
        query["jwt"] = token
    query["lang"] = language
    # config.subject is whitelisted for hash overrides (configWhitelist.ts).
    fragment.append(f"config.subject={hash_value(subject)}")
    return f"{room_url(base_url, tenant, room)}?{urlencode(query)}#{'&'.join(fragment)}"
