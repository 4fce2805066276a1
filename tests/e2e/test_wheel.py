"""The wheel, built from what the Dockerfile copies, carries the code and the message catalogs
and no simulated server, and the bot it installs answers in French with no setting pointing at
a locales folder. The simulators are the distribution `ensemble-sandbox`, built from sandbox/."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.config import PROJECT_ROOT
from bot.i18n import Catalogs
from tests.e2e.conftest import free_port

PACKAGED = ("bot", "commands", "composition", "integrations")
SANDBOX = "sandbox"
SHIPPED_SUFFIXES = (".py", ".typed", ".mako")


def _build_stage_sources() -> list[str]:
    """What the Dockerfile's build stage copies before `pip wheel`."""
    stages = re.split(r"^FROM ", (PROJECT_ROOT / "Dockerfile").read_text("utf-8"), flags=re.M)
    build_stage = stages[1]
    sources: list[str] = []
    for line in build_stage.splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(w.startswith("--from") for w in words):
            sources.extend(words[1:-1])
    return sources


def _call(*command: str | Path, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENSEMBLE_", "PYTHON"))}
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _shipped(package: str) -> set[str]:
    """The files of a package of this checkout that a wheel must carry, as wheel paths."""
    return {
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in (PROJECT_ROOT / package).rglob("*")
        if path.suffix in SHIPPED_SUFFIXES
        and "__pycache__" not in path.parts
        and "build" not in path.relative_to(PROJECT_ROOT).parts
    }


def test_the_docker_build_context_leaves_the_sandbox_out() -> None:
    sources = _build_stage_sources()
    assert set(PACKAGED) <= set(sources)
    assert [s for s in sources if s.strip("./").split("/")[0] == SANDBOX] == []
    instructions = (PROJECT_ROOT / "Dockerfile").read_text("utf-8").splitlines()
    assert [line for line in instructions if SANDBOX in line and not line.startswith("#")] == []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in _build_stage_sources():
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(origin, source / name, ignore=ignore)
        else:
            shutil.copy(origin, source / name)
    dist = tmp_path_factory.mktemp("dist")
    _call(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source)
    (built,) = dist.glob("ensemble_bot-*.whl")
    return built


def test_the_wheel_holds_every_module_and_every_catalog(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = set().union(*(_shipped(package) for package in PACKAGED))
    catalogs = {
        "ensemble_locales/" + path.relative_to(PROJECT_ROOT / "locales").as_posix()
        for path in (PROJECT_ROOT / "locales").rglob("*.po")
    }
    assert len(catalogs) >= 8  # fr and en, every domain
    assert sorted(modules - names) == []  # a package missing from pyproject.toml's list
    assert sorted(catalogs - names) == []


def test_the_wheel_holds_no_sandbox_module(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert [name for name in names if name.split("/")[0] == SANDBOX] == []


def test_the_sandbox_wheel_holds_every_simulator_module(tmp_path: Path) -> None:
    """sandbox/ is its own project; its package list must follow its tree."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "build", "*.egg-info")
    shutil.copytree(PROJECT_ROOT / SANDBOX, source, ignore=ignore)
    dist = tmp_path / "dist"
    _call(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source)
    (built,) = dist.glob("ensemble_sandbox-*.whl")
    names = set(zipfile.ZipFile(built).namelist())
    assert sorted(_shipped(SANDBOX) - names) == []
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {SANDBOX}


def test_the_installed_wheel_answers_in_french_without_a_locales_setting(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    _call(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _call(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", wheel)
    # The dependencies come from the test environment's site-packages, added as a plain path:
    # its .pth files (among them the editable install of this checkout) are not run.
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    target = Path(_call(python, "-c", purelib).strip())
    (target / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    where = _call(python, "-c", "import bot; print(bot.__file__)", cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(venv)  # the installed copy, not this checkout

    shown = subprocess.run(
        [str(venv / "bin" / "ensemble-bot"), "console"],
        input="/langue en\n/langue fr\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith(("ENSEMBLE_", "PYTHON"))},
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    french = Catalogs(PROJECT_ROOT / "locales").get("fr")
    assert french.t("From now on I will answer you in English.") in shown.stdout, shown.stdout


# -- what the image does -----------------------------------------------------------------------
# The Dockerfile installs the wheel in the system interpreter, runs `ensemble-bot run` as the
# unprivileged user `ensemble` from /app (root's, read-only to that user) with /app/data its
# own. Without a Docker daemon, the same layout is rebuilt here: the wheel in a fresh venv
# outside the source tree, an application folder only root may write, a data folder the
# unprivileged user owns, and the process run as that user (nobody, through setpriv, when the
# tests run as root; as the current user otherwise, whom a 0555 folder refuses as well).
NOBODY = 65534


def _as_unprivileged() -> list[str]:
    if os.geteuid() == 0 and shutil.which("setpriv"):
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return []


@pytest.fixture(scope="module")
def image(wheel: Path) -> Iterator[Path]:
    """The image's interpreter: bin/ensemble-bot installed from the wheel, outside the tree."""
    root = Path(tempfile.mkdtemp(prefix="ensemble-image-"))
    os.chmod(root, 0o755)
    venv = root / "venv"
    _call(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _call(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    target = Path(_call(python, "-c", purelib).strip())
    (target / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    _prune_babel_as_the_dockerfile_does(target)
    where = _call(python, "-c", "import babel; print(babel.__file__)", cwd=root)
    assert Path(where.strip()).is_relative_to(venv)  # the pruned copy is the one the bot uses
    yield venv / "bin" / "ensemble-bot"
    shutil.rmtree(root, ignore_errors=True)


def _prune_babel_as_the_dockerfile_does(site_packages: Path) -> None:
    """A copy of Babel in the image's venv (ahead of the shared dependencies) with only the
    locale data the Dockerfile keeps, read from its `find … ! -name '<prefix>*'` line."""
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text("utf-8")
    kept = tuple(name.rstrip("*") for name in re.findall(r"! -name '([^']+)'", dockerfile))
    assert "fr" in kept and "en" in kept
    import babel  # noqa: PLC0415 - where the shared copy lives

    copy = site_packages / "babel"
    shutil.copytree(Path(babel.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for data in (copy / "locale-data").glob("*.dat"):
        if not data.name.startswith(kept):
            data.unlink()
    assert len(list((copy / "locale-data").glob("*.dat"))) < 200


def _app_folder(image: Path, name: str, *, data: bool) -> Path:
    app = image.parents[2] / name
    app.mkdir()
    if data:
        (app / "data").mkdir()
        if _as_unprivileged():
            os.chown(app / "data", NOBODY, NOBODY)
        os.chmod(app / "data", 0o750)
    os.chmod(app, 0o555)  # what the image's /app is to the user `ensemble`
    return app


def _image_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENSEMBLE_", "PYTHON"))}
    env.update({"ENSEMBLE_LOG__FORMAT": "json", "PYTHONUNBUFFERED": "1", "HOME": "/nonexistent",
                **extra})
    return env


def test_the_image_without_a_writable_store_names_the_variable(image: Path) -> None:
    app = _app_folder(image, "app-without-data", data=False)
    env = _image_env({"ENSEMBLE_ROCKETCHAT__URL": "http://127.0.0.1:9",
                      "ENSEMBLE_ROCKETCHAT__USER_ID": "u", "ENSEMBLE_ROCKETCHAT__TOKEN": "t"})
    shown = subprocess.run([*_as_unprivileged(), str(image), "run"], capture_output=True,
                           text=True, timeout=60, cwd=app, env=env, check=False)
    assert shown.returncode == 1
    assert "ENSEMBLE_STORE__URL" in shown.stderr, shown.stderr
    assert "Traceback" not in shown.stderr and "PermissionError" not in shown.stderr


async def test_the_image_runs_unprivileged_migrates_and_answers_in_french(
    image: Path, tmp_path: Path
) -> None:
    from sandbox.rocketchat import RocketChatSandbox  # noqa: PLC0415 - only this test serves chat

    app = _app_folder(image, "app", data=True)
    chat = RocketChatSandbox()
    await chat.start()
    port = free_port()
    env = _image_env({**chat.env(), "ENSEMBLE_HTTP__HOST": "127.0.0.1",
                      "ENSEMBLE_HTTP__PORT": str(port)})
    log = tmp_path / "bot.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *_as_unprivileged(), str(image), "run", cwd=app, env=env, stdout=output,
            stderr=output)
        try:
            await _wait_ready(port, process, log)
            chat.state.post("marie", "equipe-projet", "!aide")
            french = Catalogs(PROJECT_ROOT / "locales").get("fr")
            expected = french.t("**What I can do** (type `/aide <command>` for details):")
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 30
            while not any(expected in m.get("msg", "")
                          for m in chat.state.messages("equipe-projet")):
                assert loop.time() < deadline, log.read_text()
                await asyncio.sleep(0.1)
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), 30)
            await chat.stop()
    store = app / "data" / "ensemble.db"
    assert store.exists()
    if _as_unprivileged():
        assert store.stat().st_uid == NOBODY  # written by the unprivileged user
    with sqlite3.connect(store) as db:
        (version,) = db.execute("select count(*) from alembic_version").fetchone()
    assert version >= 1  # the migrations ran
    assert "Traceback" not in log.read_text()


async def _wait_ready(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    async with aiohttp.ClientSession() as http:
        while True:
            assert process.returncode is None, log.read_text()
            assert loop.time() < deadline, log.read_text()
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as answer:
                    if answer.status == 200 and (await answer.json()).get("role") == "leader":
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
