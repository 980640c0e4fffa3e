"""Thread panels on other apps' pages: the threads of the team home, and the discussion of one
agreement or bottleneck on its own page. Both read only, in a constant number of queries."""

from django.urls import reverse
from django.utils.translation import ngettext

from wijkverband.tenancy.policy import rights_prefetch, team_rights
from wijkverband.threads import selectors
from wijkverband.threads.forms import PostForm
from wijkverband.threads.live import DISCUSSION_ANCHOR, live_config, live_strings
from wijkverband.threads.policy import thread_rights

#: How many of the most recently active threads the team home shows; the list has them all.
TEAM_HOME_THREADS = 5
#: How many of the newest messages a subject's page shows; the thread page has them all.
DISCUSSION_MESSAGES = 15


def team_threads_panel(*, request, team, rights) -> dict:
    threads = list(selectors.team_threads(user=request.user, team=team, rights=rights)[:TEAM_HOME_THREADS])
    return {
        "team": team,
        "threads": threads,
        "thread_count": (
            len(threads) if len(threads) < TEAM_HOME_THREADS else selectors.team_thread_count(team=team, rights=rights)
        ),
        "can_open": rights.can_contribute,
        "unread_total": (
            sum(t.unread for t in threads)
            if len(threads) < TEAM_HOME_THREADS
            else selectors.team_unread_total(user=request.user, team=team, rights=rights)
        ),
    }


def team_card_unread(*, user, teams) -> dict[int, str]:
    """The start page: how many messages the person has not read yet in each team (the rights of
    every team read together, then one query)."""
    rights_prefetch(user=user, teams=teams)
    rights = {team.pk: team_rights(user=user, team=team) for team in teams}
    totals = selectors.unread_totals(user=user, rights_by_team=rights)
    return {
        team_id: ngettext("%(counter)s unread message", "%(counter)s unread messages", unread) % {"counter": unread}
        for team_id, unread in totals.items()
    }


def subject_thread_panel(*, request, team, rights, kind: str, subject_id: int) -> dict | None:
    """Context for threads/_thread_panel.html on an agreement's or bottleneck's page.

    `rights` are the person's team rights (wijkverband.tenancy.policy.TeamRights). Returns None
    when this person may not read the thread (say, a representative and the thread is not opened
    to them, or the bottleneck is internal). Reads only: the subject's service created the thread
    with the subject, and showing it here does not move the read marker (the live client does,
    over the socket, once the page is visible). At most six queries, whatever the thread holds
    (the sixth: whom the composer suggests after "@").
    """
    thread = selectors.subject_thread(user=request.user, team=team, kind=kind, subject_id=subject_id)
    if thread is None:
        return None
    trights = thread_rights(rights=rights, thread=thread)
    if not trights.can_read:
        return None
    page = selectors.thread_page(thread=thread, user=request.user, size=DISCUSSION_MESSAGES)
    return {
        "team": team,
        "thread": thread,
        "trights": trights,
        "page": page,
        "form": PostForm(auto_id="discussion_%s") if trights.can_post else None,
        "anchor": DISCUSSION_ANCHOR,
        "thread_url": reverse("thread_detail", kwargs={"team_slug": team.slug, "thread_id": thread.pk}),
        # A refused post (without JavaScript) opens the thread page at its composer and the reason.
        "post_url": reverse("thread_post", kwargs={"team_slug": team.slug, "thread_id": thread.pk}) + "#post-form",
        "live": live_config(request, team=team, thread=thread, trights=trights, page=page),
        "strings": live_strings(),
    }
