"""Settings of the stock Channels app: what a Django team would write first (one group, group_send)."""

import os

SECRET_KEY = "bench-only-" + "x" * 50  # noqa: S105 - a throwaway process on 127.0.0.1
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels"]
ROOT_URLCONF = "bench.realtime.stock_app"
ASGI_APPLICATION = "bench.realtime.stock_app.application"
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")], "prefix": "bench-stock"},
    }
}
USE_TZ = True
