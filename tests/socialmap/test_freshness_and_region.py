"""Freshness (the daily check, "Mijn werk"), the region's column and the public lookup section."""

from datetime import timedelta

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.socialmap.helpers import add, fresh
from wijkverband.core.registry import public_sections, region_column_cells
from wijkverband.mywork.selectors import my_work
from wijkverband.socialmap import notices, services
from wijkverband.work.models import Notice, NoticeKind


def _age(entry, days: int):
    entry.confirmed_on = timezone.localdate() - timedelta(days=days)
    entry.save(update_fields=["confirmed_on"])
    return entry


def test_the_daily_check_asks_the_responsible_member_once_per_due_date(world):
    due = _age(add(world, name="Oud", maintainer=world.sofie), 190)
    _age(add(world, name="Recent"), 20)
    regional = _age(add(world, team=None, name="Regionaal oud"), 400)
    today = timezone.localdate()
    assert notices.time_check(today) == 2
    assert notices.time_check(today) == 0  # the job runs hourly: nothing twice
    asked = Notice.objects.get(kind=NoticeKind.RECONFIRM_DUE, subject_id=due.pk)
    assert asked.user == world.sofie and asked.path == f"/t/oost/sociale-kaart/{due.pk}/"
    to_region = Notice.objects.get(kind=NoticeKind.RECONFIRM_DUE, subject_id=regional.pk)
    assert to_region.user == world.ada and to_region.path == f"/r/utrecht/sociale-kaart/{regional.pk}/"
    # Confirmed: the request is done; the next due date is a new request.
    services.entry_confirm(actor=world.sofie, entry=fresh(due))
    asked.refresh_from_db()
    assert asked.read_at is not None
    assert notices.time_check(today) == 0


def test_without_a_responsible_member_the_coordinators_are_asked(world):
    entry = _age(add(world), 190)
    entry.maintainer = None
    entry.save(update_fields=["maintainer"])
    notices.time_check(timezone.localdate())
    assert list(Notice.objects.filter(kind=NoticeKind.RECONFIRM_DUE).values_list("user", flat=True)) == [world.carla.pk]


def test_mijn_werk_lists_the_persons_entries_that_are_due(world):
    due = _age(add(world, name="Oud buurthuis", maintainer=world.sofie), 200)
    _age(add(world, name="Van een ander", maintainer=world.maarten), 200)
    add(world, name="Vers", maintainer=world.sofie)
    work = my_work(user=world.sofie)
    items = [item for item in work.mine if item.kind == "map_reconfirm"]
    assert [item.title for item in items] == ["Oud buurthuis"]
    assert items[0].url == f"/t/oost/sociale-kaart/{due.pk}/" and items[0].overdue
    assert [i.title for i in my_work(user=world.sofie, team=world.team_b).mine] == []
    regional = _age(add(world, team=None, name="Regionaal"), 400)
    items = [item for item in my_work(user=world.ada).mine if item.kind == "map_reconfirm"]
    assert [(i.title, i.team) for i in items] == [("Regionaal", world.region)]
    assert items[0].url == f"/r/utrecht/sociale-kaart/{regional.pk}/"


def test_the_my_work_page_shows_the_kind(world, client_for):
    _age(add(world, name="Oud buurthuis", maintainer=world.sofie), 200)
    page = client_for("sofie").get("/my-work/").content.decode()
    assert "Oud buurthuis" in page and "Opnieuw bevestigen" in page


# --- the region's table of teams ------------------------------------------------------------------


def test_the_region_column_shows_each_teams_coverage_in_two_queries(world, client_for):
    add(world, name="Buurthuis")
    _age(add(world, name="Oud", kind="activity"), 300)
    add(world, team=None, name="Alzheimer Café")
    teams = [world.team_a, world.team_b]
    with CaptureQueriesContext(connection) as few:
        cells = {column.key: values for column, values in region_column_cells(teams=teams)}["socialmap"]
    assert cells[world.team_a.pk].text == "3 entries · 2 meeting places · 1 stale"
    assert cells[world.team_a.pk].tone == "warning"
    assert cells[world.team_b.pk].text == "1 entry · 1 meeting place · all current"
    assert cells[world.team_b.pk].tone == "ok"
    for n in range(10):
        add(world, team="b", name=f"Zuid {n}", postcode="3521 AA")
    with CaptureQueriesContext(connection) as many:
        region_column_cells(teams=teams)
    socialmap_queries = [q for q in many.captured_queries if "socialmap_entry" in q["sql"]]
    assert len(socialmap_queries) == 2
    assert len(many) == len(few)
    page = client_for("olga").get("/r/utrecht/").content.decode()
    assert "Sociale kaart" in page and "1 verouderd" in page


# --- the public postcode lookup ---------------------------------------------------------------------


def _section():
    return next(panel for panel in public_sections() if panel.key == "socialmap")


def test_the_public_section_holds_only_public_entries_and_no_person(world):
    add(world, name="Openbaar buurthuis", public=True, maintainer=world.sofie)
    add(world, name="Intern aanbod", public=False, kind="welzijn_op_recept")
    add(world, team=None, name="Openbaar regionaal", public=True)
    add(world, team=None, name="Intern regionaal", public=False)
    add(world, team="b", name="Openbaar Zuid", public=True, postcode="3521 AA")
    section = _section()
    with CaptureQueriesContext(connection) as queries:
        context = section.context(teams=[world.team_a, world.team_c])
    assert len(queries) == 1
    assert set(context) == {world.team_a.pk}  # team C has nothing public: no section
    assert [e.name for e in context[world.team_a.pk]["entries"]] == ["Openbaar buurthuis", "Openbaar regionaal"]
    html = render_to_string(section.template, {"panel": context[world.team_a.pk], "team": world.team_a})
    assert "Openbaar buurthuis" in html and "Openbaar regionaal" in html
    assert "openstreetmap.org/search?query=" in html
    for hidden in ("Intern aanbod", "Intern regionaal", "Openbaar Zuid"):
        assert hidden not in html
    for person in (world.sofie, world.maarten, world.ada, world.carla):
        assert person.name not in html and person.email not in html
    assert "bevestigd" not in html.lower() and "confirmed" not in html.lower()
    # The entries are read without any person: touching one would be another query.
    with CaptureQueriesContext(connection) as reads:
        render_to_string(section.template, {"panel": context[world.team_a.pk], "team": world.team_a})
    assert len(reads) == 0


