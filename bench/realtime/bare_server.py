"""The floor: a bare `websockets` broadcast server. Every text message from a client goes to all others."""

import argparse
import asyncio

import websockets
from websockets.asyncio.server import broadcast, serve

CLIENTS: set = set()


async def handler(connection):
    CLIENTS.add(connection)
    try:
        async for message in connection:
            broadcast([c for c in CLIENTS if c is not connection], message)
    except websockets.ConnectionClosed:
        pass
    finally:
        CLIENTS.discard(connection)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None, backlog=4096):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
