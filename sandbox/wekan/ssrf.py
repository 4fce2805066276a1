"""The webhook URL guard of W >= v8.35 (W models/lib/attachmentUrlValidation.js)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_BLOCKED_HOSTNAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
                      "0", "0.0.0.0"}


def _ip_blocked(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, RFC 1918, CGNAT, link-local, test nets, multicast, reserved."""
    cgnat = ipaddress.ip_network("100.64.0.0/10")
    return (
        address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified
        or (address.version == 4 and address in cgnat)
    )


def refusal(url: str) -> str | None:  # noqa: PLR0911 - one return per W reason
    """The `reason` W gives for refusing `url`, or None when it is allowed.

    Host names are not resolved: the sandbox sends no DNS traffic, so W's "Resolved IP
    address is not allowed" case only applies to literal addresses here.
    """
    if not url:
        return "Empty URL"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "Invalid URL format"
    if parts.scheme not in ("http", "https"):
        return "Only HTTP and HTTPS protocols are allowed"
    host = (parts.hostname or "").lower()
    if not host:
        return "Missing hostname"
    if host in _BLOCKED_HOSTNAMES or host.endswith(".localhost"):
        return "Localhost is not allowed"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return "IP address is not allowed" if _ip_blocked(address) else None
