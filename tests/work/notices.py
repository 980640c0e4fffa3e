"""Notices written straight to their table, for tests of the pages that show them."""

from datetime import timedelta

from django.utils import timezone

from wijkverband.work.models import Notice, NoticeKind, SubjectKind


def unread_notices(world, count: int, *, user=None, actor=None, first: int = 0, minutes_apart: int = 0) -> None:
    """`count` unread notices for `user` (Maarten by default): `actor` (Carla) asks them to own
    bottlenecks "Knelpunt n", from n = first + 1, the newest first, `minutes_apart`. Written to the
    table: no push reaches a socket and no mail goes out."""
    now = timezone.now()
    Notice.objects.bulk_create(
        Notice(
            team=world.team_a,
            user=user or world.maarten,
            kind=NoticeKind.OWNERSHIP_ASKED,
            actor=actor or world.carla,
            subject_kind=SubjectKind.BOTTLENECK,
            subject_id=i + 1,
            title=f"Knelpunt {i + 1}",
            path=f"/t/oost/bottlenecks/{i + 1}/",
            key=f"test:{i}",
            created_at=now - timedelta(minutes=(i - first) * minutes_apart),
        )
        for i in range(first, first + count)
    )
