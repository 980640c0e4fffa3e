"""The wijk card asks the team's coordinators to act when an entry has no responsible member (or its
responsible member is no longer in the team): to confirm it again ("Contactgegevens opnieuw
bevestigen", RECONFIRM_DUE) and to answer a suggested correction ("Stelt een correctie voor",
CORRECTION_SUGGESTED). Those asks stayed with a coordinator who was made member, in her notices and
her header's count, though she no longer answered for the card's unkept entries; and with a
responsible member made client representative, who may no longer confirm anything. They go now, as
the other asks to the coordinators do (work.services.rights_narrowed); what she keeps herself stays,
and the other coordinators keep theirs."""

from django.test import TestCase
from django.utils import timezone

from tests.wijkcard.conftest import add_entry
from tests.work.test_notice_rights import header_count, listed
from wijkverband.core.freshness import add_months
from wijkverband.tenancy import services as tenancy
from wijkverband.tenancy.models import Membership
from wijkverband.wijkcard import notices, services
from wijkverband.work.models import Notice, NoticeKind

# As the notices page links each notice's entry (the title shows once more in its "mark as read").
UNKEPT = "Huisarts Oost – Spoedlijn zonder verantwoordelijke</a>"
HERS = "Huisarts Oost – Lijn van Sofie</a>"
MAARTENS = "Huisarts Oost – Lijn van Maarten</a>"
RECONFIRM = "Contactgegevens opnieuw bevestigen"
SUGGESTED = "Stelt een correctie voor"


def _membership(world, user) -> Membership:
    return Membership.objects.get(team=world.team_a, user=user)


def _change_role(world, user, role):
    with TestCase.captureOnCommitCallbacks(execute=True):
        tenancy.membership_change_role(actor=world.carla, membership=_membership(world, user), role=role)


def _hourly(today=None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notices.time_check(today or timezone.localdate())


def _due(world, *, contact_point, maintainer):
    return add_entry(
        world,
        contact_point=contact_point,
        maintainer=maintainer,
        confirmed_on=add_months(timezone.localdate(), -7),
    )


def _two_coordinators_asked(world):
    """Sofie coordinates beside Carla. An entry without a responsible member is due, and Rosa suggested
    a correction to it: both coordinators are asked twice. An entry Sofie keeps herself is due too."""
    tenancy.membership_change_role(actor=world.carla, membership=_membership(world, world.sofie), role="coordinator")
    unkept = _due(world, contact_point="Spoedlijn zonder verantwoordelijke", maintainer=None)
    _due(world, contact_point="Lijn van Sofie", maintainer=world.sofie)
    _hourly()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.suggestion_create(actor=world.rosa, entry=unkept, text="Het spoednummer is veranderd.")
    return unkept


def test_a_coordinator_made_member_no_longer_has_the_cards_asks_to_the_coordinators(world, client_for):
    _two_coordinators_asked(world)
    sofie = client_for("sofie")
    before = listed(sofie)
    assert before.count(UNKEPT) == 2 and HERS in before
    assert RECONFIRM in before and SUGGESTED in before
    count = header_count(sofie)

    _change_role(world, world.sofie, Membership.Role.MEMBER)

    page = listed(sofie)
    assert UNKEPT not in page and SUGGESTED not in page
    assert header_count(sofie) == count - 2
    # The entry she keeps herself is still hers to confirm.
    assert HERS in page and page.count(RECONFIRM) == 1
    # Carla, who coordinates still, keeps both of hers.
    carla = listed(client_for("carla"))
    assert carla.count(UNKEPT) == 2 and SUGGESTED in carla
    # The next run of the hourly job does not ask her again.
    _hourly()
    assert UNKEPT not in listed(sofie)
    assert header_count(sofie) == count - 2


def test_a_coordinator_who_leaves_or_is_removed_takes_no_ask_of_the_card_along(world, client_for):
    _two_coordinators_asked(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        tenancy.membership_remove(actor=world.sofie, membership=_membership(world, world.sofie))

    assert not Notice.objects.filter(user=world.sofie, team=world.team_a).exists()
    assert listed(client_for("carla")).count(UNKEPT) == 2


def test_a_responsible_member_made_client_representative_is_no_longer_asked_and_the_coordinators_are(world, client_for):
    """Maarten keeps an entry that is due; made client representative he may confirm nothing: the
    request goes from his notices and his count, and the next hourly run asks the coordinators."""
    _due(world, contact_point="Lijn van Maarten", maintainer=world.maarten)
    _hourly()
    maarten = client_for("maarten")
    assert MAARTENS in listed(maarten)
    count = header_count(maarten)

    _change_role(world, world.maarten, Membership.Role.CLIENT_REPRESENTATIVE)

    assert MAARTENS not in listed(maarten)
    assert header_count(maarten) == count - 1
    _hourly()
    assert MAARTENS in listed(client_for("carla"))
    assert MAARTENS not in listed(maarten)


def test_a_coordinator_made_member_whose_ask_is_still_unanswered_is_not_the_only_one_left(world):
    """The asks are the coordinators' own, one each (a key per person): Carla's is not touched."""
    unkept = _two_coordinators_asked(world)
    _change_role(world, world.sofie, Membership.Role.MEMBER)

    asked = Notice.objects.filter(subject_id=unkept.pk, read_at__isnull=True)
    assert set(asked.values_list("user_id", "kind")) == {
        (world.carla.pk, NoticeKind.RECONFIRM_DUE),
        (world.carla.pk, NoticeKind.CORRECTION_SUGGESTED),
    }
