from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save


class CoreConfig(AppConfig):
    name = "wijkverband.core"
    label = "core"
    verbose_name = "Wijkverband"

    def ready(self):
        from wijkverband.core import csrf
        from wijkverband.core.guard import guard_on_save
        from wijkverband.core.metrics import register_scrape_collector
        from wijkverband.core.pool_metrics import DatabasePoolCollector

        # Every save of every model of ours passes the client-data guard (wijkverband/core/guard.py).
        pre_save.connect(guard_on_save, dispatch_uid="wijkverband.core.guard")
        # Without Redis the cache is a table in the database: every migrate creates it (core/dbcache.py).
        # Django sends post_migrate only for apps with models, which core has none of: contenttypes'
        # comes with every migrate.
        from django.apps import apps

        from wijkverband.core.dbcache import table_ensure

        post_migrate.connect(
            table_ensure, sender=apps.get_app_config("contenttypes"), dispatch_uid="wijkverband.core.dbcache"
        )
        # The database connection pool's waits and timeouts, read on every /metrics scrape.
        register_scrape_collector(DatabasePoolCollector())
        # Django's CSRF mask drawn with one call for randomness, not 33 (core/csrf.py).
        csrf.install()
        # Every mail's Message-ID in our own domain, as the outbox's (work.services.mail): the
        # invitation's and allauth's mails carried the machine's host name ("@localhost").
        from django.conf import settings
        from django.core.mail.utils import DNS_NAME

        DNS_NAME._fqdn = settings.MAIL_ID_DOMAIN
