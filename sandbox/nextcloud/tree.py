"""In-memory file tree of the fake Nextcloud: one home folder per user, global file ids."""

from __future__ import annotations

import mimetypes
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Nextcloud's `oc:id` is the 8-digit zero-padded file id followed by the instance id
# ("oc" + 10 alphanumerics), e.g. 00000023oc00q48se0n0 (Nextcloud 30
# lib/public/Files/DavUtil.php `getDavFileId`).
INSTANCE_ID = "ocs4ndb0x0nc"
FOLDER_MIME = "httpd/unix-directory"

_OOXML_MIMES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".md": "text/markdown",
}


class TreeError(Exception):
    """A file-system rule was broken; `status` is the HTTP status WebDAV answers with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def new_etag() -> str:
    """13 hex digits, like PHP's uniqid() that Nextcloud uses for etags."""
    return secrets.token_hex(7)[:13]


def guess_mime(name: str) -> str:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in _OOXML_MIMES:
        return _OOXML_MIMES[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def split_path(path: str) -> list[str]:
    """Normalise a user path ('/a//b/' → ['a', 'b']); '..' cannot climb out of the home.

    Names are stored and looked up in Unicode NFC: Filesystem::normalizePath runs
    OC_Util::normalizeUnicode (Normalizer::FORM_C) on every path (nextcloud/server
    lib/private/Files/Filesystem.php normalizePath), so an NFD "é" from macOS names the same
    file as an NFC one.
    """
    nfc = unicodedata.normalize("NFC", path)
    parts = [p for p in nfc.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise TreeError(400, "Path contains '..'")
    return parts


@dataclass(eq=False)
class Node:
    fileid: int
    name: str
    owner: str
    is_dir: bool
    parent: Node | None = None
    data: bytes = b""
    mtime: datetime = field(default_factory=lambda: datetime.now(UTC))
    etag: str = field(default_factory=new_etag)
    favorite: bool = False
    children: dict[str, Node] = field(default_factory=dict)

    @property
    def oc_id(self) -> str:
        return f"{self.fileid:08d}{INSTANCE_ID}"

    @property
    def size(self) -> int:
        if self.is_dir:
            return sum(child.size for child in self.children.values())
        return len(self.data)

    @property
    def mime(self) -> str:
        return FOLDER_MIME if self.is_dir else guess_mime(self.name)

    @property
    def path(self) -> str:
        """Path inside the owner's home, without leading slash ('' for the home itself)."""
        parts: list[str] = []
        node: Node | None = self
        while node is not None and node.parent is not None:
            parts.append(node.name)
            node = node.parent
        return "/".join(reversed(parts))

    def walk(self) -> Iterator[Node]:
        """This node and every descendant, depth first, children by name."""
        yield self
        for name in sorted(self.children):
            yield from self.children[name].walk()

    def touch(self) -> None:
        """A change bumps mtime and etag up to the home, as Nextcloud's etag propagation does."""
        now = datetime.now(UTC)
        node: Node | None = self
        while node is not None:
            node.mtime = now
            node.etag = new_etag()
            node = node.parent


def _ancestors(node: Node) -> Iterator[Node]:
    cursor: Node | None = node
    while cursor is not None:
        yield cursor
        cursor = cursor.parent


class FileTree:
    """All homes. File ids are global and never reused, as in oc_filecache."""

    def __init__(self) -> None:
        self._next_id = 1
        self.homes: dict[str, Node] = {}
        self.by_id: dict[int, Node] = {}
        self.quotas: dict[str, int | None] = {}

    def _new_node(self, name: str, owner: str, is_dir: bool) -> Node:
        node = Node(fileid=self._next_id, name=name, owner=owner, is_dir=is_dir)
        self._next_id += 1
        self.by_id[node.fileid] = node
        return node

    def ensure_home(self, user: str) -> Node:
        if user not in self.homes:
            self.homes[user] = self._new_node("", user, is_dir=True)
        return self.homes[user]

    def get(self, user: str, path: str) -> Node | None:
        node: Node | None = self.homes.get(user)
        for part in split_path(path):
            if node is None or not node.is_dir:
                return None
            node = node.children.get(part)
        return node

    def require(self, user: str, path: str) -> Node:
        node = self.get(user, path)
        if node is None:
            raise TreeError(404, f"File with name {path} could not be located")
        return node

    def _parent_of(self, user: str, path: str) -> tuple[Node | None, str]:
        parts = split_path(path)
        if not parts:
            raise TreeError(405, "The resource you tried to create already exists")
        parent = self.get(user, "/".join(parts[:-1]))
        return (parent if parent is not None and parent.is_dir else None), parts[-1]

    def mkdir(self, user: str, path: str) -> Node:
        parent, name = self._parent_of(user, path)
        if parent is None:
            raise TreeError(409, "Parent node does not exist")
        if name in parent.children:
            raise TreeError(405, "The resource you tried to create already exists")
        node = self._attach(parent, self._new_node(name, user, is_dir=True))
        node.touch()
        return node

    def makedirs(self, user: str, path: str) -> Node:
        node = self.ensure_home(user)
        for part in split_path(path):
            child = node.children.get(part)
            if child is None:
                child = self._attach(node, self._new_node(part, user, is_dir=True))
                child.touch()
            node = child
        return node

    def write(self, user: str, path: str, data: bytes) -> tuple[Node, bool]:
        """Create or overwrite a file; returns (node, created). Overwrite keeps the file id."""
        parent, name = self._parent_of(user, path)
        if parent is None:
            raise TreeError(404, "Parent folder does not exist")
        existing = parent.children.get(name)
        if existing is not None and existing.is_dir:
            raise TreeError(409, "A folder with this name already exists")
        self._check_quota(user, len(data))
        node = existing or self._attach(parent, self._new_node(name, user, is_dir=False))
        node.data = data
        node.touch()
        return node, existing is None

    def delete(self, node: Node) -> list[Node]:
        """Detach a node; returns every removed node (for share clean-up)."""
        if node.parent is None:
            raise TreeError(403, "Cannot delete the home folder")
        removed = list(node.walk())
        parent = node.parent
        del parent.children[node.name]
        node.parent = None
        for gone in removed:
            self.by_id.pop(gone.fileid, None)
        parent.touch()
        return removed

    def move(self, node: Node, user: str, dest: str) -> Node:
        parent, name = self._parent_of(user, dest)
        if parent is None:
            raise TreeError(409, "The destination node is not found")
        if any(ancestor is node for ancestor in _ancestors(parent)):
            raise TreeError(409, "Cannot move a node into itself")
        old_parent = node.parent
        if old_parent is not None:
            del old_parent.children[node.name]
            old_parent.touch()
        node.name = name
        self._attach(parent, node)
        node.touch()
        return node

    def copy(self, node: Node, user: str, dest: str) -> Node:
        parent, name = self._parent_of(user, dest)
        if parent is None:
            raise TreeError(409, "The destination node is not found")
        self._check_quota(user, node.size)
        clone = self._clone(node, name, user)
        self._attach(parent, clone)
        clone.touch()
        return clone

    def _clone(self, node: Node, name: str, user: str) -> Node:
        clone = self._new_node(name, user, node.is_dir)
        clone.data = node.data
        for child in node.children.values():
            self._attach(clone, self._clone(child, child.name, user))
        return clone

    @staticmethod
    def _attach(parent: Node, node: Node) -> Node:
        node.parent = parent
        parent.children[node.name] = node
        return node

    def used(self, user: str) -> int:
        home = self.homes.get(user)
        return home.size if home else 0

    def _check_quota(self, user: str, length: int) -> None:
        """QuotaPlugin::checkQuota: the whole upload length against the free space, even
        when it replaces a file (the old copy still counts as used until it is overwritten),
        for a PUT as for the assembled chunks of a final MOVE (nextcloud/server
        apps/dav/lib/Connector/Sabre/QuotaPlugin.php checkQuota, beforeWriteContent,
        beforeMove)."""
        quota = self.quotas.get(user)
        if quota is None or not length:
            return
        free = max(0, quota - self.used(user))
        if length > free:
            raise TreeError(507, "Insufficient space")
