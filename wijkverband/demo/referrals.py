"""Demo content of the referrals app (filled in by the work on issue 13)."""

DESCRIPTION = "referrals"


def load(*, teams: dict, regions: dict, people: dict) -> bool:
    """teams / regions: slug -> object; people: demo local part -> user. False when already loaded."""
    return False
