import pytest
from django.db import connection
from django.test import Client

from wijkverband.audit.models import AuditEvent
from wijkverband.audit.selectors import audit_chain_verify
from wijkverband.tenancy import services
from wijkverband.tenancy.models import Membership


def test_services_leave_an_intact_chain_of_audit_events(world):
    membership = Membership.objects.get(team=world.team_a, user=world.maarten)
    services.membership_change_role(actor=world.carla, membership=membership, role="coordinator")
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "membership.role_changed"
    assert event.actor == world.carla and event.actor_label == world.carla.email
    assert event.team_id == world.team_a.pk
    assert event.data == {"user": world.maarten.pk, "from": "member", "to": "coordinator"}
    assert audit_chain_verify() is None


def test_changing_a_row_behind_the_models_back_is_detected(world):
    victim = AuditEvent.objects.order_by("id")[3]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["nothing.happened", victim.pk])
    assert audit_chain_verify().pk == victim.pk


def test_removing_a_row_is_detected(world):
    victim = AuditEvent.objects.order_by("id")[3]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    broken = audit_chain_verify()
    assert broken is not None and broken.pk > victim.pk


def test_the_log_refuses_updates_and_deletes_through_the_orm(world):
    event = AuditEvent.objects.first()
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")


def _privacy_officer() -> Client:
    """A client signed in as the privacy officer: staff, reading only the audit log."""
    from django.contrib.auth.models import Permission

    from tests.personas import make_user

    officer = make_user("privacy", "Privacy Officer")
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client = Client()
    client.force_login(officer)
    return client


def test_only_the_privacy_officer_reads_the_log_in_the_admin(world):
    from tests.personas import make_user

    client = _privacy_officer()
    assert client.get("/admin/audit/auditevent/").status_code == 200
    other_staff = make_user("staff", "Other Staff")
    other_staff.is_staff = True
    other_staff.save()
    client = Client()
    client.force_login(other_staff)
    assert client.get("/admin/audit/auditevent/").status_code == 403


def test_the_privacy_officer_is_led_to_the_log_and_reads_it_in_dutch_with_team_names(world):
    """Found by an exploratory test of the privacy officer's day: the start page told her to wait
    for a team's invitation and linked nowhere; the log showed "Wijkverband: 1", "Prev hash", and
    the admin's table headers in English; a page refused her with words about "dit wijkverband"."""
    client = _privacy_officer()
    start = client.get("/").content.decode()
    assert 'href="/admin/audit/auditevent/">Lees het auditlog' in start
    assert "kan je uitnodigen" not in start
    listing = client.get("/admin/audit/auditevent/").content.decode()
    assert "Utrecht Oost" in listing
    event = AuditEvent.objects.filter(team_id=world.team_a.pk).first()
    detail = client.get(f"/admin/audit/auditevent/{event.pk}/change/").content.decode()
    assert "Utrecht Oost" in detail and "Hash van de regel ervoor" in detail and "Prev hash" not in detail
    assert "Model name" not in client.get("/admin/").content.decode()
    refused = client.get("/admin/tenancy/membership/")
    assert refused.status_code in (403, 404)
    if refused.status_code == 403:
        assert "dit wijkverband" not in refused.content.decode()
    # Members and overseers never see the log's link.
    member = Client()
    member.force_login(world.maarten)
    assert "/admin/audit/" not in member.get("/").content.decode()


def test_a_refusal_on_a_region_page_speaks_of_the_region(world, client_for):
    page = client_for("rik").get("/r/utrecht/dashboard/")
    assert page.status_code == 403
    main = page.content.decode().split("<main")[-1].split("</main>")[0]
    assert "Je rol in deze regio" in main and "wijkverband" not in main
