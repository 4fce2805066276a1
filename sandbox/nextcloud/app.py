"""The aiohttp application that plays Nextcloud 30.0.1."""

from __future__ import annotations

from aiohttp import web

from .. import server
from . import (
    control,
    downloadlimit,
    ocs,
    office,
    provisioning,
    public,
    shares_api,
    uploads,
    webdav,
    webhooks,
)
from .middleware import auth_middleware, faults_middleware
from .state import STATE_KEY, NextcloudState

# Chunks are 5 MiB by default and plain PUTs can be larger still.
MAX_BODY = 1024 * 1024 * 1024


def build_app(state: NextcloudState) -> web.Application:
    app = server.build_app(
        (module.routes for module in (control, ocs, provisioning, shares_api, office, uploads,
                                      webdav, webhooks, downloadlimit, public)),
        middlewares=[faults_middleware, auth_middleware],
        max_body=MAX_BODY,
    )
    app[STATE_KEY] = state
    return app
