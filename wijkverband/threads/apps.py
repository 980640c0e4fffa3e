from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThreadsConfig(AppConfig):
    name = "wijkverband.threads"
    label = "threads"
    verbose_name = _("Threads")

    def ready(self):
        from wijkverband.core.registry import (
            NavItem,
            Panel,
            register_rights_narrowed,
            register_team_card_line,
            register_team_nav,
            register_team_panel,
        )
        from wijkverband.realtime.hooks import register_stream_hooks
        from wijkverband.threads.panels import team_card_unread, team_threads_panel
        from wijkverband.threads.services.notifications import NOTICE_SENTENCES, rights_narrowed
        from wijkverband.threads.streams import ThreadStreams
        from wijkverband.work.serialise import register_notice_sentence

        register_team_nav(NavItem(key="threads", label=_("Threads"), url_name="thread_list", order=40))
        register_team_panel(Panel(key="threads", template="threads/_team_panel.html", context=team_threads_panel))
        register_team_card_line("threads", team_card_unread)
        # The live socket's transport asks this app about threads (it imports no feature itself).
        register_stream_hooks(ThreadStreams())
        # Its notices name the thread in one sentence (live, in the list, in mails).
        for kind, sentence in NOTICE_SENTENCES.items():
            register_notice_sentence(kind, sentence)
        # A role that may no longer post (a member made client representative) confirms nothing.
        register_rights_narrowed("threads", rights_narrowed)
