"""Builds the adapters from the settings, binds them to the core's ports, builds the Application.

An adapter is built only when an enabled feature needs its port and its settings section is
filled in; otherwise the handlers say the service is not set up on this platform. Each one is
imported there, when it is built: a console, or a bot without Wekan, never loads its client.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.app import Application
from bot.feature import Feature
from bot.ports import ChatTransport, Clock
from bot.ports.boards import BOARD_PORT
from bot.ports.calls import CALL_PORT
from bot.ports.files import FILES_PORT
from bot.ports.meetings import MEETING_PORT
from bot.runtime import Runtime
from bot.services import Key
from commands.kanban.inbox import EventInbox
from composition.features import DEFAULT_FEATURES
from composition.settings import EnsembleSettings as Settings

log = logging.getLogger(__name__)
WEKAN_WEBHOOK_PATH = "/hooks/wekan"


def _needed(features: Sequence[Feature]) -> set[Key[object]]:
    return {key for feature in features for key in feature.needs}


def adapters(settings: Settings, features: Sequence[Feature]) -> Feature:
    """The outside services the enabled features need, bound to their ports before the
    features install (a feature may look its ports up while installing)."""
    needed = _needed(features)

    async def install(runtime: Runtime) -> None:
        if MEETING_PORT in needed:
            _bind_jitsi(settings, runtime)
        if FILES_PORT in needed:
            _bind_nextcloud(settings, runtime)
        if BOARD_PORT in needed:
            _bind_wekan(settings, runtime)

    return Feature(name="adapters", install=install)


def _bind_jitsi(settings: Settings, runtime: Runtime) -> None:
    jitsi = settings.jitsi
    if not jitsi.configured:
        log.info(
            "Jitsi is not configured (ENSEMBLE_JITSI__BASE_URL, ENSEMBLE_JITSI__APP_SECRET): "
            "/reunion will say so"
        )
        return
    from integrations.jitsi.meetings import JitsiMeetings  # noqa: PLC0415 - built here only

    chat_url = str(settings.rocketchat.url) if settings.rocketchat.url else None
    organization = settings.branding.organization
    runtime.provide(MEETING_PORT, JitsiMeetings(jitsi, chat_url, organization=organization))


def _bind_nextcloud(settings: Settings, runtime: Runtime) -> None:
    nextcloud = settings.nextcloud
    if not nextcloud.configured:
        return
    from integrations.nextcloud.adapter import NextcloudFiles  # noqa: PLC0415 - built here only

    files = NextcloudFiles(nextcloud)
    runtime.provide(FILES_PORT, files)
    runtime.on_stop.append(files.close)

    async def refresh() -> None:
        # Until a command has used Nextcloud there is no policy to keep fresh (the first
        # use reads it), and no reason to load nc-py-api (~20 MiB) for an idle bot.
        if files.policy_known:
            await files.refresh_policy()

    # nc-py-api caches capabilities for the session's life (nc-py-api 0.30 _session.py
    # `capabilities`, refreshed only by update_server_info): re-read the admin's policy.
    runtime.scheduler.every("nextcloud-policy", nextcloud.policy_refresh_seconds, refresh)


def _bind_wekan(settings: Settings, runtime: Runtime) -> None:
    wekan = settings.wekan
    if not (wekan.url and wekan.username and wekan.password):
        return
    from integrations.wekan.boards import WekanBoards  # noqa: PLC0415 - built here only
    from integrations.wekan.session import WekanSession  # noqa: PLC0415

    boards = WekanBoards(WekanSession(
        str(wekan.url), wekan.username, wekan.password.get_secret_value(),
        timeout_seconds=wekan.request_timeout_seconds,
        concurrency=wekan.max_concurrent_requests,
    ))
    runtime.provide(BOARD_PORT, boards)
    runtime.on_stop.append(boards.close)  # stop hooks run last first: after the features'


def inbound(settings: Settings) -> Feature:
    """Inbound adapters that feed a feature, mounted once the features have installed."""

    async def install(runtime: Runtime) -> None:
        app_secret = settings.rocketchat.app_secret
        if app_secret is not None:  # the companion app's slash commands
            from integrations.rocketchat.companion import (  # noqa: PLC0415 - built here only
                CompanionEndpoint,
                install_routes,
            )

            endpoint = CompanionEndpoint(
                app_secret.get_secret_value(), runtime.clock, runtime.pipeline.feed,
                calls=runtime.services.optional(CALL_PORT),
            )
            install_routes(runtime.routes, endpoint)
        inbox = runtime.services.optional(EventInbox)
        if inbox is None:
            return  # the boards feature is off: no Wekan endpoint
        from integrations.wekan.webhook import WekanWebhook  # noqa: PLC0415 - built here only

        token = settings.wekan.webhook_token
        webhook = WekanWebhook(token.get_secret_value() if token else None, inbox.accept)
        runtime.routes.add_post(WEKAN_WEBHOOK_PATH, webhook.receive)

    return Feature(name="inbound", install=install)


def build_application(
    settings: Settings,
    chat: ChatTransport,
    *,
    features: Sequence[Feature] = DEFAULT_FEATURES,
    clock: Clock | None = None,
    serve_http: bool = True,
    endpoints: bool = True,
) -> Application:
    """The Application with the given features, their adapters and, unless `endpoints` is
    False (a terminal, which nothing can call), their inbound endpoints."""
    mounted = [inbound(settings)] if endpoints else []
    return Application(
        settings,
        chat,
        features=[adapters(settings, features), *features, *mounted],
        clock=clock,
        serve_http=serve_http,
    )


def build_service(settings: Settings) -> Application:
    """The bot on the Rocket.Chat of the settings, as `ensemble-bot run` starts it."""
    from integrations.rocketchat.transport import RocketChatTransport  # noqa: PLC0415 - built here only

    transport = RocketChatTransport(settings.rocketchat, branding=settings.branding)
    application = build_application(settings, transport)
    transport.on_reconnect = application.metrics.reconnects.inc
    transport.on_queue_depth = application.metrics.queue_depth.set
    transport.on_backlog = application.metrics.stream_backlog.set
    transport.on_overflow = application.metrics.stream_overflows.inc
    return application
