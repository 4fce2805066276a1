"""The sandbox answers each account in its language, as Nextcloud 30.0.1 does (fr and en)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from nc_py_api import NextcloudException
from nc_py_api.files import ShareType

from sandbox.nextcloud.seed import BOT
from tests.sandbox.nextcloud.conftest import Control, NcFactory

LINK = ShareType.TYPE_LINK
USER = ShareType.TYPE_USER


def in_days(days: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=days)


async def french(control: Control) -> None:
    await control("POST", "language", json={"user": BOT, "language": "fr"})


@pytest.mark.parametrize(
    "case",
    [
        # The French of nextcloud/server 30.0.1 lib/l10n/fr.json and
        # apps/files_sharing/l10n/fr.json, as the issue observed them on a real server.
        ({"expire_date_enabled": True, "expire_date_days": 7, "expire_date_enforced": True},
         {"expire_date": in_days(30)}, 404,
         "Impossible de définir la date d'expiration à dans plus de 7 jours"),
        ({"expire_date_enabled": True, "expire_date_days": 1, "expire_date_enforced": True},
         {"expire_date": in_days(30)}, 404,
         "Impossible de définir la date d'expiration à dans plus de 1 jour"),
        ({"links_enabled": False}, {}, 404,
         "Le partage de lien public a été désactivé par l’administrateur"),
        ({}, {"expire_date": in_days(-1)}, 404, "La date d’expiration est dans le passé"),
        ({}, {"password": "password"}, 403,
         "Le mot de passe se trouve parmi les 1 000 000 de mots de passe les plus courants. "
         "Merci de le rendre unique. Le mot de passe doit comporter au moins 10 caractères."),
        # Share20\Manager throws these without IL10N: French accounts read them in English.
        ({"password_enforced": True}, {}, 403, "Passwords are enforced for link and mail shares"),
    ],
)
async def test_a_french_account_gets_the_servers_french(
    make_nc: NcFactory, control: Control,
    case: tuple[dict[str, object], dict[str, object], int, str],
) -> None:
    switches, kwargs, code, message = case
    await french(control)
    nc = make_nc()
    await nc.files.upload("plan.txt", b"x")
    await control("POST", "policy", json=switches)
    with pytest.raises(NextcloudException) as err:
        await nc.files.sharing.create("plan.txt", LINK, **kwargs)
    assert (err.value.status_code, err.value.reason) == (code, message)


async def test_share_ids_public_upload_and_oneself_in_french(
    make_nc: NcFactory, control: Control
) -> None:
    await french(control)
    nc = make_nc()
    await nc.files.mkdir("Depot")
    with pytest.raises(NextcloudException) as gone:
        await nc.files.sharing.delete(313)
    assert (gone.value.status_code, gone.value.reason) == (
        404, "ID de partage erroné, ce partage n'existe pas")
    await control("POST", "policy", json={"public_upload": False})
    with pytest.raises(NextcloudException) as upload:
        await nc.files.sharing.create("Depot", LINK, public_upload=True)
    assert (upload.value.status_code, upload.value.reason) == (
        403, "Envois publics désactivés par l'administrateur")
    with pytest.raises(NextcloudException) as oneself:
        await nc.files.sharing.create("Depot", USER, share_with=BOT)
    assert oneself.value.reason == "Cannot share with yourself"


async def test_the_account_language_is_reported_and_can_change(
    make_nc: NcFactory, control: Control
) -> None:
    nc = make_nc()
    user = await nc.ocs("GET", "/ocs/v1.php/cloud/user")
    assert (user["language"], user["locale"]) == ("en", "en_US")
    await french(control)
    user = await make_nc().ocs("GET", "/ocs/v1.php/cloud/user")
    assert (user["language"], user["locale"]) == ("fr", "fr_FR")
    with pytest.raises(NextcloudException) as err:
        await make_nc().files.sharing.delete(313)
    assert err.value.reason == "ID de partage erroné, ce partage n'existe pas"
    state = await control("GET", "state")
    assert state["users"][BOT]["language"] == "fr"
