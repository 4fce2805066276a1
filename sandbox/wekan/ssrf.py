"""The webhook URL guards of W >= v8.35: at save (W models/lib/attachmentUrlValidation.js
`validateAttachmentUrl`) and at delivery (W server/lib/ssrfGuard.js `validateAndResolve`).

Both resolve host names; the sandbox asks a `Resolver`, which reads the `dns_overrides`
switch before a real getaddrinfo, so tests stay offline.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from urllib.parse import urlsplit

Resolver = Callable[[str], Awaitable[list[str] | None]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_BLOCKED_HOSTNAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
                      "0", "0.0.0.0"}
# IPV4_RANGES of attachmentUrlValidation.js, copied as they are (no more, no less).
_IPV4_RANGES = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
))
_NUMBER = {10: re.compile(r"[0-9]+"), 16: re.compile(r"[0-9a-fA-F]+"), 8: re.compile(r"[0-7]+")}


class GuardError(Exception):
    """A delivery refused by `fetchSafe` (its message is W's `SSRF_GUARD: …` text)."""


def make_resolver(overrides: Mapping[str, Sequence[str]]) -> Resolver:
    """`dns.lookup(host, {all: true})`: the overrides first, then getaddrinfo in an executor.

    An override with no address means "does not resolve".
    """

    async def resolve(host: str) -> list[str] | None:
        if host in overrides:
            return list(overrides[host]) or None
        if host.startswith("["):
            return None  # Node's URL keeps IPv6 brackets and dns.lookup("[::1]") fails
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None,
                                                                 type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return None
        return [str(info[4][0]) for info in infos]

    return resolve


# -- blocked addresses (isIpBlocked) ----------------------------------------------------------
def _v4_blocked(address: ipaddress.IPv4Address) -> bool:
    return any(address in network for network in _IPV4_RANGES)


def _embedded_v4(raw: bytes) -> list[ipaddress.IPv4Address]:
    """`embeddedIpv4Addresses`: mapped, compatible, translated, 6to4, NAT64, Teredo, ISATAP."""
    found: list[bytes] = []
    zero = raw[:12] == bytes(12)
    if (raw[:10] == bytes(10) and raw[10:12] == b"\xff\xff") or zero:
        found.append(raw[12:])
    if raw[:8] == bytes(8) and raw[8:10] == b"\xff\xff" and raw[10:12] == bytes(2):
        found.append(raw[12:])
    if raw[:2] == b"\x20\x02":
        found.append(raw[2:6])
    if raw[:4] == b"\x00\x64\xff\x9b":
        positions = ([[12, 13, 14, 15]] if raw[4:12] == bytes(8) else
                     [[4, 5, 6, 7], [5, 6, 7, 9], [6, 7, 9, 10], [7, 9, 10, 11],
                      [9, 10, 11, 12], [12, 13, 14, 15]])
        found.extend(bytes(raw[i] for i in p) for p in positions)
    if raw[:4] == b"\x20\x01\x00\x00":
        found.extend([raw[4:8], bytes(~b & 0xFF for b in raw[12:16])])
    if raw[8] in (0, 2) and raw[9:12] == b"\x00\x5e\xfe":
        found.append(raw[12:])
    return [ipaddress.IPv4Address(chunk) for chunk in found]


def _v6_blocked(address: ipaddress.IPv6Address) -> bool:
    raw = address.packed
    return (
        any(_v4_blocked(v4) for v4 in _embedded_v4(raw))
        or raw[:4] == b"\x20\x01\x0d\xb8"  # documentation
        or raw[0] in (0xFC, 0xFD)  # unique-local
        or (raw[0] == 0xFE and raw[1] & 0x80 == 0x80)  # link-local and site-local
        or raw[0] == 0xFF  # multicast
    )


def ip_blocked(text: str) -> bool:
    """`isIpBlocked`: anything that is not a parseable address is blocked (fail closed)."""
    try:
        address: Address = ipaddress.ip_address(text.split("%", maxsplit=1)[0])
    except ValueError:
        return True
    if isinstance(address, ipaddress.IPv4Address):
        return _v4_blocked(address)
    return _v6_blocked(address)


# -- WHATWG URL host (what `new URL(url).hostname` gives) -----------------------------------
def _ends_in_number(labels: list[str]) -> bool:
    """WHATWG "ends in a number": the last label is decimal digits or a 0x number."""
    return re.fullmatch(r"[0-9]+|0[xX][0-9a-fA-F]*", labels[-1]) is not None


def _ipv4_part(part: str) -> int:
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        part, radix = part[1:], 8
    if part == "":
        return 0
    if not _NUMBER[radix].fullmatch(part):
        raise ValueError(part)
    return int(part, radix)


def _ipv4_host(labels: list[str]) -> str:
    """The IPv4 parser: `127.1`, `2130706433`, `0x7f.1` and `0177.0.0.1` are 127.0.0.1."""
    if len(labels) > 4 or "" in labels:
        raise ValueError("invalid IPv4 host")
    numbers = [_ipv4_part(label) for label in labels]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError("IPv4 part out of range")
    value = numbers[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(numbers[:-1]))
    return str(ipaddress.IPv4Address(value))


def url_host(url: str) -> tuple[str, str]:
    """(scheme, hostname) as Node's `new URL` gives them; ValueError when it would throw."""
    parts = urlsplit(url)
    _ = parts.port  # an invalid port makes `new URL` throw
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return scheme, host
    if "[" in parts.netloc:
        ipaddress.IPv6Address(host)
        return scheme, f"[{host}]"  # Node keeps the brackets on an IPv6 hostname
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    return scheme, _ipv4_host(labels) if _ends_in_number(labels) else host


def _literal(host: str) -> str | None:
    """`net.isIP(host)` — false for a bracketed IPv6 hostname."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


# -- the two guards ---------------------------------------------------------------------------
async def refusal(url: str, resolve: Resolver) -> str | None:  # noqa: PLR0911 - W's reasons
    """The `reason` `validateAttachmentUrl` gives for refusing `url` at save, or None."""
    if not url:
        return "Empty URL"
    try:
        scheme, host = url_host(url)
    except ValueError:
        return "Invalid URL format"
    if scheme not in ("http", "https"):
        return "Only HTTP and HTTPS protocols are allowed"
    if not host:
        return "Missing hostname"
    if host in _BLOCKED_HOSTNAMES or host.endswith(".localhost"):
        return "Localhost is not allowed"
    if _literal(host):
        return "IP address is not allowed" if ip_blocked(host) else None
    addresses = await resolve(host)
    if not addresses:
        return "Hostname did not resolve"
    if any(ip_blocked(address) for address in addresses):
        return "Resolved IP address is not allowed"
    return None


async def pinned_address(url: str, resolve: Resolver) -> str:
    """`validateAndResolve` + `resolveAndPin`: the one address delivery dials, or GuardError."""
    try:
        scheme, host = url_host(url)
    except ValueError as error:
        raise GuardError("SSRF_GUARD: Invalid URL") from error
    if scheme not in ("http", "https"):
        raise GuardError(f"SSRF_GUARD: Protocol not allowed: {scheme}:")
    clean = host.strip("[]")
    if _literal(clean):
        if ip_blocked(clean):
            raise GuardError(f"SSRF_GUARD: Blocked IP in URL: {clean}")
        return clean
    addresses = await resolve(clean)
    if addresses is None:
        raise GuardError(f"SSRF_GUARD: DNS resolution failed for: {clean}")
    if not addresses:
        raise GuardError(f"SSRF_GUARD: No DNS records returned for: {host}")
    for address in addresses:
        if ip_blocked(address):
            raise GuardError(f"SSRF_GUARD: Blocked IP {address} resolved for {host}")
    return next((a for a in addresses if _literal(a) and "." in a), addresses[0])
