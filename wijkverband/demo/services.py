"""Writes of the demo's own: dating what the demo story tells as past (the product's services
date everything now)."""

from datetime import datetime

from wijkverband.agreements.models import Action, AgreementEvent, AgreementVersion


def agreement_proposal_backdate(*, agreement, at: datetime) -> None:
    """The agreement's versions and its creation and proposal events dated `at`: the story has it
    proposed before the consent it got (a consent cannot predate its text)."""
    AgreementVersion.objects.for_team(agreement.team_id).filter(agreement=agreement).update(created_at=at)
    AgreementEvent.objects.for_team(agreement.team_id).filter(
        agreement=agreement, action__in=[Action.CREATED, Action.PROPOSED]
    ).update(at=at)
    agreement.refresh_from_db()
