"""The floor: a bare `websockets` broadcast server.

Without rooms every text message from a client goes to all others. A client that first sends
`join <room>` is in that room instead, and its later messages `<room> <text>` go to everyone in the
room, itself included (as the app's sender gets its own event): the fan-out of the many-threads
workload (bench/realtime/scale.py).
"""

import argparse
import asyncio

import websockets
from websockets.asyncio.server import broadcast, serve

CLIENTS: set = set()
ROOMS: dict[str, set] = {}


async def handler(connection):
    room = None
    CLIENTS.add(connection)
    try:
        async for message in connection:
            if room is None and isinstance(message, str) and message.startswith("join "):
                CLIENTS.discard(connection)
                room = message[5:]
                ROOMS.setdefault(room, set()).add(connection)
                await connection.send(f"joined {room}")
            elif room is not None:
                broadcast(ROOMS[room], message.split(" ", 1)[1])
            else:
                broadcast([c for c in CLIENTS if c is not connection], message)
    except websockets.ConnectionClosed:
        pass
    finally:
        CLIENTS.discard(connection)
        if room is not None:
            ROOMS[room].discard(connection)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None, backlog=4096):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
