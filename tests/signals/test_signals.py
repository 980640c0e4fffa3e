"""Signals: a representative files one, the coordinator triages it once (a bottleneck, an
agreement's review, an answer), and the representatives read what happened."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.signals.conftest import bottleneck_fields, file_signal
from wijkverband.audit.models import AuditEvent
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.core.errors import ActionRefused
from wijkverband.mywork.selectors import asked_count, my_work
from wijkverband.signals import services
from wijkverband.signals.models import Signal, Status
from wijkverband.work.models import Notice, NoticeKind

BSN = "111222333"  # passes the eleven-test


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_representative_files_a_signal_and_the_coordinators_hear_of_it_without_its_text(world):
    signal = file_signal(world)
    assert signal.status == Status.NEW and signal.author == world.rosa
    notice = Notice.objects.get(kind=NoticeKind.SIGNAL_FILED)
    assert notice.user == world.carla
    assert notice.title in (f"Signal #{signal.pk}", f"Signaal #{signal.pk}")  # its number, none of its words
    assert AuditEvent.objects.filter(action="signal.filed").count() == 1


def test_a_region_representative_files_for_a_team_of_the_region(world):
    assert file_signal(world, actor=world.rik).team == world.team_a


@pytest.mark.parametrize("persona", ["maarten", "carla", "olga", "ines", "otto", "bram"])
def test_no_one_but_a_representative_files_a_signal(world, persona):
    with pytest.raises(PermissionDenied):
        file_signal(world, actor=world.persona(persona))
    assert not Signal.objects.exists()


def test_a_signal_with_client_data_is_refused_at_its_field_and_nothing_is_stored(world):
    response = _client(world.rosa).post(
        "/t/oost/signals/new/", {"title": "Wachten", "text": f"Mevrouw met BSN {BSN} wachtte drie weken."}
    )
    assert response.status_code == 400
    assert "BSN" in response.content.decode()
    assert f"Mevrouw met BSN {BSN}" in response.content.decode()  # the input is kept in the form
    assert not Signal.objects.exists()
    assert not Notice.objects.filter(kind=NoticeKind.SIGNAL_FILED).exists()


def test_a_refusal_in_a_signal_reads_as_a_sentence(world):
    """Found by an exploratory test: "In een paar woorden lijkt cliëntgegevens te bevatten"."""
    response = _client(world.rosa).post(
        "/t/oost/signals/new/", {"title": f"BSN {BSN}", "text": "mw de vries 3-5-50 wachtte drie weken."}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("Deze tekst lijkt cliëntgegevens te bevatten") == 4  # at each field and in the summary
    assert "In een paar woorden lijkt" not in page and "Waar cliënten tegenaan lopen lijkt" not in page
    assert not Signal.objects.exists()


def test_the_coordinator_makes_it_a_bottleneck_and_the_representatives_follow_it(world):
    signal = file_signal(world)
    services.signal_to_bottleneck(
        actor=world.carla, signal=signal, answer="We pakken dit op als knelpunt.", bottleneck=bottleneck_fields(world)
    )
    signal.refresh_from_db()
    assert signal.status == Status.BOTTLENECK and signal.triaged_by == world.carla
    bottleneck = signal.bottleneck
    assert bottleneck.title == "Avondbereikbaarheid wijkverpleging" and not bottleneck.internal
    # The representative hears of it (a notice naming the number only); the coordinators' request is done.
    answered = Notice.objects.get(kind=NoticeKind.SIGNAL_ANSWERED)
    assert answered.user == world.rosa and answered.title.endswith(f" #{signal.pk}")
    assert Notice.objects.get(kind=NoticeKind.SIGNAL_FILED).read_at is not None
    # rosa, and rik (the region's representative), read the answer and the bottleneck's status.
    for reader in (world.rosa, world.rik):
        page = _client(reader).get(f"/t/oost/signals/{signal.pk}/").content.decode()
        assert "We pakken dit op als knelpunt." in page
        assert f"/t/oost/bottlenecks/{bottleneck.pk}/" in page
        assert "Reported" in page or "Gemeld" in page
    # The bottleneck keeps the way back to the signal it came from.
    assert (
        f"/t/oost/signals/{signal.pk}/"
        in _client(world.carla).get(f"/t/oost/bottlenecks/{bottleneck.pk}/").content.decode()
    )


def test_a_bottleneck_made_internal_later_is_named_but_not_shown_to_representatives(world):
    signal = file_signal(world)
    services.signal_to_bottleneck(
        actor=world.carla, signal=signal, answer="Opgepakt.", bottleneck=bottleneck_fields(world, title="Intern ding")
    )
    signal.refresh_from_db()
    bottleneck_services.bottleneck_set_internal(
        actor=world.carla,
        bottleneck=signal.bottleneck,
        version=signal.bottleneck.version,
        internal=True,
        reason="Over één praktijk",
    )
    for page in (
        _client(world.rosa).get(f"/t/oost/signals/{signal.pk}/").content.decode(),
        _client(world.rosa).get("/t/oost/signals/").content.decode(),
    ):
        assert "Intern ding" not in page
        assert f"/t/oost/bottlenecks/{signal.bottleneck_id}/" not in page
    assert "Intern ding" in _client(world.carla).get(f"/t/oost/signals/{signal.pk}/").content.decode()


def test_a_signal_is_triaged_once(world):
    signal = file_signal(world)
    services.signal_answer(actor=world.carla, signal=signal, answer="Dank, we nemen het mee.")
    with pytest.raises(ActionRefused) as refused:
        services.signal_to_bottleneck(
            actor=world.carla, signal=signal, answer="Toch.", bottleneck=bottleneck_fields(world)
        )
    assert refused.value.code == "conflict"
    assert Signal.objects.get(pk=signal.pk).bottleneck_id is None


@pytest.mark.parametrize("way", ["answer", "bottleneck"])
def test_an_answer_too_late_is_shown_back_not_lost(world, way):
    """Two coordinators (or two tabs) answer one signal: the second answer is not sent, and its
    writer gets it back to copy beside the first one, instead of a page without it."""
    signal = file_signal(world)
    client = _client(world.carla)
    client.get(f"/t/oost/signals/{signal.pk}/")  # the form, before the other answer lands
    services.signal_answer(actor=world.carla, signal=signal, answer="Dank, we nemen het mee.")
    mine = "We bellen de wijkverpleging en komen erop terug in het casusoverleg."
    if way == "answer":
        response = client.post(f"/t/oost/signals/{signal.pk}/answer/", {"answer": mine})
    else:
        from wijkverband.bottlenecks.models import Category

        category = Category.objects.for_team(world.team_a).order_by("position", "pk").first()
        response = client.post(
            f"/t/oost/signals/{signal.pk}/bottleneck/",
            {
                "title": "Avondbereikbaarheid",
                "description": "Gemeld.",
                "category": category.pk,
                "impact": 2,
                "affected_kinds": ["wijkverpleging"],
                "answer": mine,
            },
        )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Dank, we nemen het mee." in page
    assert 'id="unsent-answer"' in page and mine in page
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.answer == "Dank, we nemen het mee." and stored.bottleneck_id is None


def test_only_the_coordinator_triages(world):
    signal = file_signal(world)
    for persona in ("maarten", "rosa", "olga"):
        with pytest.raises(PermissionDenied):
            services.signal_answer(actor=world.persona(persona), signal=signal, answer="Nee.")
    assert Signal.objects.get(pk=signal.pk).status == Status.NEW


def test_an_answer_is_required_and_guarded(world):
    signal = file_signal(world)
    with pytest.raises(ActionRefused):
        services.signal_answer(actor=world.carla, signal=signal, answer="   ")
    with pytest.raises(ActionRefused):
        services.signal_answer(actor=world.carla, signal=signal, answer=f"Bel cliënt {BSN}.")
    assert Signal.objects.get(pk=signal.pk).status == Status.NEW


def test_into_a_review_needs_a_proposed_or_adopted_agreement_of_the_team(world):
    from wijkverband.agreements import services as agreement_services

    signal = file_signal(world)
    concept = agreement_services.agreement_create(
        actor=world.carla,
        team=world.team_a,
        data={"title": "Avondzorg", "body": "Wie belt wie na 17 uur.", "owner": world.carla},
    )
    with pytest.raises(ActionRefused):
        services.signal_to_review(actor=world.carla, signal=signal, agreement=concept, answer="Mee in de evaluatie.")
    other = agreement_services.agreement_create(
        actor=world.bram, team=world.team_b, data={"title": "Zuid", "body": "Tekst.", "owner": world.bram}
    )
    with pytest.raises(ActionRefused):
        services.signal_to_review(actor=world.carla, signal=signal, agreement=other, answer="Mee.")
    agreement_services.party_add_organisation(actor=world.carla, agreement=concept, organisation=world.gp_a)
    agreement_services.agreement_propose(actor=world.carla, agreement=concept)
    concept.refresh_from_db()
    services.signal_to_review(actor=world.carla, signal=signal, agreement=concept, answer="Mee in de evaluatie.")
    page = _client(world.rosa).get(f"/t/oost/signals/{signal.pk}/").content.decode()
    assert "Avondzorg" in page and "Mee in de evaluatie." in page


def test_my_work_asks_the_coordinator_and_tells_the_representative(world):
    signal = file_signal(world)
    assert [i.kind for i in my_work(user=world.carla).asked] == ["signal"]
    assert asked_count(user=world.carla) == 1
    assert asked_count(user=world.maarten) == 0
    assert [i.kind for i in my_work(user=world.rosa).waiting] == ["signal_waiting"]
    services.signal_answer(actor=world.carla, signal=signal, answer="Besproken.")
    assert my_work(user=world.carla).asked == []
    assert [i.kind for i in my_work(user=world.rosa).mine] == ["signal_answer"]
    # Reading the answer takes it off the list; another representative's reading does not.
    _client(world.rik).get(f"/t/oost/signals/{signal.pk}/")
    assert [i.kind for i in my_work(user=world.rosa).mine] == ["signal_answer"]
    _client(world.rosa).get(f"/t/oost/signals/{signal.pk}/")
    assert my_work(user=world.rosa).mine == []


def _list_queries(user) -> int:
    client = _client(user)
    client.get("/t/oost/signals/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/t/oost/signals/").status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_one_signal_or_many(world):
    first = file_signal(world)
    services.signal_to_bottleneck(actor=world.carla, signal=first, answer="Ja.", bottleneck=bottleneck_fields(world))
    one = _list_queries(world.rosa)
    for n in range(6):
        signal = file_signal(world, title=f"Signaal {n}")
        if n % 2:
            services.signal_to_bottleneck(
                actor=world.carla, signal=signal, answer="Ja.", bottleneck=bottleneck_fields(world, title=f"K {n}")
            )
    assert _list_queries(world.rosa) == one


def test_the_region_sees_counts_per_team_not_the_signals(world):
    signal = file_signal(world, title="Alleen voor het team")
    file_signal(world, actor=world.rik)
    services.signal_answer(actor=world.carla, signal=signal, answer="Besproken.")
    page = _client(world.rik).get("/r/utrecht/signals/").content.decode()
    assert "Utrecht Oost" in page and "Utrecht Zuid" in page
    assert "Alleen voor het team" not in page
    with CaptureQueriesContext(connection) as captured:
        _client(world.olga).get("/r/utrecht/signals/")
    few = len(captured)
    for n in range(5):
        file_signal(world, title=f"Meer {n}")
    with CaptureQueriesContext(connection) as captured:
        _client(world.olga).get("/r/utrecht/signals/")
    assert len(captured) == few


def test_a_signals_notice_names_it_in_the_readers_language(world, client_for, django_capture_on_commit_callbacks):
    """Found by an exploratory test: the notice's stored title was in the language of whoever filed
    the signal, so an English page (and an English mail) read "Signaal #4"."""
    from django.conf import settings
    from django.utils import translation

    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        signal = file_signal(world)
    client = client_for("carla")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/notifications/").content.decode()
    assert f"Signal #{signal.pk}" in page and "Signaal #" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert f"Signaal #{signal.pk}" in client.get("/notifications/").content.decode()


def test_reading_the_answer_reads_its_notice_and_mijn_werk_says_who_answered(
    world, client_for, django_capture_on_commit_callbacks
):
    """Found by an exploratory test: the answered signal left Mijn werk once opened, but its notice
    stayed "Nieuw" (and went into the next digest); and Mijn werk said the answer was "asked by"
    the coordinator."""
    from django.utils import translation

    from wijkverband.work.models import Notice, NoticeKind

    with django_capture_on_commit_callbacks(execute=True):
        signal = file_signal(world)
        services.signal_answer(actor=world.carla, signal=signal, answer="Dank, we nemen het mee.")
    (item,) = [i for i in my_work(user=world.rosa).mine if i.kind == "signal_answer"]
    with translation.override("nl"):
        assert "beantwoord door Carla Coördinator" in item.wait_line
    notice = Notice.objects.get(user=world.rosa, kind=NoticeKind.SIGNAL_ANSWERED)
    assert notice.read_at is None
    assert client_for("rosa").get(f"/t/oost/signals/{signal.pk}/").status_code == 200
    notice.refresh_from_db()
    assert notice.read_at is not None
