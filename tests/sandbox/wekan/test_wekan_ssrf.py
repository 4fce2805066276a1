"""The webhook URL guards (W models/lib/attachmentUrlValidation.js, server/lib/ssrfGuard.js):
host names are resolved, IPv4 shorthand is normalised, and delivery checks again."""

from __future__ import annotations

import asyncio

import pytest

from sandbox.wekan.models import Integration
from sandbox.wekan.ssrf import make_resolver, refusal, url_host

from .conftest import PUBLIC_ADDRESS, Wekan


@pytest.mark.parametrize(
    "url", ["http://127.1/h", "http://2130706433/h", "http://0x7f.1/h", "http://0177.0.0.1/h",
            "http://127.0.0.1./h"]
)
def test_ipv4_shorthand_is_normalised_like_node_url(url: str) -> None:
    assert url_host(url) == ("http", "127.0.0.1")


async def test_the_resolver_reads_the_overrides_first() -> None:
    resolve = make_resolver({"bot.example.org": [PUBLIC_ADDRESS], "gone.example.org": []})
    assert await resolve("bot.example.org") == [PUBLIC_ADDRESS]
    assert await resolve("gone.example.org") is None
    assert await resolve("[::1]") is None  # Node keeps the brackets; dns.lookup fails


async def test_save_refuses_names_that_resolve_privately_or_not_at_all(wekan: Wekan) -> None:
    wekan.sandbox.store.switches.dns_overrides.update(
        {"intranet.example.org": ["93.184.215.14", "10.0.0.5"], "nowhere.example.org": []}
    )
    token, board_id = await wekan.token(), wekan.board["id"]
    cases = {
        "http://127.1/hook": "IP address is not allowed",
        "http://2130706433/hook": "IP address is not allowed",
        "http://intranet.example.org/hook": "Resolved IP address is not allowed",
        "http://nowhere.example.org/hook": "Hostname did not resolve",
        "http://[::1]/hook": "Hostname did not resolve",
        "http://127.0.0.256/hook": "Invalid URL format",
    }
    for url, reason in cases.items():
        status, data = await wekan.json(
            "POST", f"/api/boards/{board_id}/integrations", token, json={"url": url}
        )
        assert (url, status, data) == (
            url, 400, {"error": "invalid-webhook-url", "reason": reason}
        )


async def test_refusal_never_resolves_an_ip_literal() -> None:
    async def resolve(host: str) -> list[str] | None:
        raise AssertionError(host)

    assert await refusal("https://93.184.215.14/hook", resolve) is None


async def test_delivery_resolves_again_and_refuses_a_rebound_name(wekan: Wekan) -> None:
    store = wekan.sandbox.store
    token, board_id = await wekan.token(), wekan.board["id"]
    status, _ = await wekan.json("POST", f"/api/boards/{board_id}/integrations", token,
                                 json={"url": "http://bot.example.org/hook"})
    assert status == 200
    store.switches.dns_overrides["bot.example.org"] = ["127.0.0.1"]  # DNS rebinding
    await wekan.control("ui/create-card", username="marie", board_id=board_id,
                        list="À faire", title="x")
    await wekan.sandbox.dispatcher.drain()
    [delivery] = wekan.sandbox.dispatcher.deliveries
    assert delivery.error == (
        "Webhook request failed: SSRF_GUARD: Blocked IP 127.0.0.1 resolved for bot.example.org"
    )
    assert delivery.status is None


async def test_private_switch_still_lets_loopback_hooks_through(wekan: Wekan) -> None:
    store = wekan.sandbox.store
    store.switches.allow_private_webhooks = True
    store.integrations["h"] = Integration(
        id="h", board_id=wekan.board["id"], url="http://127.0.0.1:9/hook",
        user_id=wekan.user_id("ensemble-bot"), created_at=wekan.clock(), modified_at=wekan.clock(),
    )
    await wekan.control("ui/create-card", username="marie", board_id=wekan.board["id"],
                        list="À faire", title="x")
    await asyncio.wait_for(wekan.sandbox.dispatcher.drain(), 5)
    [delivery] = wekan.sandbox.dispatcher.deliveries
    assert delivery.error is not None and "SSRF_GUARD" not in delivery.error  # a refused TCP
