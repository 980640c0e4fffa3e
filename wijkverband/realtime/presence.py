"""Who has a live socket open, shared by every worker through the cache (Redis in production).

Each worker refreshes a short-lived key per connected user; a crashed worker's keys expire by
themselves. Used to decide whether a mention also needs an e-mail.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

ONLINE_TTL_SECONDS = 60
REFRESH_SECONDS = 20


def _key(user_id: int) -> str:
    return f"wv:online:{user_id}"


def users_mark_online(user_ids) -> None:
    if not user_ids:
        return
    try:
        cache.set_many({_key(uid): 1 for uid in user_ids}, timeout=ONLINE_TTL_SECONDS)
    except Exception:  # noqa: BLE001 - presence is a hint, not a record
        logger.warning("realtime: could not record presence", exc_info=True)


def user_mark_offline(user_id: int) -> None:
    try:
        cache.delete(_key(user_id))
    except Exception:  # noqa: BLE001
        logger.warning("realtime: could not clear presence", exc_info=True)


def user_online(user_id: int) -> bool:
    try:
        return bool(cache.get(_key(user_id)))
    except Exception:  # noqa: BLE001 - unknown counts as offline: better an e-mail too many
        return False
