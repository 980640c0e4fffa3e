from tests.socialmap.helpers import add


def test_pages_render(world, client_for):
    entry = add(world)
    region_entry = add(world, team=None, name="Welzijn op Recept Utrecht", kind="welzijn_op_recept")
    client = client_for("maarten")
    for url in [
        "/t/oost/sociale-kaart/",
        f"/t/oost/sociale-kaart/{entry.pk}/",
        f"/t/oost/sociale-kaart/{region_entry.pk}/",
        f"/t/oost/sociale-kaart/{entry.pk}/edit/",
        f"/t/oost/sociale-kaart/{entry.pk}/remove/",
        "/t/oost/sociale-kaart/new/",
        "/t/oost/sociale-kaart/import/",
        "/t/oost/sociale-kaart/export.csv",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
    client = client_for("ada")
    for url in [
        "/r/utrecht/sociale-kaart/",
        f"/r/utrecht/sociale-kaart/{region_entry.pk}/",
        "/r/utrecht/",
        "/r/utrecht/sociale-kaart/new/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
