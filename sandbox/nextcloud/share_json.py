"""The share object of the OCS Share API, as Nextcloud 30 formats it
(apps/files_sharing/lib/Controller/ShareAPIController.php `formatShare`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import share_rules as rules
from .directory import Directory
from .tree import FileTree

if TYPE_CHECKING:
    from .shares import Share


def render_share(share: Share, directory: Directory, tree: FileTree, base_url: str, *,
                 fresh: bool = False, viewer: str | None = None) -> dict[str, Any]:
    """The OCS share object; `viewer` other than the owner sees it at its mount point."""
    node = share.node
    owner_name = directory.display_name(share.owner)
    data: dict[str, Any] = {
        "id": str(share.id),
        "share_type": share.share_type,
        "uid_owner": share.owner,
        "displayname_owner": owner_name,
        "permissions": share.permissions,
        "can_edit": True,
        "can_delete": True,
        "stime": share.stime,
        "parent": None,
        "expiration": f"{share.expiration.isoformat()} 00:00:00" if share.expiration else None,
        "token": share.token,
        "uid_file_owner": node.owner,
        "note": share.note,
        "label": share.label,
        "displayname_file_owner": directory.display_name(node.owner),
        "path": "/" + (node.path if viewer in (None, share.owner) else node.name),
        "item_type": "folder" if node.is_dir else "file",
        "item_permissions": rules.node_permissions(node),
        "is-mount-root": False,
        "mount-type": "",
        "mimetype": node.mime,
        "has_preview": False,
        "storage_id": f"home::{node.owner}",
        "storage": _storage_number(tree, node.owner),
        "item_source": node.fileid,
        "file_source": node.fileid,
        "file_parent": node.parent.fileid if node.parent else None,
        "file_target": "/" + node.name,
        "item_size": node.size,
        "item_mtime": int(node.mtime.timestamp()),
        "share_with": share.share_with,
        "share_with_displayname": None,
        "mail_send": 0,
        "hide_download": 0,
        "attributes": None,
    }
    if share.share_type == rules.LINK:
        data.update({
            "share_with": share.password_hash,
            "share_with_displayname": "(Shared link)",
            "password": share.password_hash,
            "send_password_by_talk": share.send_password_by_talk,
            "url": f"{base_url}/index.php/s/{share.token}",
            "mail_send": 1,
        })
    elif share.share_type == rules.USER:
        account = directory.accounts.get(share.share_with or "")
        data["share_with_displayname"] = directory.display_name(share.share_with or "")
        data["share_with_displayname_unique"] = (account.email if account else "") or (
            share.share_with
        )
    else:
        data["share_with_displayname"] = share.share_with
    if share.share_type not in (rules.LINK, rules.EMAIL):
        # No label on user/group shares: "" from the fresh IShare of createShare, null once
        # read back from the database [run] (ShareAPIController::createShare sets it only for
        # link/email shares).
        data["label"] = "" if fresh else None
    return data


def _storage_number(tree: FileTree, uid: str) -> int:
    """Numeric storage id: one home storage per account, in creation-independent order."""
    return sorted(tree.homes).index(uid) + 1 if uid in tree.homes else 0
