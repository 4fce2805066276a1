"""Attachment validation as `validateMessage` does it.

Source: apps/meteor/app/lib/server/functions/sendMessage.ts@026bdc0 (validateAttachment,
validFullURLParam). These throw plain `Error`s, so REST answers 400 with the bare text.
"""

from __future__ import annotations

import re
from typing import Any

FILE_UPLOAD_PATH = "/file-upload/"
URL_KEYS = ("thumb_url", "message_link", "author_link", "author_icon", "title_link", "image_url",
            "audio_url", "video_url")
STRING_KEYS = ("color", "text", "button_alignment", "author_name", "title", "image_type",
               "audio_type", "video_type", "image_preview")
ABSOLUTE_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")


class AttachmentError(Exception):
    """Raised with the server's exact error text."""


def _check_url(value: Any) -> None:
    if not isinstance(value, str):
        raise AttachmentError("Match error: Expected string")
    if not ABSOLUTE_URL.match(value) and not value.startswith(FILE_UPLOAD_PATH):
        raise AttachmentError("Invalid href value provided")
    if value.lower().startswith("javascript:"):
        raise AttachmentError("Invalid href value provided")


def _check_field(field: Any) -> None:
    if not isinstance(field, dict):
        raise AttachmentError("Match error: Expected object")
    if not field.get("value") or not field.get("title"):
        raise AttachmentError("Invalid attachment field, title and value is required")


def _check_action(action: Any) -> None:
    if not isinstance(action, dict):
        raise AttachmentError("Match error: Expected object")
    for key in ("url", "image_url"):
        if action.get(key) is not None:
            _check_url(action[key])
    for key in ("type", "text", "msg"):
        if action.get(key) is not None and not isinstance(action[key], str):
            raise AttachmentError(f"Match error: Expected string in field {key}")


def validate_attachment(attachment: Any) -> None:
    if not isinstance(attachment, dict):
        raise AttachmentError("Match error: Expected object")
    for key in URL_KEYS:
        if attachment.get(key) is not None:
            _check_url(attachment[key])
    for key in STRING_KEYS:
        if attachment.get(key) is not None and not isinstance(attachment[key], str):
            raise AttachmentError(f"Match error: Expected string in field {key}")
    for field in attachment.get("fields") or []:
        _check_field(field)
    for action in attachment.get("actions") or []:
        _check_action(action)


def validate_attachments(attachments: Any) -> None:
    if not isinstance(attachments, list):
        raise AttachmentError("Match error: Expected array")
    for attachment in attachments:
        validate_attachment(attachment)
