"""Who may do what with agreements, on top of the team rights of wijkverband.tenancy.policy.

- Everyone who may see the team reads every agreement (client representatives and region
  overseers included); only contributors (members and coordinators) change them.
- A member endorses or declines on behalf of their own organisation only.
- Only a coordinator records the consent of an external party (insurer, municipality, client
  representation), and only the owner or a coordinator ends an agreement.
"""

from dataclasses import dataclass

from wijkverband.tenancy.models import Membership, Team
from wijkverband.tenancy.policy import team_rights

PROFESSIONAL_ROLES = (Membership.Role.MEMBER, Membership.Role.COORDINATOR)


@dataclass(frozen=True)
class AgreementRights:
    can_view: bool = False
    can_contribute: bool = False
    is_coordinator: bool = False
    organisation_id: int | None = None  # on whose behalf this person endorses

    @property
    def read_only(self) -> bool:
        return self.can_view and not self.can_contribute


def agreement_rights(user, team: Team, rights=None) -> AgreementRights:
    rights = rights if rights is not None else team_rights(user, team)
    if not rights.can_view:
        return AgreementRights()
    membership = None
    if rights.can_contribute:
        membership = (
            Membership.objects.for_team(team)
            .filter(user=user, role__in=PROFESSIONAL_ROLES)
            .only("role", "organisation_id")
            .first()
        )
    return AgreementRights(
        can_view=True,
        can_contribute=rights.can_contribute and membership is not None,
        is_coordinator=membership is not None and membership.role == Membership.Role.COORDINATOR,
        organisation_id=membership.organisation_id if membership is not None else None,
    )
