"""The one client-data guard covers every free-text field of every model of ours (core/guard.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import models
from django.utils import translation

from wijkverband.core.clientdata import find_client_data
from wijkverband.core.guard import ClientDataRefused, guard_instance, guarded_fields, is_free_text

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

#: Forty-plus ways people write a BSN (each passes the eleven-test), alone and in a sentence.
BSN_WRITINGS = [
    "111222333",
    "123456782",
    "999999990",
    "010000008",  # a leading zero
    "012345672",
    "BSN 111222333",
    "bsn: 123456782.",
    "BSN-nummer 999999990 bekend",
    "(111222333)",
    "[123456782]",
    "111 222 333",
    "111.222.333",
    "111-222-333",
    "1112.22.333",  # the old sofinummer grouping
    "1234.56.782",
    "123 456 782",
    "123-456-782",
    "12 34 56 782",
    "111\u00a0222\u00a0333",  # no-break spaces
    "111\u2009222\u2009333",  # thin spaces
    "111–222–333",  # en dashes
    "１１１２２２３３３",  # full-width digits
    "BSN 111222333 2 keer gebeld",
    "kamer 1 111222333",
    "BSN 111 222 333 4 dagen",
    "Client 111222333 6a5a13",
    "Cliënt BSN 111222333 mist medicatie",
    "nr111222333",
    "bsn:111222333",
    "111222333.",
    "111222333, 123 en 4",
    "3 x 111222333",
    "tel 06 12345678 bsn 123456782",
    "postcode 3511 AB, BSN 999999990",
    "op 12-03-2026 belde 111222333",
    "dossier 2026-01 / 123456782",
    "BSN\n111222333",
    "BSN\t123456782",
    "kenmerk: 999999990 (zie mail)",
    "123456782 en 111222333",
    "zorgnummer 010000008",
    "111222333!",
]
assert len(BSN_WRITINGS) >= 40

#: Forty-plus numbers care work is full of, none of which identifies a client.
HARMLESS = [
    "123456789",  # nine digits that fail the eleven-test
    "111222334",
    "987654321",
    "000000000",
    "030 123 4567",
    "030-1234567",
    "0301234567",
    "06 12345678",
    "06-1234 5678",
    "+31 6 12345678",
    "+31 30 123 4567",
    "0800 1234",
    "088 123 45 67",
    "3511 AB",
    "3581AB",
    "postcode 3521",
    "12-03-2026",
    "2026-03-12",
    "1 januari 2015",
    "op 3 mei 1940 begon de oorlog",
    "€ 1.234.567,89",
    "1.234",
    "12,5%",
    "AGB-code 12345678",
    "KvK 12345678",
    "KvK 111222333444",
    "IBAN NL91ABNA0417164300",
    "BIG 19012345601",
    "UZOVI 3311",
    "versie 1.2.3",
    "4 apotheken en 12 huisartsen",
    "kamer 12, bed 3",
    "100 200 300",  # fails the eleven-test
    "10.30 uur",
    "1 2 3 4 5 6 7 8 9",
    "ticket #4512",
    "2025 2026 2027",
    "30 minuten, 45 minuten",
    "telefoon 030 - 123 45 67",
    "Q3 2026",
    "ISO 27001",
    "NEN 7513",
]
assert len(HARMLESS) >= 40


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("text", BSN_WRITINGS)
def test_every_common_bsn_writing_is_found(text):
    assert [f.kind for f in find_client_data(text)][:1] == ["bsn"]


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_numbers_pass(text):
    assert find_client_data(text) == []


# --- every model, every field -----------------------------------------------------------------------


def our_models():
    return [m for m in apps.get_models() if m.__module__.startswith("wijkverband.")]


#: The text fields the guard does not check, on purpose. A new entry is a deliberate choice: it
#: goes into the model's CLIENT_DATA_EXEMPT with its reason, and here.
EXPECTED_EXEMPT = {
    "accounts.User.password",
    "accounts.User.email",
    "accounts.Session.session_key",
    "accounts.Session.session_data",
    "audit.AuditEvent.actor_label",
    "audit.AuditEvent.on_behalf_of",
    "audit.AuditEvent.action",
    "audit.AuditEvent.object_type",
    "audit.AuditEvent.object_id",
    "audit.AuditEvent.client_reference",
    "audit.AuditEvent.chain",
    "audit.AuditEvent.prev_hash",
    "audit.AuditEvent.hash",
    "tenancy.Invitation.email",
    "tenancy.Invitation.token_hash",
    "bottlenecks.Bottleneck.affected_kinds",
    "agreements.Indicator.source",
    "threads.Message.body_html",
    "threads.MessageRevision.body",
    "threads.MessageRevision.body_html",
    "work.Notice.path",
    "work.Notice.key",
    "work.Mail.key",
    "work.Mail.to",
    "work.Mail.subject",
    "work.Mail.body",
    "work.Mail.last_error",
    "work.WorkerCount.name",
    "socialmap.Entry.phone",
    "socialmap.Entry.sort_name",
    "tenancy.Organisation.sort_name",
}


def unguarded_text_fields(model) -> set[str]:
    guarded = {f.name for f in guarded_fields(model)}
    return {
        f"{model._meta.label}.{f.name}"
        for f in model._meta.concrete_fields
        if is_free_text(f) and f.name not in guarded
    }


def test_every_free_text_field_is_guarded_or_exempt_on_purpose():
    unguarded = set().union(*(unguarded_text_fields(m) for m in our_models()))
    assert unguarded == EXPECTED_EXEMPT
    for model in our_models():
        for name, reason in getattr(model, "CLIENT_DATA_EXEMPT", {}).items():
            assert reason.strip(), f"{model._meta.label}.{name}: say why it is exempt"
            assert name in {f.name for f in model._meta.concrete_fields}, f"{model._meta.label}.{name} does not exist"


def test_a_new_text_field_is_guarded_the_day_it_is_added():
    class Planted(models.Model):
        remark = models.TextField()
        label = models.CharField(max_length=40)
        state = models.CharField(max_length=10, choices=[("a", "A")])

        class Meta:
            app_label = "core"

        def __str__(self):
            return self.label

    Planted.__module__ = "wijkverband.core.planted"
    guarded_fields.cache_clear()
    assert [f.name for f in guarded_fields(Planted)] == ["remark", "label"]
    with pytest.raises(ClientDataRefused) as refused:
        guard_instance(Planted(remark="BSN 111222333", label="x", state="a"))
    assert refused.value.field == "remark"
    # And the coverage check above would see an exemption nobody approved.
    Planted.CLIENT_DATA_EXEMPT = {"remark": "why not"}
    guarded_fields.cache_clear()
    assert unguarded_text_fields(Planted) == {"core.Planted.remark"}
    apps.all_models["core"].pop("planted", None)
    guarded_fields.cache_clear()


def _guarded():
    return [(model, field) for model in our_models() for field in guarded_fields(model)]


def test_every_guarded_field_refuses_every_bsn_writing_and_names_the_field():
    checked = 0
    with translation.override("en"):
        for model, field in _guarded():
            for text in BSN_WRITINGS:
                value = text[: field.max_length] if field.max_length else text
                if not find_client_data(value):
                    continue  # cut off by a short field: what is left is no BSN
                with pytest.raises(ClientDataRefused) as refused:
                    guard_instance(model(**{field.attname: value}))
                assert refused.value.field == field.name
                assert refused.value.code == "invalid"
                message = str(refused.value.message)
                assert str(field.verbose_name).lower() in message.lower()
                assert "111222333" not in message and "123456782" not in message  # masked
                checked += 1
    assert checked > 40 * 25


def test_every_guarded_field_is_named_in_dutch_in_the_refusal():
    """The refusal names the field (`verbose_name`). A field without one is named by Django from its
    attribute, in English whatever the language: "Escalation reason lijkt cliëntgegevens te
    bevatten" on a Dutch page."""
    unnamed, untranslated = [], []
    with translation.override("nl"):
        catalogue = translation.trans_real.translation("nl")
        for model, field in _guarded():
            label = f"{model._meta.label}.{field.name}"
            if field._verbose_name is None:
                unnamed.append(label)
            elif field._verbose_name._args[0] not in catalogue._catalog:  # ("website" is "website": in it)
                untranslated.append(label)
    assert unnamed == [], "give these fields a verbose_name (translated)"
    assert untranslated == [], "translate these fields' names in the nl catalogue"


