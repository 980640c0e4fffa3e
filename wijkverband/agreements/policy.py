"""Who may do what with agreements, read from the person's TeamRights (wijkverband.tenancy.policy).

- Everyone who may see the team reads every agreement (client representatives and region
  overseers included); only contributors (members and coordinators) change them.
- A member endorses or declines on behalf of their own organisation only; so does an external
  party's own account (an insurer, a municipality, a client council), which reads nothing of the
  team but the agreements its organisation is party to (agreements.access.access_agreement).
- Only a coordinator records the consent of an external party (insurer, municipality, client
  representation), and only the owner or a coordinator ends an agreement.
"""

from wijkverband.tenancy.policy import TeamRights


def may_change(rights: TeamRights) -> bool:
    return rights.can_contribute


def may_endorse(rights: TeamRights) -> bool:
    return rights.can_endorse


def may_record_consent(rights: TeamRights) -> bool:
    return rights.can_contribute and rights.can_coordinate


def may_end(rights: TeamRights, agreement) -> bool:
    return rights.can_contribute and (rights.can_coordinate or agreement.current_version.owner_id == rights.user_id)
