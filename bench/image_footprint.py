"""What the image adds to its base: the installed size of the bot's run-time dependency closure
(the `[project] dependencies`, recursively, as installed in this environment), with and without
what the Dockerfile removes (Babel's locale data other than fr, en and root; the installers).

No Docker daemon here, so the base image is not measured: add the size `docker image ls` shows
for python:3.11-slim. Baseline: the same closure as pip installs it, nothing removed."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

KEPT_LOCALES = ("fr", "en", "root")
INSTALLERS = ("pip", "setuptools", "wheel")


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(root: str) -> dict[str, list[Path]]:
    """Each distribution of the run-time closure with its installed files."""
    found: dict[str, list[Path]] = {}
    pending: list[tuple[str, tuple[str, ...]]] = [(root, ())]
    while pending:
        name, extras = pending.pop()
        if _key(name) in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[_key(name)] = [Path(str(f.locate())) for f in dist.files or []]
        for text in dist.requires or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker and not any(marker.evaluate({"extra": e}) for e in ("", *extras)):
                continue
            pending.append((requirement.name, tuple(requirement.extras)))
    return found


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def _pruned(path: Path) -> bool:
    return (path.parent.name == "locale-data" and path.suffix == ".dat"
            and not path.name.startswith(KEPT_LOCALES))


def main() -> None:
    found = closure("ensemble-bot")
    installed = sum(_size(files) for files in found.values())
    kept = sum(_size([p for p in files if not _pruned(p)]) for files in found.values())
    mib = 2**20
    print(f"run-time closure: {len(found)} distributions, {installed / mib:.1f} MiB as installed "
          f"(baseline); {kept / mib:.1f} MiB in the image ({kept / installed:.2f}x)")
    biggest = sorted(found.items(), key=lambda item: -_size(item[1]))[:5]
    print("largest: " + ", ".join(f"{name} {_size(files) / mib:.1f} MiB"
                                  for name, files in biggest))
    installers = sum(_size(files) for name, files in closure_of(INSTALLERS).items())
    print(f"installers removed from the base image: {installers / mib:.1f} MiB")


def closure_of(names: tuple[str, ...]) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for name in names:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[_key(name)] = [Path(str(f.locate())) for f in dist.files or []]
    return found


if __name__ == "__main__":
    main()
