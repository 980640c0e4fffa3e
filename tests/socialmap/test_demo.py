from django.core.management import call_command

from wijkverband.socialmap.models import Entry, Kind, Suggestion


def test_the_demo_has_a_sociale_kaart_for_utrecht_oost_and_the_region(no_world):
    call_command("seed_demo", verbosity=0)
    oost = Entry.objects.filter(team__slug="utrecht-oost")
    meeting = oost.filter(kind=Kind.MEETING_PLACE)
    assert meeting.count() >= 3
    assert meeting.filter(dementia_friendly=True).exists() and meeting.filter(wheelchair_accessible=True).exists()
    assert oost.filter(kind=Kind.WELZIJN_OP_RECEPT).count() == 2
    assert oost.filter(kind=Kind.VOORZORGCIRKEL).exists() and oost.filter(kind=Kind.ACTIVITY).exists()
    assert Entry.objects.filter(team__isnull=True, region__slug="utrecht").count() >= 3
    assert any(entry.stale for entry in oost.select_related("team"))
    assert Suggestion.objects.filter(status="open").exists()
    count = Entry.objects.count()
    call_command("seed_demo", verbosity=0)  # safe to run again
    assert Entry.objects.count() == count
