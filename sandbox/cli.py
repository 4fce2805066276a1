"""`ensemble-bot sandbox`: the simulated servers, standalone, until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal

from sandbox.stack import SandboxStack


async def serve(host: str, port: int) -> int:
    stack = SandboxStack()
    await stack.start(host, port)
    print(json.dumps(stack.describe(), ensure_ascii=False), flush=True)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    await stack.stop()
    return 0


def main(args: argparse.Namespace) -> int:
    return asyncio.run(serve(args.host, args.port))
