"""What threads.js needs on a page that shows a thread live: the thread page and the discussion
on an agreement's or bottleneck's page use the same blob (json_script "thread-live") and the same
strings (json_script "thread-strings"), so both behave alike."""

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from wijkverband.realtime import codes
from wijkverband.threads.models import SubjectKind, Thread
from wijkverband.threads.services import too_long_text
from wijkverband.threads.times import month_names

#: The id of the discussion section on a subject's page; a post from there returns to it.
DISCUSSION_ANCHOR = "discussion"

_SUBJECT_PAGES = {
    SubjectKind.AGREEMENT: ("agreement_detail", "agreement_id"),
    SubjectKind.BOTTLENECK: ("bottleneck_detail", "bottleneck_id"),
}


def _message_url(name: str, team, thread) -> str:
    """A message URL with MESSAGE_ID where the id goes: the client fills it in for live messages."""
    return reverse(name, kwargs={"team_slug": team.slug, "thread_id": thread.pk, "message_id": "MESSAGE_ID"})


def live_config(request, *, team, thread: Thread, trights, page=None) -> dict:
    """Also what threads.js needs to build a live message like _message.html does.

    page: the ThreadPage shown (selectors.thread_page), for everyone's read marker ("Read by")
    and, when it loaded them already, the people asked to confirm.
    """
    from wijkverband.threads.selectors import mention_suggestions, team_professionals

    urls = {"history": _message_url("message_history", team, thread)}
    if trights.can_post:
        urls.update(edit=_message_url("message_edit", team, thread), ack=_message_url("message_ack", team, thread))
    if trights.can_post or trights.can_moderate:
        urls["delete"] = _message_url("message_delete", team, thread)
        urls["redact"] = _message_url("message_redact", team, thread)
    professionals = []
    if trights.can_post:  # the author of a message asking for confirmation sees who has not yet
        professionals = page.professionals if page is not None and page.professionals is not None else None
        if professionals is None:
            professionals = team_professionals(team=team)
    return {
        "thread": thread.pk,
        "seq": thread.seq,
        "user": request.user.pk,
        "events_url": reverse("thread_events", kwargs={"team_slug": team.slug, "thread_id": thread.pk}),
        "can_post": trights.can_post,
        "can_moderate": trights.can_moderate,
        "csrf_token": get_token(request),
        "urls": urls,
        "professionals": professionals,
        "markers": page.markers if page is not None else [],
        # The composer's "@" suggestions: people who read this thread, kinds of organisation, roles.
        "mentions": mention_suggestions(thread=thread, user=request.user) if trights.can_post else [],
    }


