"""Share records of the fake Nextcloud: create, update, delete, list, JSON shape (§2.3–2.5)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from . import share_rules as rules
from .directory import Account, Directory
from .envelope import OcsError
from .l10n import Text
from .policy import Policy
from .share_json import render_share
from .tree import FileTree, Node

# Share20\Manager::generateToken: 15 chars of ISecureRandom::CHAR_HUMAN_READABLE
# (lib/public/Security/ISecureRandom.php), which drops ambiguous h l u v I O 0 1.
TOKEN_ALPHABET = "abcdefgijkmnopqrstwxyzABCDEFGHJKLMNPQRSTWXYZ23456789"


def hash_password(password: str) -> str:
    """Opaque hash shaped like Nextcloud's `3|$argon2id$…` (real argon2 is not needed here)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 10_000)
    b64 = base64.b64encode
    return f"3|$argon2id$v=19$m=65536,t=4,p=1${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    salt_b64, digest_b64 = stored.rsplit("$", 2)[-2:]
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt_b64), 10_000)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


@dataclass
class Share:
    id: int
    share_type: int
    owner: str
    node: Node
    permissions: int
    share_with: str | None = None
    token: str | None = None
    password_hash: str | None = None
    expiration: date | None = None
    note: str = ""
    label: str = ""
    send_password_by_talk: bool = False
    download_limit: int | None = None
    download_count: int = 0
    stime: int = field(default_factory=lambda: int(datetime.now(UTC).timestamp()))


