"""What threads.js needs on a page that shows a thread live: the thread page and the discussion
on an agreement's or bottleneck's page use the same blob (json_script "thread-live") and the same
strings (json_script "thread-strings"), so both behave alike."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wijkverband.threads.models import SubjectKind, Thread

#: The id of the discussion section on a subject's page; a post from there returns to it.
DISCUSSION_ANCHOR = "discussion"

_SUBJECT_PAGES = {
    SubjectKind.AGREEMENT: ("agreement_detail", "agreement_id"),
    SubjectKind.BOTTLENECK: ("bottleneck_detail", "bottleneck_id"),
}


def live_config(request, *, team, thread: Thread, trights) -> dict:
    return {
        "thread": thread.pk,
        "seq": thread.seq,
        "user": request.user.pk,
        "events_url": reverse("thread_events", kwargs={"team_slug": team.slug, "thread_id": thread.pk}),
        "can_post": trights.can_post,
    }


def live_strings() -> dict:
    return {
        "sending": _("Sending…"),
        "failed": _("Not sent:"),
        "reconnecting": _("Connection lost: reconnecting…"),
        "live": _("Live: new messages appear by themselves."),
        "signed_out": _("You have been signed out. Reload the page to sign in again."),
        "typing": _("%(name)s is typing…"),
        "edited": _("edited"),
        "deleted": _("This message was deleted."),
        "asks_ack": _("Asks for confirmation."),
        "notification": _("New notification from %(actor)s."),
    }


def subject_url(thread: Thread) -> str:
    """The page of the agreement or bottleneck this thread is about (the caller checked it has one)."""
    name, key = _SUBJECT_PAGES[thread.subject_kind]
    return reverse(name, kwargs={"team_slug": thread.team.slug, key: thread.subject_id})
