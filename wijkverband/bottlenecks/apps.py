from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def builtin_categories_ensure(sender, using="default", **kwargs):
    """The built-in categories exist after every migrate and flush (a test database flushed by a
    transactional test loses the rows of data migrations; post_migrate runs after that flush)."""
    from wijkverband.bottlenecks.services import builtin_categories_ensure as ensure

    ensure(using=using)


class BottlenecksConfig(AppConfig):
    name = "wijkverband.bottlenecks"
    label = "bottlenecks"
    verbose_name = _("Bottlenecks")

    def ready(self):
        from wijkverband.bottlenecks import notices, panels
        from wijkverband.work.services.reminders import register_time_check

        panels.register()
        from wijkverband.bottlenecks import services
        from wijkverband.core.registry import MembershipEnd, register_membership_end, register_rights_narrowed

        register_membership_end(
            MembershipEnd("bottlenecks", holdings=services.membership_holdings, release=services.membership_release)
        )
        # A role that owns nothing lets go of what they own, as a leaving does.
        register_rights_narrowed("bottlenecks", services.rights_narrowed)
        # The hourly job asks this app what waits: ownership, targets, escalations (docs/work.md).
        register_time_check("bottlenecks", notices.time_check)
        # The titles of the notices of someone leaving, written as they are read (docs/work.md).
        from wijkverband.work.serialise import register_notice_phrase

        for phrase, words in notices.LEAVING_PHRASES.items():
            register_notice_phrase(phrase, words)
        post_migrate.connect(builtin_categories_ensure, sender=self)
