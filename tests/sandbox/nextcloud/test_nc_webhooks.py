"""webhook_listeners: admin-only registration, node events delivered at the next cron run."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from nc_py_api import NextcloudException

from sandbox.nextcloud import NextcloudSandbox
from tests.sandbox.nextcloud.conftest import NcFactory

CREATED = "OCP\\Files\\Events\\Node\\NodeCreatedEvent"
RENAMED = "OCP\\Files\\Events\\Node\\NodeRenamedEvent"


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback endpoint standing in for the bot's webhook route."""
    received: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append({"headers": dict(request.headers),
                         "body": json.loads(await request.read())})
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hooks/nextcloud", hook)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/hooks/nextcloud")), received
    await server.close()


def admin(make_nc: NcFactory) -> Any:
    return make_nc("admin", "admin-sandbox-password")


async def test_the_bot_account_cannot_register_webhooks(make_nc: NcFactory) -> None:
    with pytest.raises(NextcloudException) as err:
        await make_nc().webhooks.register("POST", "http://127.0.0.1:1/x", CREATED)
    assert err.value.status_code == 403
    assert err.value.reason.startswith("Logged in account must be an admin")


async def test_share_events_are_not_webhook_compatible(make_nc: NcFactory) -> None:
    with pytest.raises(NextcloudException) as err:
        await admin(make_nc).webhooks.register("POST", "http://127.0.0.1:1/x",
                                               "OCP\\Share\\Events\\ShareCreatedEvent")
    assert err.value.status_code == 400
    assert err.value.reason.endswith("is not an event class compatible with webhooks")


async def test_upload_event_is_queued_then_delivered_with_the_auth_header(
    make_nc: NcFactory, sandbox: NextcloudSandbox,
    receiver: tuple[str, list[dict[str, Any]]],
) -> None:
    uri, received = receiver
    only_partage = {"event.node.path": {"$regex": "/^\\/ensemble-bot\\/files\\/Partage\\//"}}
    hook = await admin(make_nc).webhooks.register(
        "POST", uri, CREATED, event_filter=only_partage,
        auth_method="header", auth_data={"Authorization": "Bearer s3cret"})
    assert hook.user_id == "admin" and hook.event == CREATED
    bot = make_nc()
    await bot.files.upload("Partage/nouveau.txt", b"x")
    await bot.files.mkdir("Ailleurs")  # outside the filter: not sent
    assert received == []  # nothing before the cron run
    results = await sandbox.run_webhooks()
    assert results == [{"uri": uri, "status": 200}]
    call = received[0]
    assert call["headers"]["Authorization"] == "Bearer s3cret"
    assert call["headers"]["User-Agent"] == "Nextcloud Server Crawler"
    node = sandbox.state.tree.get("ensemble-bot", "Partage/nouveau.txt")
    assert node is not None
    assert call["body"]["event"] == {
        "node": {"id": node.fileid, "path": "/ensemble-bot/files/Partage/nouveau.txt"},
        "class": CREATED}
    assert call["body"]["user"] == {"uid": "ensemble-bot", "displayName": "Ensemble Bot"}


async def test_rename_event_carries_source_and_target(
    make_nc: NcFactory, sandbox: NextcloudSandbox,
    receiver: tuple[str, list[dict[str, Any]]],
) -> None:
    uri, received = receiver
    await admin(make_nc).webhooks.register("POST", uri, RENAMED)
    bot = make_nc()
    await bot.files.upload("Partage/a.txt", b"x")
    await bot.files.move("Partage/a.txt", "Partage/b.txt")
    await sandbox.run_webhooks()
    event = received[0]["body"]["event"]
    assert event["source"]["path"] == "/ensemble-bot/files/Partage/a.txt"
    assert event["target"]["path"] == "/ensemble-bot/files/Partage/b.txt"
    assert event["source"]["id"] == event["target"]["id"]


async def test_user_id_filter_silences_dav_events_as_observed(
    make_nc: NcFactory, sandbox: NextcloudSandbox,
    receiver: tuple[str, list[dict[str, Any]]],
) -> None:
    uri, received = receiver
    await admin(make_nc).webhooks.register("POST", uri, CREATED, user_id_filter="ensemble-bot")
    await make_nc().files.upload("Partage/c.txt", b"x")
    assert await sandbox.run_webhooks() == []
    assert received == []


async def test_listeners_can_be_listed_and_removed(make_nc: NcFactory) -> None:
    nc = admin(make_nc)
    hook = await nc.webhooks.register("POST", "http://127.0.0.1:9/x", CREATED)
    assert [h.webhook_id for h in await nc.webhooks.get_list()] == [hook.webhook_id]
    assert await nc.webhooks.unregister(hook.webhook_id) is True
    assert await nc.webhooks.get_entry(hook.webhook_id) is None
