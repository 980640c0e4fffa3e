"""The notices regional work makes (wijkverband.work): the owner and the reporter of each team's
linked bottleneck hear that the region took it up with other teams, and of every progress update.

A notice is about the team's own bottleneck (its team, its title, a link to its page, internal
when the item is), never about the regional item's text: notices carry no free text. Called by the
services inside their transaction, before the audit row (docs/audit.md).
"""

from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.bottlenecks.notices import subject
from wijkverband.work.models import NoticeKind
from wijkverband.work.services import notices_create


def linked(bottleneck: Bottleneck, *, actor, item_id: int) -> None:
    notices_create(
        kind=NoticeKind.REGIONAL_LINKED,
        subject=subject(bottleneck),
        recipients=[bottleneck.owner_id, bottleneck.reporter_id],
        actor=actor,
        key=f"regional_linked:bottleneck:{bottleneck.pk}:{item_id}",
    )


def progress(bottleneck: Bottleneck, *, actor, update_id: int) -> None:
    notices_create(
        kind=NoticeKind.REGIONAL_PROGRESS,
        subject=subject(bottleneck),
        recipients=[bottleneck.owner_id, bottleneck.reporter_id],
        actor=actor,
        key=f"regional_progress:bottleneck:{bottleneck.pk}:{update_id}",
    )
