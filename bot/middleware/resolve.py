"""Finds the declared command behind the first word; unknown words get the closest names."""

from __future__ import annotations

import difflib

from bot.errors import UserFacingError
from bot.i18n import N_
from bot.invocation import Invocation, Next
from bot.routing import CommandTable
from bot.sanitize import MAX_COMMAND_LENGTH, escape_markdown
from bot.tokenizer import split_words


class Resolve:
    def __init__(self, table: CommandTable) -> None:
        self._table = table

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        if not invocation.is_command:  # observed by type, not named by a word
            await call_next(invocation)
            return
        if len(invocation.line) > MAX_COMMAND_LENGTH:
            raise UserFacingError(
                N_("That command is too long ({length} characters, at most {limit})."),
                length=len(invocation.line),
                limit=MAX_COMMAND_LENGTH,
            )
        word, *rest = split_words(invocation.line) or [""]
        command = self._table.find(word)
        if command is None and not invocation.prefixed:
            # "bonjour, tu peux m'aider ?": someone talking, not a mistyped command.
            raise UserFacingError(
                N_("Hello! I answer commands rather than sentences: type /aide to see what I "
                   "can do.")
            )
        if command is None:
            raise self._unknown(word)
        while rest and (sub := command.child(rest[0])) is not None:
            command = sub
            rest = rest[1:]
        invocation.command = command
        invocation.words = rest
        await call_next(invocation)

    def _unknown(self, word: str) -> UserFacingError:
        visible = [n for c in self._table.commands if not c.hidden for n in c.names]
        close = difflib.get_close_matches(word.lower(), visible, n=3, cutoff=0.5)
        if close:
            return UserFacingError(
                N_("Unknown command /{command}. Did you mean {suggestions}? Type /aide for help."),
                command=escape_markdown(word),
                suggestions=", ".join(f"/{name}" for name in close),
            )
        return UserFacingError(
            N_("Unknown command /{command}. Type /aide to see what I can do."),
            command=escape_markdown(word),
        )
