from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "wijkverband.work"
    label = "work"
    verbose_name = _("My work and notifications")

    def ready(self):
        from wijkverband.core import outbox
        from wijkverband.core.header import HeaderRead, register_header_read
        from wijkverband.core.metrics import register_scrape_collector
        from wijkverband.core.registry import MembershipEnd, register_membership_end, register_rights_narrowed
        from wijkverband.work import (
            checks,  # noqa: F401 - registers the SITE_URL check
            services,
        )
        from wijkverband.work.metrics import WorkCollector
        from wijkverband.work.schedules import on_post_migrate
        from wijkverband.work.selectors import notice_tally_from, notice_tally_statement
        from wijkverband.work.serialise import register_notice_sentence
        from wijkverband.work.services import mail, reminders

        # Someone left the team: one sentence naming them and what needs others now.
        for kind, sentence in services.LEAVING_SENTENCES.items():
            register_notice_sentence(kind, sentence)
        # "Still waiting" names who it waits on.
        for kind, sentence in reminders.REMINDER_SENTENCES.items():
            register_notice_sentence(kind, sentence)
        register_membership_end(
            MembershipEnd("work", holdings=services.membership_holdings, release=services.membership_release)
        )
        # Someone who may read less of a team: their notices of what they may no longer read go.
        register_rights_narrowed("work", services.rights_narrowed)
        # Invitations (tenancy) and account mails (accounts) go through the outbox too, from below.
        outbox.register(put=mail.outbox_put, states=mail.outbox_states, withdraw=mail.outbox_withdraw)
        # The periodic jobs' schedules follow the code after every `migrate` (schedules.py).
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="wijkverband.work.schedules")
        # The outbox and the failed jobs, read from the database on every /metrics scrape.
        register_scrape_collector(WorkCollector())
        # The header's unread count and the newest notice ("Mijn werk" keeps its count by it).
        register_header_read(
            "notice_tally",
            HeaderRead(statement=lambda user: notice_tally_statement(user=user), result=notice_tally_from),
        )