def live_strings() -> dict:
    return {
        "sending": _("Sending…"),
        "failed": _("Not sent:"),
        # A text kept above the box (refused, or set aside to put a refused one back in the box).
        "put_back": _("Put back in the message box"),
        "set_aside": _("Set aside from the message box:"),
        "discard": _("Throw away"),
        "reconnecting": _("Connection lost: reconnecting…"),
        "offline": _("No network: what you send waits here and is sent as soon as you are back online."),
        "offline_reading": _("No network: new messages appear as soon as you are online again."),
        "waiting": _("Waiting for the network:"),
        # Online, but the socket is away (the server restarting or unreachable): "Connection lost".
        "waiting_connection": _("Waiting for the connection:"),
        "live": _("Live: new messages appear by themselves."),
        "signed_out": _("You have been signed out. Reload the page to sign in again: what you wrote will be waiting."),
        # Why, when the socket's close says it (realtime.codes.SIGNED_OUT_*): the sign-in page's words.
        "signed_out_why": {
            codes.SIGNED_OUT_ELSEWHERE: _(
                "“Sign out everywhere else” was chosen on another device, so you were signed out here. "
                "Reload the page to sign in again: what you wrote will be waiting."
            ),
            codes.SIGNED_OUT_SECOND_FACTOR_RESET: _(
                "The administrator reset your two-factor authentication, so you were signed out here. "
                "Reload the page to sign in again: what you wrote will be waiting."
            ),
            codes.SIGNED_OUT_PASSWORD_CHANGED: _(
                "Your password was changed, so you were signed out here. "
                "Reload the page to sign in with your new password: what you wrote will be waiting."
            ),
        },
        # A 403 without a reason: the page's form token is of a session that ended (or was renewed
        # by signing in elsewhere); rarely rights that changed. Reloading shows which.
        "refused_sign_in": _(
            "Refused: you may have been signed out. Reload the page and sign in again if asked: "
            "what you wrote will be waiting."
        ),
        # Above the box (and an editor) whose text the tab kept when the page was left.
        "draft_restored": _("Not sent yet: your text from before is back in the message box."),
        "edit_restored": _("Not saved yet: your change from before is back."),
        "sign_in_incomplete": _("Finish signing in first: set up two-factor authentication, then reload the page."),
        "no_access": _("You can no longer read this thread. Reload the page."),
        "typing": _("%(name)s is typing…"),
        "edited": pgettext("message", "edited"),
        "deleted": _("This message was deleted."),
        "deleted_by_author": _("This message was deleted by its author."),
        "deleted_by_coordinator": _("This message was deleted by a coordinator."),
        "asks_ack": _("Asks for confirmation."),
        "confirmed_one": ngettext("%(counter)s confirmed", "%(counter)s confirmed", 1),
        "confirmed_other": ngettext("%(counter)s confirmed", "%(counter)s confirmed", 2),
        "not_yet": _("Not yet:"),
        "read_by": _("Read by"),
        "read_by_more_one": ngettext("and %(counter)s other", "and %(counter)s others", 1),
        "read_by_more_other": ngettext("and %(counter)s other", "and %(counter)s others", 2),
        # Said by a screen reader when someone else's message arrives (the message list itself is
        # not a live region); and the button to the new messages below the screen.
        "new_message": _("New message from %(author)s: %(text)s"),
        # Several that arrive together (a reconnect's replay): one line; names joined as "A, B and C".
        "new_messages_from_one": ngettext(
            "%(count)s new message from %(names)s", "%(count)s new messages from %(names)s", 1
        ),
        "new_messages_from_other": ngettext(
            "%(count)s new message from %(names)s", "%(count)s new messages from %(names)s", 2
        ),
        "names_and": _("%(names)s and %(last)s"),
        "new_messages_one": ngettext("%(count)s new message", "%(count)s new messages", 1),
        "new_messages_other": ngettext("%(count)s new message", "%(count)s new messages", 2),
        "confirm": _("Confirm"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "redact": _("Remove client data"),
        # The word that link shows, short enough for a phone's one line (a screen reader hears "redact").
        "redact_short": pgettext("short link: remove client data from a message", "Client data"),
        # What a screen reader hears after an action's name: whose message, and when (_message.html).
        "of_message": _(" (message from %(author)s, %(time)s)"),
        "presence_others": _("Also reading this thread now: %(names)s."),
        "presence_alone": _("Nobody else is reading this thread right now."),
        "presence_more": _("%(count)s more"),
        "reads_along": _("%(name)s (read only)"),
        "notification": _("New notification from %(actor)s."),
        "notification_mention": _("%(actor)s mentioned you in “%(title)s”."),
        "notification_ack_request": _("%(actor)s asks you to confirm a message in “%(title)s”."),
        "notification_activity": _("%(actor)s wrote in your thread “%(title)s”."),
        "notification_other": _("New notification from %(actor)s about “%(title)s”."),
        "notification_unsigned": _("New notification about “%(title)s”."),
        "notification_still_waiting": _("“%(title)s” still waits on %(actor)s after two reminders."),
        # Someone left: the title is a phrase of ours ("3 open bottlenecks need a new owner").
        "notification_member_left": _("%(actor)s left the team: %(title)s."),
        "notification_member_removed": _("%(actor)s was removed from the team: %(title)s."),
        "notification_member_role_changed": _("%(actor)s has a role now in which they cannot own anything: %(title)s."),
        "typing_many": _("%(names)s are typing…"),
        "empty": _("Write a message first."),
        # Checked before sending, as the server checks it: the text stays in the box.
        # threads.js fills in the count, grouped as the page's language writes numbers.
        "too_long": too_long_text("%(count)s"),
        "today": _("today %(time)s"),
        "yesterday": _("yesterday %(time)s"),
        "months": month_names(),
        # A day's heading above its first message (core.days.day_label; the date itself from months).
        "day_today": _("Today"),
        "day_yesterday": _("Yesterday"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "edit_label": _("Edit your message"),
        "edit_failed": _("Not saved:"),
        # Escape in the editor with a change not saved: the box stays, the change too (threads.js).
        "edit_escape_again": _("Press Escape again to discard your change."),
        # "Cancel" in the editor with a change not saved: the same question, in its words (threads.js).
        "edit_cancel_again": _("Press Cancel again to discard your change."),
        # After "Not saved:" (or the others) when nothing answered: no network, a server restarting.
        "no_connection": _("no connection. Try again."),
        "edit_unavailable": _("Could not start editing:"),
        "delete_question": _("Delete this message?"),
        "delete_own": _(
            "Everyone in the thread then sees that you deleted a message, not what it said. This cannot be undone."
        ),
        "delete_other": _(
            "Everyone in the thread then sees that a coordinator deleted a message, not what it said. "
            "This cannot be undone."
        ),
        "delete_yes": _("Yes, delete the message"),
        "delete_no": _("No, keep it"),
        "delete_failed": _("The message was not deleted:"),
        "confirm_failed": _("Not confirmed:"),
        "unreachable": _("The server cannot be reached. Try again in a moment."),
        "suggestions": _("Suggestions to mention"),
        "suggestions_count": _("%(count)s suggestions: choose with the up and down arrows and Enter."),
        "suggestions_one": _("1 suggestion: choose it with Enter."),
        "suggestions_none": _("No one to mention matches."),
    }


def subject_url(thread: Thread) -> str:
    """The page of the agreement or bottleneck this thread is about (the caller checked it has one)."""
    name, key = _SUBJECT_PAGES[thread.subject_kind]
    return reverse(name, kwargs={"team_slug": thread.team.slug, key: thread.subject_id})
