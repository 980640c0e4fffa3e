"""`manage.py seed_demo` (what `make run` loads): accounts for every role and a team in use."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_scopes import scope

from wijkverband.agreements.models import Agreement
from wijkverband.bottlenecks.models import Bottleneck
from wijkverband.demo.management.commands.seed_demo import demo_email
from wijkverband.signals.models import Signal
from wijkverband.tenancy.models import Team
from wijkverband.threads.models import Message, Thread


def _seed() -> None:
    """seed_demo as `make run` runs it: with django-scopes on (the tests' own code runs with scopes
    off), so a demo part that reads team rows without naming the team fails here too."""
    with scope():
        call_command("seed_demo", verbosity=0)


def _client(local: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(email=demo_email(local)))
    return client


def test_seed_demo_loads_a_team_in_use_and_is_safe_to_run_again(no_world):
    _seed()
    _seed()  # idempotent: nothing doubled
    oost = Team.objects.get(slug="utrecht-oost")
    # Two from demo/content.py, the Welzijn op Recept agreement of demo/referrals.py (adopted), and
    # the one proposed to the insurer of demo/signals.py.
    assert sorted(Agreement.objects.for_team(oost).values_list("status", flat=True)) == [
        "adopted",
        "adopted",
        "concept",
        "proposed",
    ]
    # Three from demo/content.py, one a representative's signal became (demo/signals.py).
    assert sorted(Bottleneck.objects.for_team(oost).values_list("status", flat=True)) == [
        "escalated",
        "in_progress",
        "reported",
        "reported",
    ]
    assert sorted(Signal.objects.for_team(oost).values_list("status", flat=True)) == [
        "answered",
        "bottleneck",
        "new",
        "review",
    ]
    topics = Thread.objects.for_team(oost).filter(subject_kind="topic")
    assert sorted(topics.values_list("title", flat=True)) == ["Algemeen", "Medicatieoverdracht"]
    assert Message.objects.for_team(oost).count() == 4
    # Other teams stay empty: the demo shows a team in use next to new ones.
    assert not Thread.objects.for_team(Team.objects.get(slug="vathorst")).exists()


def test_the_demo_content_shows_on_the_pages_per_role(no_world):
    _seed()
    coordinator = _client("coordinator")
    page = coordinator.get("/t/utrecht-oost/threads/").content.decode()
    assert "Algemeen" in page and "Medicatieoverdracht" in page
    assert "Medicatieoverdracht na ontslag" in coordinator.get("/t/utrecht-oost/agreements/").content.decode()
    # The representative reads the thread opened to representatives only.
    page = _client("representative").get("/t/utrecht-oost/threads/").content.decode()
    assert "Algemeen" in page and "Medicatieoverdracht" not in page
    # Another team's coordinator does not reach any of it.
    assert _client("coordinator-vathorst").get("/t/utrecht-oost/threads/").status_code == 404


def test_the_demo_region_has_a_dashboard_worth_steering_on(no_world):
    from wijkverband.dashboard import periods
    from wijkverband.dashboard.selectors import region_dashboard
    from wijkverband.tenancy.models import Region

    _seed()
    _seed()
    d = region_dashboard(region=Region.objects.get(slug="utrecht"), period=periods.parse(None), include_internal=True)
    rows = {row.team.slug: row for row in d.teams}
    assert set(rows) == {"utrecht-oost", "utrecht-zuid", "overvecht"}
    # Escalations waiting in every team, two past the region's answer target (Zuid and Overvecht).
    assert [rows[slug].escalations.waiting for slug in ("utrecht-oost", "utrecht-zuid", "overvecht")] == [1, 1, 2]
    assert d.escalations_overdue == 2
    assert d.escalations[0].escalation_overdue and d.escalations[1].escalation_overdue
    # Varied: an incomplete team, overdue and old items, an agreement due for review, one failing.
    assert not rows["overvecht"].overview.complete
    assert rows["utrecht-zuid"].bottlenecks.overdue and rows["overvecht"].bottlenecks.old
    assert rows["utrecht-zuid"].agreements.review_due == 1
    assert rows["overvecht"].agreements.failing == 1
    assert rows["overvecht"].indicators.at_target == 1
    response = _client("overseer").get("/r/utrecht/dashboard/")
    assert response.status_code == 200
    assert "Medicatiebeoordeling stokt bij gebrek aan tijd" in response.content.decode()


def test_the_demo_shows_regional_work(no_world):
    _seed()
    _seed()  # idempotent: nothing doubled
    overseer = _client("overseer")
    page = overseer.get("/r/utrecht/regional/").content.decode()
    assert page.count("Medicatieoverdracht na ontslag, in de hele stad") == 2  # the pattern's row and the list
    assert "Regionaal protocol medicatieoverdracht" in page
    # The capacity pattern waits to be taken up.
    assert "/r/utrecht/regional/items/new/?category=" in page
    # A team member reads the region's progress on their own bottleneck.
    zuid = Team.objects.get(slug="utrecht-zuid")
    mine = Bottleneck.objects.for_team(zuid).get(title="Medicatieoverzicht ontbreekt na ontslag uit het ziekenhuis")
    page = _client("member-zuid").get(f"/t/utrecht-zuid/bottlenecks/{mine.pk}/").content.decode()
    assert "ziekenhuisapotheek schuiven aan" in page
    # Zuid adopted the offer as its own agreement; Oost's coordinator still sees it on offer.
    assert Agreement.objects.for_team(zuid).filter(current_version__title="Medicatieoverdracht Utrecht Zuid").exists()
    assert "Regionaal protocol medicatieoverdracht" in _client("coordinator").get("/t/utrecht-oost/").content.decode()
    # Eemland's overseer sees none of it.
    assert _client("overseer-eemland").get("/r/utrecht/regional/").status_code == 404


def test_the_demo_shows_signals_and_the_insurer_endorsing_for_itself(no_world):
    _seed()
    page = _client("representative").get("/t/utrecht-oost/signals/").content.decode()
    assert "Avonds weet niemand wie je moet bellen" in page
    assert "Intern" not in page
    assert "Utrecht Oost" in _client("region-representative").get("/r/utrecht/signals/").content.decode()
    insurer = _client("insurer")
    page = insurer.get("/t/utrecht-oost/agreements/").content.decode()
    assert "Wijkverpleging &#x27;s avonds bereikbaar" in page or "Wijkverpleging 's avonds bereikbaar" in page
    assert "Medicatieoverdracht" not in page  # not a party to it
    assert insurer.get("/t/utrecht-oost/bottlenecks/").status_code == 404


def test_seeding_mails_nobody_whatever_the_mail_server(no_world, settings, django_capture_on_commit_callbacks):
    """Found with a mail server configured: seed_demo mailed its requests to own, escalations and
    mention to the demo addresses at once, and the next morning's digest would have mailed the rest."""
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from wijkverband.work.models import Mail, Notice
    from wijkverband.work.services.digests import digests_send_due
    from wijkverband.work.services.mail import mails_send_due

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # as a real server: it sends
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _seed()
    assert callbacks  # the jobs that mail notices at once ran (in the tests: at once, in this process)
    # The demo's notices are there, in the app.
    notices = Notice.objects.across_teams()
    assert notices.filter(kind="escalated").exists() and notices.filter(kind="mention").exists()
    # The mail jobs: the minute's sweep of the outbox, and the next morning's digests.
    mails_send_due()
    digests_send_due(now=timezone.now() + timedelta(days=1))
    assert mail.outbox == []
    assert not Mail.objects.filter(sent_at__isnull=True).exists()
    assert not Mail.objects.exists()
    # Seeding again writes nothing to mail either.
    with django_capture_on_commit_callbacks(execute=True):
        _seed()
    assert mail.outbox == [] and not Mail.objects.exists()


def test_seeding_mails_nobody_also_when_the_post_jobs_run_after_the_commit(
    no_world, settings, django_capture_on_commit_callbacks
):
    """Found by an exploratory test: in `make run` (no Redis, so a post's notice job runs after the
    commit in the same process) and with Redis (in the worker), the demo's mention and request to
    confirm were made after seeding had marked its notices as mailed; the mention went out at once.
    The seed runs such jobs at once, inside its transaction."""
    from django.core import mail

    from wijkverband.work.models import Mail, Notice
    from wijkverband.work.services.mail import mails_send_due

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS_PUSH_IN_PROCESS = True  # make run's one process
    with django_capture_on_commit_callbacks(execute=True):
        _seed()
    notices = Notice.objects.across_teams()
    assert notices.filter(kind="mention").exists() and notices.filter(kind="ack_request").exists()
    assert not notices.filter(emailed_at__isnull=True).exists()
    assert not notices.filter(digested_at__isnull=True).exists()
    mails_send_due()
    assert mail.outbox == [] and not Mail.objects.exists()
