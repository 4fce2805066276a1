"""File uploads: rooms.media (temporary) → rooms.mediaConfirm (message), and rooms.upload.

Attachment shape from parseMultipleFilesIntoMessageAttachments (file-upload/server/methods/
sendFileMessage.ts): a `file` attachment with `title_link` to /file-upload/<id>/<name>.
"""

from __future__ import annotations

from typing import Any

from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.state.messages import check_can_send, send_message
from sandbox.rocketchat.state.models import Room, Upload, User
from sandbox.rocketchat.state.store import Store


def stage(
    store: Store, user: User, room: Room, *, name: str, kind: str, content: bytes
) -> Upload:
    check_can_send(store, user, room)
    upload = Upload(id=store.ids.meteor_id(), rid=room.id, user_id=user.id, name=name,
                    type=kind or "application/octet-stream", content=content,
                    uploaded_at=store.now())
    store.uploads[upload.id] = upload
    return upload


def _attachment(upload: Upload, description: str | None) -> dict[str, Any]:
    attachment: dict[str, Any] = {
        "ts": upload.uploaded_at,
        "title": upload.name,
        "title_link": upload.url,
        "title_link_download": True,
        "type": "file",
        "format": upload.name.rsplit(".", 1)[-1].upper() if "." in upload.name else "",
        "size": len(upload.content),
    }
    if description:
        attachment["description"] = description
    if upload.type.startswith("image/"):
        attachment.update({"image_url": upload.url, "image_type": upload.type,
                           "image_size": len(upload.content)})
    return attachment


def confirm(
    store: Store, user: User, room: Room, upload_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    upload = store.uploads.get(upload_id)
    if upload is None or upload.user_id != user.id or upload.confirmed:
        raise MeteorError("error-file-not-found", "File not found")
    file_ref = {"_id": upload.id, "name": upload.name, "type": upload.type,
                "size": len(upload.content), "format": _attachment(upload, None)["format"]}
    message_fields: dict[str, Any] = {
        "msg": fields.get("msg") or "",
        "file": file_ref,
        "files": [file_ref],
        "attachments": [_attachment(upload, fields.get("description"))],
    }
    for key in ("tmid", "alias", "emoji", "avatar", "groupable", "customFields"):
        if fields.get(key) is not None:
            message_fields[key] = fields[key]
    message = send_message(store, user, room, message_fields)
    assert message is not None
    upload.confirmed = True
    return message
