"""What sharp's metadata() tells Rocket.Chat about an uploaded image: format and size.

FileUpload.uploadsOnValidate (file-upload/server/lib/FileUpload.ts) stores
`identify = {format, size: {width, height}}` for image/(bmp|jpeg|png|gif|webp) uploads; an
image sharp cannot decode gets neither a preview nor a thumbnail (the error is logged and
swallowed in parseFileIntoMessageAttachments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IDENTIFIED_TYPES = re.compile(r"image/((x-windows-)?bmp|p?jpeg|png|gif|webp)")
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True)
class Identify:
    format: str
    width: int | None = None
    height: int | None = None


def identify(content: bytes) -> Identify | None:
    """Format (sharp's names) and, when the header says it, the pixel size."""
    content = bytes(content)  # multipart parts arrive as bytearray
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return Identify("png", _be(content[16:20]), _be(content[20:24]))
    if content[:6] in {b"GIF87a", b"GIF89a"} and len(content) >= 10:
        return Identify("gif", _le(content[6:8]), _le(content[8:10]))
    if content.startswith(b"\xff\xd8\xff"):
        return _jpeg(content)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return Identify("webp")
    return None


def _jpeg(content: bytes) -> Identify:
    index = 2
    while index + 9 < len(content) and content[index] == 0xFF:
        marker = content[index + 1]
        if marker in _JPEG_FRAMES:
            return Identify("jpeg", _be(content[index + 7:index + 9]),
                            _be(content[index + 5:index + 7]))
        index += 2 + _be(content[index + 2:index + 4])
    return Identify("jpeg")


def thumbnail_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """sharp resize({width, height, fit: 'inside'}): the largest size that fits the box."""
    scale = min(box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _be(raw: bytes) -> int:
    return int.from_bytes(raw, "big")


def _le(raw: bytes) -> int:
    return int.from_bytes(raw, "little")
