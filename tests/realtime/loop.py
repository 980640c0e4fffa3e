import asyncio

from asgiref.sync import async_to_sync

from wijkverband.realtime import fanout


def run(scenario) -> None:
    """Run an async scenario on a fresh loop, stopping this loop's fan-out hub before it closes."""

    async def wrapped():
        try:
            await scenario()
        finally:
            hub = fanout._hubs.get(asyncio.get_running_loop())
            if hub is not None:
                await hub.stop()

    async_to_sync(wrapped)()
