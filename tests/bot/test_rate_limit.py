"""The per-person limit: a person at full speed is never stopped, a script soon is."""

from __future__ import annotations

from bot.config import RateLimitSettings, Settings
from bot.middleware.rate_limit import TokenBucket
from commands.core_feature import feature as core
from composition.testing import BotHarness

DEFAULTS = RateLimitSettings()


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def default_bucket(ticks: Ticks) -> TokenBucket:
    return TokenBucket(DEFAULTS.burst, DEFAULTS.per_minute / 60.0, ticks)


def accepted(bucket: TokenBucket, ticks: Ticks, count: int, every: float) -> int:
    taken = 0
    for _ in range(count):
        taken += bucket.take("marie") == 0
        ticks.now += every
    return taken


def test_the_fastest_typist_is_never_stopped() -> None:
    ticks = Ticks()
    # Short commands (/aide, /taches, !bouton) every 2 s for ten minutes, without a pause.
    assert accepted(default_bucket(ticks), ticks, 300, every=2.0) == 300


def test_a_round_of_button_presses_is_never_stopped() -> None:
    ticks = Ticks()
    bucket = default_bucket(ticks)
    # Twenty presses, two a second, then typing again at a brisk pace.
    assert accepted(bucket, ticks, 20, every=0.5) == 20
    assert accepted(bucket, ticks, 30, every=2.0) == 30


def test_a_script_is_stopped_after_the_burst() -> None:
    ticks = Ticks()
    # Ten commands a second for a minute: what no person sends.
    taken = accepted(default_bucket(ticks), ticks, 600, every=0.1)
    assert taken <= DEFAULTS.burst + 60 + 1


async def test_a_flood_through_the_pipeline_is_throttled_with_the_defaults(
    settings: Settings,
) -> None:
    assert settings.rate_limit == RateLimitSettings()
    async with BotHarness(settings, features=[core]) as bot:
        answers = [(await bot.say("/langue fr"))[0].message.text for _ in range(100)]
    done = "Désormais, je vous réponds en français."
    assert answers[: DEFAULTS.burst] == [done] * DEFAULTS.burst
    throttled = [a for a in answers if a.startswith("Vous envoyez des commandes trop vite")]
    assert len(throttled) >= 60  # the bucket refills one a second while the flood runs
    assert answers.count(done) + len(throttled) == 100
