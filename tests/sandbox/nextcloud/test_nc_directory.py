"""Accounts and groups as the bot finds recipients for internal shares."""

from __future__ import annotations

from typing import Any

import pytest
from nc_py_api import AsyncNextcloud, NextcloudException

from sandbox.nextcloud.seed import BOT
from tests.sandbox.nextcloud.conftest import NcFactory

SHAREES = "/ocs/v2.php/apps/files_sharing/api/v1/sharees"


async def test_current_user_has_display_name_groups_and_quota(nc: AsyncNextcloud) -> None:
    me = await nc.users.get_user()
    assert (me.user_id, me.display_name) == ("ensemble-bot", "Ensemble Bot")
    assert "general" in me.groups
    assert me.quota["quota"] == -3  # no quota


async def test_admin_lists_users_and_group_members(make_nc: NcFactory) -> None:
    admin = make_nc("admin", "admin-sandbox-password")
    users = await admin.users.get_list()
    assert {"ensemble-bot", "marie", "alice"} <= set(users)
    assert await admin.users.get_list(mask="mar") == ["marie"]
    assert "equipe-projet" in await admin.users_groups.get_list()
    assert await admin.users_groups.get_members("equipe-projet") == [
        "alice", "jean", "luc", "marie", "sophie"]


async def test_plain_accounts_get_no_user_list_and_no_groups(nc: AsyncNextcloud) -> None:
    assert await nc.users.get_list() == []
    with pytest.raises(NextcloudException) as err:
        await nc.users_groups.get_list()
    assert err.value.status_code == 403


async def test_other_accounts_are_readable_without_private_fields(nc: AsyncNextcloud) -> None:
    marie = await nc.users.get_user("marie")
    assert (marie.display_name, marie.email) == ("Marie Curie", "marie@example.org")
    with pytest.raises(NextcloudException) as err:
        await nc.users.get_user("personne")
    assert err.value.status_code == 404


async def test_sharees_search_finds_users_and_groups(nc: AsyncNextcloud) -> None:
    found = await nc.ocs("GET", SHAREES, params={"search": "equipe", "itemType": "file"})
    assert found["exact"]["groups"] == []
    assert found["groups"] == [
        {"label": "equipe-projet", "value": {"shareType": 1, "shareWith": "equipe-projet"}}]
    people = await nc.ocs("GET", SHAREES, params={"search": "curie", "itemType": "file"})
    assert [u["value"] for u in people["users"]] == [{"shareType": 0, "shareWith": "marie"}]
    exact = await nc.ocs("GET", SHAREES, params={"search": "jean", "itemType": "file"})
    assert [u["value"]["shareWith"] for u in exact["exact"]["users"]] == ["jean"]


def shared_with(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["value"]["shareWith"] for entry in entries]


@pytest.mark.parametrize("search", ["Jean Moulin", "jean moulin", "jean@example.org", "JEAN"])
async def test_a_display_name_or_an_email_matches_exactly_as_on_nextcloud_30(
    nc: AsyncNextcloud, search: str
) -> None:
    found = await nc.ocs("GET", SHAREES, params={"search": search, "itemType": "file"})
    assert shared_with(found["exact"]["users"]) == ["jean"]
    assert found["users"] == []


async def test_searching_ones_own_id_finds_oneself_but_no_wider_search_does(
    nc: AsyncNextcloud,
) -> None:
    """UserPlugin takes the searching account out of the candidates, then adds any account
    whose uid is the text: the real server offers the bot to itself."""
    own = await nc.ocs("GET", SHAREES, params={"search": BOT, "itemType": "file"})
    assert shared_with(own["exact"]["users"]) == [BOT]
    wider = await nc.ocs("GET", SHAREES, params={"search": "ensemble", "itemType": "file"})
    assert wider["exact"]["users"] == [] and wider["users"] == []
    everyone = await nc.ocs("GET", SHAREES, params={"search": "example.org", "itemType": "file"})
    assert BOT not in shared_with(everyone["users"]) and "jean" in shared_with(everyone["users"])


async def test_the_search_needs_an_item_type(nc: AsyncNextcloud) -> None:
    with pytest.raises(NextcloudException) as err:
        await nc.ocs("GET", SHAREES, params={"search": "jean"})
    assert err.value.status_code == 400
