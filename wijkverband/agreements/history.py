"""An agreement's history lines, put together when they are read.

The services store what happened as facts (AgreementEvent.data) beside what a person wrote
(AgreementEvent.detail). The words around them ("namens", "opnieuw instemming nodig") and the dates
are the reader's: a line written by a Dutch coordinator reads "on behalf of …, 4 December 2026" to
a reader who chose English, and the other way round.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wijkverband.agreements.models import Action, Decision, PartyKind


def _date(value: str) -> str:
    return date_format(date.fromisoformat(value))


def _number(value: str) -> str:
    """A measured value as stored ("72.5") in the reader's format, as the measurements table shows
    it: "72,50" in Dutch, "72.50" in English, "70" for a whole number."""
    try:
        return floatformat(Decimal(value), "-2")
    except (InvalidOperation, TypeError):
        return value


def _kind(value: str) -> str:
    return str(dict(PartyKind.choices).get(value, value))


def shown_detail(event) -> str:
    facts, written = event.data or {}, event.detail
    if not facts:
        return written  # a row from before the facts: the sentence as it was written
    action = event.action
    if action in (Action.ENDORSED, Action.DECLINED):
        line = _("on behalf of %(party)s") % {"party": facts["party"]}
        return f"{line}: {written}" if written else line
    if action == Action.CONSENT_RECORDED:
        return f"{facts['party']} ({_date(facts['given_on'])}, {written})"
    if action == Action.EDITED:
        parts = [written] if written else []
        if facts.get("fresh_endorsements"):
            parts.append(_("needs fresh endorsements"))
        return " · ".join(parts)
    if action in (Action.PARTY_ADDED, Action.PARTY_REMOVED):
        line = f"{_kind(facts['kind'])}: {written}" if "kind" in facts else written
        # Removed from the pending version (or added back), its decision on that version lapsed.
        voided = facts.get("voided")
        if voided == Decision.ENDORSED:
            lapsed = _("its endorsement of this version lapses")
            return f"{line} · {lapsed}"
        if voided == Decision.DECLINED:
            lapsed = _("its decision to decline this version lapses")
            return f"{line} · {lapsed}"
        return line
    if action == Action.MEASUREMENT_RECORDED:
        value = _number(facts["value"])
        return f"{facts['indicator']}: {value} {facts['unit']} ({_date(facts['measured_on'])})"
    if action == Action.MEASUREMENT_FED:
        changes = [
            f"{_date(day)}: –" if value is None else f"{_date(day)}: {_number(value)} {facts['unit']}"
            for day, value in facts["changes"]
        ]
        return f"{facts['indicator']}: {'; '.join(changes)}"
    if action in (Action.OWNER_LEFT, Action.OWNER_REMOVED, Action.OWNER_ROLE_CHANGED):
        by, owner = facts.get("by"), facts["owner"]
        if by and by == owner:
            return _("by %(by)s, who is the owner now") % {"by": by}
        if by:
            return _("by %(by)s; %(owner)s is the owner now") % {"by": by, "owner": owner}
        return _("%(owner)s is the owner now") % {"owner": owner}
    return written