def test_a_bottleneck_escalation_refused_for_client_data_names_its_field_in_dutch():
    from wijkverband.bottlenecks.models import Bottleneck, BottleneckEvent

    with translation.override("nl"):
        with pytest.raises(ClientDataRefused) as refused:
            guard_instance(Bottleneck(escalation_reason="Mevrouw Jansen 12-03-1950 wacht al weken"))
        assert str(refused.value.message).startswith("Reden van opschalen lijkt cliëntgegevens te bevatten")
        with pytest.raises(ClientDataRefused) as refused:
            guard_instance(BottleneckEvent(note="BSN 111222333"))
        assert str(refused.value.message).startswith("Toelichting lijkt cliëntgegevens te bevatten")


def test_every_guarded_field_accepts_every_harmless_number():
    for model, field in _guarded():
        for text in HARMLESS:
            value = text[: field.max_length] if field.max_length else text
            guard_instance(model(**{field.attname: value}))


def test_only_the_saved_fields_are_checked_on_an_update(world):
    """A row from before the guard can still change its other fields (its text goes by redaction)."""
    from wijkverband.threads.models import Thread

    thread = Thread.objects.create(team=world.team_a, title="Overleg")
    Thread.objects.filter(pk=thread.pk).update(title="BSN 111222333")  # as if written before the guard
    thread.refresh_from_db()
    thread.open_to_representatives = True
    thread.save(update_fields=["open_to_representatives"])
    with pytest.raises(ClientDataRefused):
        thread.save()