class ShareStore:
    def __init__(self, tree: FileTree, directory: Directory, policy: Policy) -> None:
        self.tree = tree
        self.directory = directory
        self.policy = policy
        self.shares: dict[int, Share] = {}
        self._next_id = 1
        # config.php `default_timezone`; Nextcloud's own default is "UTC".
        self.default_timezone = "UTC"

    def today_for(self, uid: str) -> date:
        """The day it is for an account, in its own zone or the server's default."""
        account = self.directory.accounts.get(uid)
        zone = account.timezone if account is not None and account.timezone else None
        return rules.today_in(zone or self.default_timezone)

    # ---- queries -------------------------------------------------------------------------

    def drop_expired(self) -> None:
        """Share20\\Manager::checkShare: an expired share is deleted when it is read.

        getShareById, getShareByToken, getSharesBy and getSharedWith all run checkShare, which
        calls deleteShare and throws ShareNotFound when Share::isExpired() (expiration, set to
        00:00 of its day, <= now) — for every share type (nextcloud/server
        lib/private/Share20/Manager.php checkShare, lib/private/Share20/Share.php isExpired).
        """
        # The expiration was set to 00:00 of its day in its owner's zone.
        for share_id in [i for i, s in self.shares.items()
                         if s.expiration is not None
                         and s.expiration <= self.today_for(s.owner)]:
            del self.shares[share_id]

    def get(self, share_id: str | int) -> Share:
        self.drop_expired()
        try:
            share = self.shares.get(int(share_id))
        except ValueError:
            share = None
        if share is None:
            raise OcsError(404, "Wrong share ID, share does not exist")
        return share

    def by_token(self, token: str) -> Share | None:
        self.drop_expired()
        return next((s for s in self.shares.values() if s.token == token), None)

    def owned_by(self, uid: str) -> list[Share]:
        self.drop_expired()
        return [s for s in self.shares.values() if s.owner == uid]

    def shared_with(self, uid: str) -> list[Share]:
        self.drop_expired()
        groups = set(self.directory.groups_of(uid))
        return [
            s for s in self.shares.values()
            if (s.share_type == rules.USER and s.share_with == uid)
            or (s.share_type == rules.GROUP and s.share_with in groups)
        ]

    def share_types_on(self, node: Node) -> list[int]:
        return sorted({s.share_type for s in self.shares.values() if s.node is node})

    def list_for(self, account: Account, params: dict[str, str]) -> list[Share]:
        """GET /shares with shared_with_me / subfiles / path filters; expired ones are gone."""
        if params.get("shared_with_me") == "true":
            found = self.shared_with(account.uid)
        else:
            found = self.owned_by(account.uid)
        path = params.get("path")
        if path:
            node = self.tree.get(account.uid, path)
            if node is None:
                raise OcsError(404, "Wrong path, file/folder does not exist")
            if params.get("subfiles") == "true":
                if not node.is_dir:
                    raise OcsError(400, "Not a directory")
                found = [s for s in found if s.node.parent is node]
            else:
                found = [s for s in found if s.node is node]
        return sorted(found, key=lambda s: s.id)

    # ---- mutations -----------------------------------------------------------------------

    def drop_nodes(self, nodes: list[Node]) -> None:
        """Deleting a node deletes its shares (§2.3 rule 8)."""
        gone = {id(n) for n in nodes}
        for share_id in [i for i, s in self.shares.items() if id(s.node) in gone]:
            del self.shares[share_id]

    def delete(self, account: Account, share_id: str) -> None:
        share = self.get(share_id)
        if share.owner != account.uid:
            raise OcsError(404, "Wrong share ID, share does not exist")
        del self.shares[share.id]

    def create(self, account: Account, params: dict[str, str]) -> Share:
        path = params.get("path")
        if not path:
            raise OcsError(404, "Please specify a file or folder path")
        node = self.tree.get(account.uid, path)
        if node is None:
            raise OcsError(404, "Wrong path, file/folder does not exist")
        try:
            share_type = int(params.get("shareType", ""))
        except ValueError as exc:
            raise OcsError(400, "Unknown share type") from exc
        public_upload = params.get("publicUpload") == "true"
        permissions = rules.normalise_create(
            rules.parse_permissions(params.get("permissions")), share_type, node,
            public_upload, self.policy,
        )
        raw_expire = params.get("expireDate")
        expire = rules.parse_expire(raw_expire) if raw_expire else None
        share = Share(id=0, share_type=share_type, owner=account.uid, node=node,
                      permissions=permissions, note=params.get("note", ""))
        if share_type in (rules.LINK, rules.EMAIL):
            # ShareAPIController::createShare calls setLabel only in its TYPE_LINK/TYPE_EMAIL
            # branch; user and group shares drop it (nextcloud/server
            # apps/files_sharing/lib/Controller/ShareAPIController.php createShare).
            share.label = params.get("label", "")
        if share_type == rules.USER:
            return self._create_user(account, share, params.get("shareWith", ""), expire)
        if share_type == rules.GROUP:
            return self._create_group(share, params.get("shareWith", ""), expire)
        if share_type == rules.LINK:
            password = params.get("password") or None
            return self._create_link(share, password, expire, raw_expire == "", params)
        raise OcsError(400, "Unknown share type")

    def _require_api(self) -> None:
        if not self.policy.api_enabled:
            raise OcsError(403, "Sharing is disabled")

    def _create_user(
        self, account: Account, share: Share, share_with: str, expire: date | None
    ) -> Share:
        if share_with not in self.directory.accounts:
            raise OcsError(404, "Please specify a valid account to share with")
        self._require_api()
        if share_with == account.uid:
            raise OcsError(403, "Cannot share with yourself")
        existing = self._duplicate(share, share_with)
        if existing is not None:
            return existing
        share.share_with = share_with
        share.expiration = rules.validate_internal_expiry(expire, self.today_for(share.owner))
        return self._store(share)

    def _create_group(self, share: Share, share_with: str, expire: date | None) -> Share:
        if not self.policy.group_sharing:
            raise OcsError(404, "Group sharing is disabled by the administrator")
        if share_with not in self.directory.groups:
            raise OcsError(404, "Please specify a valid group")
        self._require_api()
        existing = self._duplicate(share, share_with)
        if existing is not None:
            return existing
        share.share_with = share_with
        share.expiration = rules.validate_internal_expiry(expire, self.today_for(share.owner))
        return self._store(share)

    def _create_link(
        self, share: Share, password: str | None, expire: date | None, no_expiry: bool,
        params: dict[str, str],
    ) -> Share:
        if not self.policy.links_enabled:
            raise OcsError(404, "Public link sharing is disabled by the administrator")
        share.permissions = rules.check_link_permissions(
            share.permissions, share.node, self.policy
        )
        if len(share.label) > 255:
            raise OcsError(400, "Maximum label length is 255")
        if params.get("sendPasswordByTalk") == "true":
            if not self.policy.talk_enabled:
                raise OcsError(403, Text(
                    "Sharing %s sending the password by Nextcloud Talk failed because Nextcloud "
                    "Talk is not enabled", (f"/{share.owner}/files/{share.node.path}",)))
            share.send_password_by_talk = True
        self._require_api()
        if share.node.is_dir and not self.policy.public_upload and share.permissions & (
            rules.CREATE | rules.UPDATE | rules.DELETE
        ):
            raise OcsError(403, "Public upload is not allowed")
        share.expiration = rules.validate_link_expiry(
            expire, no_expiry, True, self.policy, self.today_for(share.owner))
        rules.verify_password(password, self.policy)
        share.password_hash = hash_password(password) if password else None
        share.token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(15))
        return self._store(share)

    def _duplicate(self, share: Share, share_with: str) -> Share | None:
        """Manager::createShare catches AlreadySharedException and returns the existing one."""
        return next(
            (s for s in self.shares.values()
             if s.node is share.node and s.share_type == share.share_type
             and s.share_with == share_with),
            None,
        )

    def _store(self, share: Share) -> Share:
        share.id = self._next_id
        self._next_id += 1
        self.shares[share.id] = share
        return share

    def update(self, account: Account, share_id: str, params: dict[str, str]) -> Share:
        share = self.get(share_id)
        if share.owner != account.uid:
            raise OcsError(404, "Wrong share ID, share does not exist")
        keys = ("permissions", "password", "sendPasswordByTalk", "publicUpload", "expireDate",
                "note", "label", "hideDownload", "attributes")
        if not any(k in params for k in keys):
            raise OcsError(400, "Wrong or no update parameter given")
        self._require_api()
        # Checks run on a copy: a refused update leaves the stored share as it was, as the
        # provider's update() is only reached once every Manager check has passed.
        draft = replace(share)
        permissions = rules.parse_permissions(params.get("permissions"))
        if draft.share_type == rules.LINK:
            self._update_link(draft, permissions, params)
        elif permissions is not None:
            rules.check_increase(permissions, draft.node)
            draft.permissions = permissions
        if "note" in params:
            draft.note = params["note"]
        if "label" in params and draft.share_type in (rules.LINK, rules.EMAIL):
            # ShareAPIController::updateShare sets the label only for link/email shares.
            draft.label = params["label"]
        if "expireDate" in params:
            self._update_expiry(draft, params["expireDate"])
        if draft.share_type == rules.LINK:
            self._link_update_checks(draft)
        share.__dict__.update(draft.__dict__)
        return share

    def _link_update_checks(self, share: Share) -> None:
        """Manager::updateShare runs linkCreateChecks on every link update: a folder link
        with create/update/delete while public upload is off throws InvalidArgumentException
        "Public upload is not allowed", which ShareAPIController::updateShare turns into
        OCSBadRequestException (400) (nextcloud/server lib/private/Share20/Manager.php
        updateShare, linkCreateChecks)."""
        if share.node.is_dir and not self.policy.public_upload and share.permissions & (
            rules.CREATE | rules.UPDATE | rules.DELETE
        ):
            raise OcsError(400, "Public upload is not allowed")

    def _update_link(self, share: Share, permissions: int | None, params: dict[str, str]) -> None:
        if params.get("publicUpload") == "true":
            permissions = rules.READ | rules.UPDATE | rules.CREATE | rules.DELETE
        if permissions is not None:
            permissions = rules.check_link_permissions(permissions, share.node, self.policy)
            rules.check_increase(permissions, share.node)
            share.permissions = permissions
        if "password" in params:
            password = params["password"] or None
            try:
                rules.verify_password(password, self.policy)
            except OcsError as exc:
                # updateShare maps the Manager's plain exceptions to 400 Bad Request.
                raise OcsError(400, exc.message) from exc
            share.password_hash = hash_password(password) if password else None

    def _update_expiry(self, share: Share, raw: str) -> None:
        try:
            expire = rules.parse_expire(raw) if raw else None
        except OcsError as exc:
            raise OcsError(400, exc.message) from exc
        if share.share_type != rules.LINK:
            share.expiration = rules.validate_internal_expiry(expire, self.today_for(share.owner))
            return
        try:
            share.expiration = rules.validate_link_expiry(
                expire, False, False, self.policy, self.today_for(share.owner))
        except OcsError as exc:
            raise OcsError(400 if exc.statuscode == 403 else exc.statuscode, exc.message) from exc

    def to_json(self, share: Share, base_url: str, *, fresh: bool = False,
                viewer: str | None = None) -> dict[str, Any]:
        return render_share(share, self.directory, self.tree, base_url, fresh=fresh,
                            viewer=viewer)
