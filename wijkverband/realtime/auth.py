"""Who opens a socket: Channels' auth middleware, without queueing every handshake in one thread.

Channels' `get_user` reads the session and the user in the one thread-sensitive worker thread of
the process, so when thousands of sockets connect at once (every page reconnecting after a
restart) their handshakes wait for each other's database reads one by one. It touches nothing
another thread uses (the scope's own session and a fresh user object), so here it runs in the
connect pool with the socket's other connect work (wijkverband/realtime/pools.py).
"""

from channels.auth import AuthMiddleware, get_user
from channels.sessions import CookieMiddleware, SessionMiddleware

from wijkverband.realtime.pools import on_connect_pool


class ParallelAuthMiddleware(AuthMiddleware):
    async def resolve_scope(self, scope):
        scope["user"]._wrapped = await on_connect_pool(get_user.func)(scope)


def ParallelAuthMiddlewareStack(inner):  # noqa: N802 - named like Channels' AuthMiddlewareStack
    return CookieMiddleware(SessionMiddleware(ParallelAuthMiddleware(inner)))