def test_the_public_section_for_a_team_of_another_region_has_no_utrecht_entries(world):
    add(world, team=None, name="Openbaar regionaal", public=True)
    assert _section().context(teams=[world.team_c]) == {}


def test_the_notices_page_shows_a_reconfirm_request(world, client_for):
    _age(add(world, name="Oud buurthuis", maintainer=world.sofie), 200)
    notices.time_check(timezone.localdate())
    page = client_for("sofie").get("/notifications/")
    assert page.status_code == 200
    assert "Oud buurthuis" in page.content.decode()


def test_the_public_section_shows_at_most_its_limit_and_says_how_many_more(world):
    """Found by an exploratory test: a kaart of 10,000 public rows made one anonymous lookup 7 MB
    and 6 s of a worker's time, listing every entry."""
    from wijkverband.socialmap.models import Entry
    from wijkverband.socialmap.selectors import PUBLIC_LIMIT

    first = add(world, name="Aaa buurthuis", public=True)
    region_wide = add(world, team=None, name="Aab regionaal", public=True)
    Entry.objects.bulk_create(
        Entry(**{**{f.attname: getattr(first, f.attname) for f in Entry._meta.concrete_fields if not f.primary_key},
                 "name": f"Activiteit {i:03}"})
        for i in range(PUBLIC_LIMIT + 20)
    )  # fmt: skip
    section = _section()
    with CaptureQueriesContext(connection) as queries:
        context = section.context(teams=[world.team_a])
    assert len(queries) == 1
    panel = context[world.team_a.pk]
    assert len(panel["entries"]) == PUBLIC_LIMIT
    assert panel["more"] == PUBLIC_LIMIT + 22 - PUBLIC_LIMIT
    names = [e.name for e in panel["entries"]]
    assert region_wide.name in names or all(e.kind <= region_wide.kind for e in panel["entries"])
    html = render_to_string(section.template, {"panel": panel, "team": world.team_a})
    assert "And 22 more: ask in the neighbourhood which one suits you." in html
    with translation.override("nl"):
        html = render_to_string(section.template, {"panel": panel, "team": world.team_a})
    assert "En nog 22: vraag in de wijk welke bij je past." in html


def test_the_public_cut_leaves_no_kind_out_and_sorts_names_as_people_read_them(world):
    """Found by an exploratory test: with 82 public entries, the cut by kind code and name left out
    every Welzijn op Recept offer; "Zorgcafé" came before "aardig", "Éénhoorn" after "buurthuis"."""
    from wijkverband.socialmap.models import Entry, Kind
    from wijkverband.socialmap.selectors import PUBLIC_LIMIT

    template = add(world, name="Buurthuis", kind=Kind.ACTIVITY, public=True)
    fields = {f.attname: getattr(template, f.attname) for f in Entry._meta.concrete_fields if not f.primary_key}
    offers = ("Zorgcafé", "aardig", "Éénhoorn")
    Entry.objects.bulk_create(
        [Entry(**{**fields, "name": f"Activiteit {i:03}"}) for i in range(PUBLIC_LIMIT + 10)]
        + [Entry(**{**fields, "name": name, "kind": Kind.WELZIJN_OP_RECEPT}) for name in offers]
    )
    panel = _section().context(teams=[world.team_a])[world.team_a.pk]
    assert len(panel["entries"]) == PUBLIC_LIMIT
    offers = [e.name for e in panel["entries"] if e.kind == Kind.WELZIJN_OP_RECEPT]
    assert offers == ["aardig", "Éénhoorn", "Zorgcafé"]
    # Meeting places' kinds first as the choices list them; what is not shown, counted by kind.
    assert panel["more_by_kind"] == [("Activity", PUBLIC_LIMIT + 11 - (PUBLIC_LIMIT - 3))]
    assert panel["more"] == 14


def test_the_public_cut_takes_each_kinds_first_names_as_people_read_them(world):
    """Found by an exploratory test: the cut sorted by the name in lower case, in which "Ácht" comes
    after "z": "Ácht uur wandelen" was left out while "Beweegactiviteit 046" was shown."""
    from wijkverband.socialmap.models import Entry, Kind
    from wijkverband.socialmap.selectors import PUBLIC_LIMIT

    template = add(world, name="Beweegactiviteit", kind=Kind.ACTIVITY, public=True)
    fields = {f.attname: getattr(template, f.attname) for f in Entry._meta.concrete_fields if not f.primary_key}
    names = ["Ácht uur wandelen", *(f"Beweegactiviteit {i:03}" for i in range(PUBLIC_LIMIT + 10))]
    rows = [Entry(**{**fields, "name": name}) for name in names]
    for row in rows:
        row.derive()  # what save() writes: the search text and the sort key
    Entry.objects.bulk_create(rows)
    panel = _section().context(teams=[world.team_a])[world.team_a.pk]
    shown = [e.name for e in panel["entries"]]
    assert shown[0] == "Ácht uur wandelen" and "Beweegactiviteit 000" in shown
    assert f"Beweegactiviteit {PUBLIC_LIMIT + 9:03}" not in shown
