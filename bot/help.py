"""Usage lines and /aide text, generated from the command declarations."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.routing import Argument, Command, Option


def _argument_usage(spec: Argument, t: Translator) -> str:
    label = (spec.prefix or "") + t.t(spec.label) + ("…" if spec.greedy or spec.prefix else "")
    return f"<{label}>" if spec.required else f"[{label}]"


def _option_usage(spec: Option, t: Translator) -> str:
    if spec.flag:
        return f"[--{spec.name}]"
    label = t.t(spec.metavar or spec.name)
    return f"[--{spec.name} {label}{'…' if spec.multiple else ''}]"


def usage_line(command: Command, t: Translator) -> str:
    parts = [f"/{command.path}"]
    parts += [_argument_usage(a, t) for a in command.arguments]
    parts += [_option_usage(o, t) for o in command.options]
    return " ".join(parts)


def usage_block(command: Command, t: Translator) -> str:
    lines = [t.t(N_("Usage:")) + f" `{usage_line(command, t)}`"]
    lines += [f"`{usage_line(sub, t)}`" for sub in command.subcommands if not sub.hidden]
    if command.examples:
        examples = ", ".join(f"`{example}`" for example in command.examples)
        lines.append(t.t(N_("Examples: {examples}"), examples=examples))
    return "\n".join(lines)


def overview(commands: list[Command], t: Translator) -> str:
    lines = [t.t(N_("**What I can do** (type `/aide <command>` for details):"))]
    for command in sorted(commands, key=lambda c: c.name):
        if command.hidden:
            continue
        aliases = "".join(f" · /{alias}" for alias in command.aliases)
        lines.append(f"- `/{command.name}`{aliases}: {t.t(command.help)}")
    lines.append(t.t(N_("Every command also works with `!` instead of `/`, or in a DM.")))
    return "\n".join(lines)


def details(command: Command, t: Translator) -> str:
    title = f"**/{command.path}**"
    if command.aliases:
        title += " (" + ", ".join(f"/{a}" for a in command.aliases) + ")"
    lines = [f"{title}: {t.t(command.help)}", usage_block(command, t)]
    lines += [f"- `{a.prefix or ''}{t.t(a.label)}`: {t.t(a.help)}"
              for a in command.arguments if a.help]
    lines += [f"- `--{o.name}`: {t.t(o.help)}" for o in command.options if o.help]
    lines += [f"- `/{s.path}`: {t.t(s.help)}" for s in command.subcommands if not s.hidden]
    return "\n".join(lines)
