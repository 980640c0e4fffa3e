"""Who may do what with the Welzijn op Recept figures, read from TeamRights.

- Everyone who may see the team reads the monthly figures per referring organisation, the chart
  and their export (client representatives and the region included): they are aggregates.
- Only the team's members and coordinators (the GP practice's and the social domain's people who
  enter them) enter counts, and see, enter, change and export referral records. A record is one
  referral with its date, referrer, offer and status; in a small wijk that can point at a person
  somebody knows, so it stays with the professionals (docs/referrals.md).
"""

from wijkverband.tenancy.policy import TeamRights


def may_read_figures(rights: TeamRights) -> bool:
    return rights.can_view


def may_enter(rights: TeamRights) -> bool:
    return rights.can_contribute


def may_see_records(rights: TeamRights) -> bool:
    return rights.can_contribute
