"""The one escaper: every rule it applies to outside text shown by the bot."""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.i18n import Catalogs
from bot.ports.boards import WriteNotApplied
from bot.ports.files import ExpiryTooFar, Refused, UnknownUser
from bot.sanitize import escape_markdown, neutralise_mass_mentions, one_line
from commands.kanban.text import board_label, card_label, safe


def test_mass_mentions_are_defused_and_people_kept() -> None:
    assert neutralise_mass_mentions("@all @HERE @channel @everyone @marie") == (
        "@\u200dall @\u200dHERE @\u200dchannel @\u200deveryone @marie"
    )
    assert escape_markdown("ping @here and @marie") == "ping @\u200dhere and @marie"


def test_every_mention_is_defused_when_someone_else_wrote_the_text() -> None:
    assert escape_markdown("@marie @all", every_mention=True) == "@\u200dmarie @\u200dall"


def test_markdown_characters_are_escaped() -> None:
    assert escape_markdown(r"*b* _i_ ~s~ `c` [l](u) > q | t \ ") == (
        r"\*b\* \_i\_ \~s\~ \`c\` \[l\]\(u\) \> q \| t \\ "
    )
    assert escape_markdown("# title\n# again #3") == "\\# title\n\\# again #3"


def test_the_bots_own_links_and_bold_are_kept_around_escaped_text() -> None:
    assert board_label("a*b", "https://w/b/1") == "**[a\\*b](https://w/b/1)**"
    assert card_label("[x](y)", "AbCdEfGh", url="https://w/c") == (
        '"\\[x\\]\\(y\\)" ([AbCdEf](https://w/c))'
    )


def test_board_text_is_one_line_and_capped() -> None:
    assert one_line("  a \n b  ") == "a b"
    assert one_line("abcdef", 4) == "abc…"
    # French typography's no-break spaces survive: a colon never starts a line.
    assert one_line("Situation\u202f: salle\n B · n°\u00a03") == (
        "Situation\u202f: salle B · n°\u00a03")
    assert safe("x" * 200, 10) == "x" * 9 + "…"


def test_port_errors_carry_their_own_sentence() -> None:
    catalogs = Catalogs(PROJECT_ROOT / "locales")
    en = catalogs.get("en")
    for error, expected in (
        (UnknownUser("@zoe"), "Nextcloud has no account named @zoe."),
        (Refused("boom"), "Nextcloud refused: boom"),
        (ExpiryTooFar(7), "Nextcloud allows links for 7 days at most."),
        (WriteNotApplied("assignees", "c1"),
         "Wekan dropped the assignee of the card; please check the board."),
    ):
        assert en.t(error.message, **error.params) == expected
    assert str(UnknownUser("@zoe")) == "@zoe"
