from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def builtin_categories_ensure(sender, using="default", **kwargs):
    """The built-in categories exist after every migrate and flush (a test database flushed by a
    transactional test loses the rows of data migrations; post_migrate runs after that flush)."""
    from django.db import connections

    from wijkverband.bottlenecks.models import BUILTIN_CATEGORIES, Category

    if Category._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before this app's tables
    existing = set(Category.objects.using(using).filter(team__isnull=True).values_list("key", flat=True))
    Category.objects.using(using).bulk_create(
        [
            # "Other" goes last, after a team's own categories (position 100).
            Category(team=None, key=key, position=999 if key == "overig" else position * 10)
            for position, key in enumerate(BUILTIN_CATEGORIES, start=1)
            if key not in existing
        ]
    )


class BottlenecksConfig(AppConfig):
    name = "wijkverband.bottlenecks"
    label = "bottlenecks"
    verbose_name = _("Bottlenecks")

    def ready(self):
        from wijkverband.bottlenecks import panels

        panels.register()
        post_migrate.connect(builtin_categories_ensure, sender=self)
