"""A new item with the name of one that is there already (a discussion's title in the team, an entry
on the sociale kaart), or an item renamed to it (an entry on the sociale kaart; the item itself is
no second one): teams ended up with two "Algemeen" threads and two entries of one meeting place,
none of them warned.

The first send is stopped with a word at the name's field (the form's error summary links there),
the items of that name that the person reads on this page linked beside it, and a checkbox to go on
anyway; a second send with it ticked makes the item. Also without JavaScript. The checkbox carries
the name it was shown for: a name changed after the warning is looked at again.

The items come from the app's own selectors, scoped to the page's team or region as its list is:
another team's item of that name is never mentioned.
"""

from dataclasses import dataclass

#: The checkbox "go on anyway"; its value is the name it was shown for (includes/same_name.html).
FIELD = "same_name_ok"


@dataclass(frozen=True)
class SameName:
    """What includes/same_name.html shows beside the name's field."""

    name: str  # the name warned about: the checkbox's value
    items: list[tuple[str, str]]  # (what to call it, its address) of each item with that name
    go_on_label: str  # the checkbox's label ("Toch een nieuw gesprek beginnen")


def goes_on(data, name: str) -> bool:
    """Whether the person ticked "go on anyway" for this very name."""
    return _key(data.get(FIELD, "")) == _key(name)


def stop_first_send(form, *, field: str, name: str, items, message, go_on_label) -> SameName | None:
    """The warning when `items` (the same-named ones, (label, url)) are there and the person did not
    go on anyway: `message` at `field` of `form`, and what the page shows beside it. None: make it."""
    if not items or goes_on(form.data, name):
        return None
    form.add_error(field, message)
    return SameName(name=name, items=list(items), go_on_label=str(go_on_label))


def same(name: str, other: str) -> bool:
    """Whether two names are one name (case and spaces aside): a rename to another spelling of the
    item's own name is no new name."""
    return _key(name) == _key(other)


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()
