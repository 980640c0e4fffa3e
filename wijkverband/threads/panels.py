"""The threads panel on the team home: the latest threads with unread counts (constant queries)."""

from wijkverband.threads import selectors


def team_threads_panel(*, request, team, rights) -> dict:
    threads = selectors.team_threads(user=request.user, team=team, rights=rights)
    return {
        "team": team,
        "threads": threads[:5],
        "thread_count": len(threads),
        "unread_total": sum(t.unread for t in threads),
    }


def subject_thread_panel(*, request, team, rights, kind: str, subject_id: int, title: str) -> dict | None:
    """Context for threads/_thread_panel.html on an agreement's or bottleneck's page.

    The thread is created on first use (there is exactly one per subject). Returns None when
    this person may not read it (say, a representative and the thread is not opened to them).
    """
    import uuid

    from django.urls import reverse

    from wijkverband.threads.policy import thread_rights
    from wijkverband.threads.services import thread_for_subject

    thread = thread_for_subject(team=team, kind=kind, subject_id=subject_id, title=title)
    trights = thread_rights(request.user, thread, rights)
    if not trights.can_read:
        return None
    annotated = next(
        (t for t in selectors.team_threads(user=request.user, team=team, rights=rights) if t.pk == thread.pk), None
    )
    return {
        "team": team,
        "thread": annotated,
        "can_post": trights.can_post,
        "client_id": uuid.uuid4(),
        "post_url": reverse("thread_post", kwargs={"team_slug": team.slug, "thread_id": thread.pk}),
    }
