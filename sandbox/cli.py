"""`ensemble-sandbox`: the simulated servers standalone (`serve`), or with the bot and a chat
client in this terminal (`demo`).

This entry point belongs to the sandbox distribution, not to `ensemble-bot`: the bot never
loads the sandbox, and its wheel and image do not carry it."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Sequence

from sandbox.stack import SandboxStack

EXIT_OK = 0


async def serve(host: str, port: int) -> int:
    stack = SandboxStack()
    await stack.start(host, port)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    # Only then: whoever reads this line may stop us at once (a SIGTERM before the handlers
    # killed the process with -15 on a loaded machine).
    print(json.dumps(stack.describe(), ensure_ascii=False), flush=True)
    await stopping.wait()
    await stack.stop()
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    return asyncio.run(serve(args.host, args.port))


def _demo(args: argparse.Namespace) -> int:
    # Only the demo runs the bot: `serve` stays usable without importing it.
    from sandbox.demo import main as demo  # noqa: PLC0415

    return demo(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ensemble-sandbox", description="Simulated servers for the ENSEMBLE bot"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    served = commands.add_parser("serve", help="start the simulated servers")
    served.add_argument("--host", default="127.0.0.1")
    served.add_argument("--port", type=int, default=0, help="first port (0 = any free ports)")
    served.set_defaults(func=_serve)
    demo = commands.add_parser("demo", help="the sandbox, the bot and a chat client here")
    demo.add_argument("--user", default="marie", help="the seeded agent you chat as")
    demo.add_argument("--room", default="equipe-projet", help="the seeded room you chat in")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
