from wijkverband.signals import services


def file_signal(world, *, actor=None, title="Lang wachten op de wijkverpleging", text=None):
    return services.signal_file(
        actor=actor or world.rosa,
        team=world.team_a,
        title=title,
        text=text or "Cliënten weten 's avonds niet wie ze moeten bellen als de wijkverpleging niet opneemt.",
    )


def bottleneck_fields(world, **values):
    from wijkverband.bottlenecks.models import Category

    category = Category.objects.for_team(world.team_a).order_by("position", "pk").first()
    return {
        "title": "Avondbereikbaarheid wijkverpleging",
        "description": "Gemeld door cliëntvertegenwoordigers.",
        "category": category,
        "impact": 2,
        "affected_kinds": ["wijkverpleging"],
        **values,
    }
