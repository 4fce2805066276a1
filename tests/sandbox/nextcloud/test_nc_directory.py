"""Accounts and groups as the bot finds recipients for internal shares."""

from __future__ import annotations

import pytest
from nc_py_api import AsyncNextcloud, NextcloudException

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
    people = await nc.ocs("GET", SHAREES, params={"search": "curie"})
    assert [u["value"] for u in people["users"]] == [{"shareType": 0, "shareWith": "marie"}]
    exact = await nc.ocs("GET", SHAREES, params={"search": "jean"})
    assert [u["value"]["shareWith"] for u in exact["exact"]["users"]] == ["jean"]