def test_the_scan_finds_a_stored_bsn_split_by_markup(world):
    """A message from before this reading of markup, whose page shows "BSN 111222333"."""
    import uuid
    from io import StringIO

    from django.core.management import call_command

    from wijkverband.threads import services
    from wijkverband.threads.models import Message, Thread

    thread = Thread.objects.create(team=world.team_a, title="Overleg")
    message = services.message_post(actor=world.carla, thread=thread, body="Goedemorgen", client_id=uuid.uuid4())
    Message.objects.filter(pk=message.message.pk).update(body="BSN 111<!-- -->222333")  # as if saved before
    out = StringIO()
    call_command("client_data_scan", stdout=out)
    assert f"threads.Message\t{message.message.pk}\tbody\tbsn" in out.getvalue()


def test_a_refusal_that_reaches_a_log_holds_nothing_of_what_was_found(caplog):
    """The refusal's message repeats a date of birth in full for the person at their own text; the
    exception carried that message too, so a traceback (a server error, a failed task's
    `logger.exception`) wrote the date of birth into the log. Its own text names only the kind."""
    import logging
    import traceback

    from wijkverband.bottlenecks.models import Bottleneck

    for text, found, kind in (
        ("Mevrouw Jansen geboren 12-03-1950 wacht al weken", "12-03-1950", "date of birth"),
        ("BSN 111222333 wacht al weken", "••••••333", "BSN"),
    ):
        with translation.override("en"), pytest.raises(ClientDataRefused) as refused:
            guard_instance(Bottleneck(escalation_reason=text))
        assert found in str(refused.value.message)  # at the person's own field, in their own form
        written = "".join(traceback.format_exception(refused.value)) + repr(refused.value)
        with caplog.at_level(logging.ERROR):
            logging.getLogger("wijkverband.work.tasks").error("failed", exc_info=refused.value)
        for log in (written, caplog.text):
            assert "seems to contain client data" in log and kind in log
            assert found not in log and "Jansen" not in log and "333" not in log
        caplog.clear()
