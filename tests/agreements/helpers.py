"""What the agreement form sends, filled in as a coordinator would (pages, limits)."""


def form_post(world, **overrides) -> dict:
    data = {
        "title": "Valpreventie",
        "need": "Veel valincidenten",
        "sources": "GGD-monitor",
        "body": "De fysiotherapeut doet de valrisicotest.",
        "gain_quality": "Minder vallen",
        "gain_accessibility": "",
        "gain_affordability": "",
        "owner": world.carla.pk,
        "start_date": "",
        "review_date": "",
        "change_note": "",
    }
    return {**data, **overrides}
