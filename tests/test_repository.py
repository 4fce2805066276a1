"""The repository is self-contained: nothing in it points to documents that are not in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from bot.config import PROJECT_ROOT

# Working notes kept next to the repository while it was written (a `shared/` folder with
# DESIGN.md, STYLE.md and specs/*.md): a reader of the repository cannot follow such a pointer,
# so code and docs cite the upstream source itself (file and version of Rocket.Chat, Nextcloud,
# Wekan, Jitsi) or say what they mean.
OUTSIDE_POINTER = re.compile(
    r"\.\./shared"
    r"|\bshared/(?:specs|DESIGN|STYLE)"
    r"|\bspecs?\s*§"
    r"|\bspecs?\s+[\w-]+\.md"
    r"|\bspecs/[\w.-]+\.md"
    r"|\b(?:rocketchat|nextcloud|wekan|jitsi|anchors)\.md\b"
    r"|\b(?:DESIGN|STYLE)(?:\.md)?\s*§"
    r"|\b(?:DESIGN|STYLE)\.md\b"
)


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout.decode()
    this_test = Path(__file__).resolve()
    return [
        PROJECT_ROOT / name
        for name in listed.split("\0")
        if name and (PROJECT_ROOT / name).resolve() != this_test
    ]


def test_no_file_points_outside_the_repository() -> None:
    files = _tracked_files()
    assert len(files) > 100
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"
        for path in files
        if path.is_file()
        for number, line in enumerate(path.read_bytes().decode("utf-8", "replace").splitlines(), 1)
        if OUTSIDE_POINTER.search(line)
    ]
    assert found == [], "\n".join(found)


def test_the_pattern_recognises_each_kind_of_pointer() -> None:
    for pointer in (
        "See `../shared/DESIGN.md`",
        "(jitsi spec §6.5)",
        "(specs §2.4)",
        "(spec rocketchat.md §9.1.3)",
        "(specs/nextcloud.md §1.3)",
        "faithful to shared/specs/wekan.md",
        "(DESIGN §5)",
        "known error (wekan.md §7)",
    ):
        assert OUTSIDE_POINTER.search(pointer), pointer
    for fine in ("[rocketchat/README.md](rocketchat/README.md)", "spec = _spec()", "the specs"):
        assert not OUTSIDE_POINTER.search(fine), fine
