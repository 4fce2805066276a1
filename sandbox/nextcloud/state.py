"""Everything the fake Nextcloud knows, in one object shared by the handlers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from aiohttp import web

from .directory import Directory
from .events import NodeRef, WebhookRegistry
from .policy import Policy
from .shares import ShareStore
from .tree import FileTree, new_etag


@dataclass
class Faults:
    """Injected failures: a ratio of 5xx answers, a fixed count of them, added latency."""

    error_ratio: float = 0.0
    error_status: int = 503
    fail_next: int = 0
    latency_ms: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def should_fail(self) -> bool:
        if self.fail_next > 0:
            self.fail_next -= 1
            return True
        return self.error_ratio > 0 and self.rng.random() < self.error_ratio

    def as_dict(self) -> dict[str, object]:
        return {"error_ratio": self.error_ratio, "error_status": self.error_status,
                "fail_next": self.fail_next, "latency_ms": self.latency_ms}


@dataclass
class UploadSession:
    """A chunked-upload collection under /remote.php/dav/uploads/<user>/<name>."""

    destination: str | None
    chunks: dict[str, bytes] = field(default_factory=dict)


@dataclass
class PublicSession:
    """A browser session on public share pages: its CSRF request token and the protected
    links it unlocked with their password (`public_link_authenticated_token`)."""

    requesttoken: str
    unlocked: set[int] = field(default_factory=set)


class NextcloudState:
    def __init__(self) -> None:
        self.tree = FileTree()
        self.directory = Directory()
        self.policy = Policy()
        self.shares = ShareStore(self.tree, self.directory, self.policy)
        self.faults = Faults()
        # Direct editing capability etag changes when editors come or go (OnlyOffice switch).
        self.editing_etag = new_etag()
        self.public_url = ""
        # Nextcloud 30 with debug off hides DAV exception messages [run]; tests may turn it on.
        self.dav_debug = False
        self.uploads: dict[tuple[str, str], UploadSession] = {}
        self.webhooks = WebhookRegistry()
        self.public_sessions: dict[str, PublicSession] = {}

    def emit(self, event: str, user: str, **nodes: NodeRef) -> None:
        """A node event, as `OCP\\Files\\Events\\Node\\<event>` with `node` or source/target."""
        self.webhooks.emit(event, user, self.directory.display_name(user), nodes)

    def base_url(self, request: web.Request) -> str:
        """Links are built from the request's host, like Nextcloud without overwritehost."""
        return self.public_url or f"{request.scheme}://{request.host}"


STATE_KEY = web.AppKey("nextcloud_state", NextcloudState)


def state_of(request: web.Request) -> NextcloudState:
    return request.app[STATE_KEY]
