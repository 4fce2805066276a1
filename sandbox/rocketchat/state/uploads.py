"""File uploads: rooms.media (temporary) → rooms.mediaConfirm (message), and rooms.upload.

Message fields from parseFileIntoMessageAttachments (RC apps/meteor/app/file-upload/server/
methods/sendFileMessage.ts): `files` lists the upload, plus for an image its thumbnail
(`typeGroup: "thumb"`, named `thumb-<name>`, FileUpload.uploadImageThumbnail); `file` is
`files[0]`; one attachment whose shape depends on the MIME group. Not modelled: the
blurred 32×32 `image_preview` (base64 JPEG) and real resizing (the thumbnail keeps the
original bytes).
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.state.images import IDENTIFIED_TYPES, Identify, identify, thumbnail_size
from sandbox.rocketchat.state.messages import check_can_send, send_message
from sandbox.rocketchat.state.models import Room, Upload, User, file_path
from sandbox.rocketchat.state.store import Store

MEDIA_GROUPS = ("image", "audio", "video")


def stage(
    store: Store, user: User, room: Room, *, name: str, kind: str, content: bytes
) -> Upload:
    check_can_send(store, user, room)
    limit = int(store.settings["FileUpload_MaxFileSize"])
    if limit > -1 and len(content) > limit:
        # rooms.media / rooms.upload call getUploadFormData with sizeLimit =
        # FileUpload_MaxFileSize; busboy truncates a longer file and the part ends in
        # Meteor.Error('error-file-too-large'), a REST 400 (apps/meteor/app/api/server/v1/
        # rooms.ts, apps/meteor/app/api/server/lib/getUploadFormData.ts, Rocket.Chat 7.x).
        raise MeteorError("error-file-too-large")
    mime = kind or "application/octet-stream"
    upload = Upload(id=store.ids.meteor_id(), rid=room.id, user_id=user.id, name=name,
                    type=mime, content=content, uploaded_at=store.now(),
                    type_group=mime.split("/", 1)[0])
    store.uploads[upload.id] = upload
    return upload


def _identify(upload: Upload) -> Identify | None:
    """uploadsOnValidate runs sharp only on image/(bmp|jpeg|png|gif|webp)."""
    return identify(upload.content) if IDENTIFIED_TYPES.fullmatch(upload.type) else None


def _file_entry(upload: Upload) -> dict[str, Any]:
    found = _identify(upload)
    return {"_id": upload.id, "name": upload.name, "type": upload.type or "file",
            "size": len(upload.content), "format": found.format if found else "",
            "typeGroup": upload.type_group}


def file_extension(name: str) -> str:
    """getFileExtension (apps/meteor/lib/utils/getFileExtension.ts)."""
    parts = name.split(".")
    if len(parts) < 2 or (parts[0] == "" and len(parts) == 2):  # noqa: PLR2004 - upstream
        return "file"
    return parts[-1].upper() or "file"


def _thumbnail(store: Store, upload: Upload) -> tuple[Upload, tuple[int, int]] | None:
    """FileUpload.createImageThumbnail + uploadImageThumbnail; None when sharp would not make
    one: thumbnails off, an image already within the box, or bytes it cannot decode."""
    settings = store.settings
    found = identify(upload.content)
    if not settings["Message_Attachments_Thumbnails_Enabled"] or found is None:
        return None
    box = (settings["Message_Attachments_Thumbnails_Width"],
           settings["Message_Attachments_Thumbnails_Height"])
    known = _identify(upload)
    if known and known.width and known.height and known.width < box[0] and known.height < box[1]:
        return None
    size = box
    if found.width and found.height:
        size = thumbnail_size(found.width, found.height, box)
    # sharp renders SVG (and, with the bundled libvips, GIF) input as PNG
    kind = "image/png" if upload.type == "image/svg+xml" else upload.type
    thumb = Upload(id=store.ids.meteor_id(), rid=upload.rid, user_id=upload.user_id,
                   name=f"thumb-{upload.name}", type=kind, content=upload.content,
                   uploaded_at=store.now(), confirmed=True, type_group="thumb")
    store.uploads[thumb.id] = thumb
    return thumb, size


def _attachment(store: Store, upload: Upload, description: str | None,
                files: list[dict[str, Any]]) -> dict[str, Any]:
    url = upload.url
    attachment: dict[str, Any] = {"title": upload.name, "type": "file", "title_link": url,
                                  "title_link_download": True}
    if description:
        attachment["description"] = description
    group = next((g for g in MEDIA_GROUPS if re.match(rf"{g}/.", upload.type)), None)
    if group is None:
        attachment.update({"format": file_extension(upload.name), "size": len(upload.content)})
    else:
        attachment.update({f"{group}_url": url, f"{group}_type": upload.type,
                           f"{group}_size": len(upload.content)})
    if group == "image":
        known = _identify(upload)
        if known and known.width and known.height:
            attachment["image_dimensions"] = {"width": known.width, "height": known.height}
        made = _thumbnail(store, upload)
        if made is not None:
            thumb, (width, height) = made
            # the thumbnail's id with the original's (encoded) name
            attachment["image_url"] = file_path(thumb.id, upload.name)
            attachment["image_type"] = thumb.type
            attachment["image_dimensions"] = {"width": width, "height": height}
            files.append(_file_entry(thumb))
    attachment["fileId"] = upload.id
    return attachment


def confirm(
    store: Store, user: User, room: Room, upload_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    # rooms.mediaConfirm (apps/meteor/app/api/server/v1/rooms.ts, 7.x): the upload is found
    # by id only ('invalid-file' when missing) and sendFileMessage runs every time, so a
    # second confirm of the same file posts a second message; nothing checks who uploaded it.
    upload = store.uploads.get(upload_id)
    if upload is None:
        raise MeteorError("invalid-file")
    files = [_file_entry(upload)]
    attachment = _attachment(store, upload, fields.get("description"), files)
    message_fields: dict[str, Any] = {
        "msg": fields.get("msg") or "",
        "file": files[0],
        "files": files,
        "attachments": [attachment],
    }
    for key in ("tmid", "alias", "emoji", "avatar", "groupable", "customFields"):
        if fields.get(key) is not None:
            message_fields[key] = fields[key]
    message = send_message(store, user, room, message_fields)
    assert message is not None
    upload.confirmed = True
    return message
