"""The Dutch of tenancy's postcode-area messages lives in this app's catalogue.

tenancy/postcodes.py keeps its messages as plain English msgids and translates them at run time;
this module names the same msgids for makemessages, so they are extracted into
wijkverband/lookup/locale (the postcode areas are this work's subject). Nothing imports it at run
time. tests/lookup/test_postcodes.py fails when a message there has no Dutch here.
"""

from django.utils.translation import gettext_noop

MARKED = (
    gettext_noop("postcode area"),
    gettext_noop("postcode or postcode area"),
    gettext_noop("teams may share postcode areas"),
    gettext_noop("Or a full postcode, such as 3511 AB."),
    gettext_noop("A team can have at most %(count)s postcode areas."),
    gettext_noop(
        "%(area)s is already served by %(team)s. This region does not let teams share postcode areas: "
        "remove it there first, or allow shared areas for the region."
    ),
    gettext_noop(
        "%(area)s is already served by %(team)s of %(region)s. Teams of different regions never share "
        "postcode areas: agree with that region who serves it."
    ),
    gettext_noop(
        "%(area)s is served by %(teams)s. Give each postcode area one team before you stop teams from sharing areas."
    ),
    gettext_noop("A full postcode (3513 AB) serves the part of an area a wijk border cuts off."),
)
