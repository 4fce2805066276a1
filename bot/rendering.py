"""Plain-text rendering of the bot's messages for terminals (console, demo, logs of tests)."""

from __future__ import annotations

from bot.models import Attachment, Message


def render_attachment(attachment: Attachment) -> list[str]:
    lines = []
    if attachment.title:
        link = f" <{attachment.title_link}>" if attachment.title_link else ""
        lines.append(f"  ┃ {attachment.title}{link}")
    lines += [f"  ┃ {line}" for line in attachment.text.splitlines()]
    lines += [f"  ┃ {name}: {value}" for name, value in attachment.fields]
    if attachment.buttons:
        buttons = (f"[ {b.label} → {b.command} ]" for b in attachment.buttons)
        lines.append("  ┃ " + "  ".join(buttons))
    return lines


def render_message(message: Message) -> str:
    lines = [message.text] if message.text else []
    for attachment in message.attachments:
        lines += render_attachment(attachment)
    if message.upload is not None:
        lines.append(f"  📎 {message.upload.filename} ({len(message.upload.content)} B)")
    return "\n".join(lines)
