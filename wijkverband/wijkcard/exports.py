"""The card as files: vCard 3.0 (one VCARD per entry, for a phone's or a practice system's address
book) and CSV for Dutch Excel (";" between fields, UTF-8 with a byte-order mark). No queries here:
the views pass the entries a selector read."""

import csv
import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wijkverband.core.phones import dial_phone
from wijkverband.wijkcard.models import SLOTS
from wijkverband.wijkcard.phones import display_phone

# --- vCard -------------------------------------------------------------------------------------------


def _escape(value: str) -> str:
    """vCard text: backslash, comma, semicolon and new lines escaped (RFC 2426 §4)."""
    text = str(value).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 2425 §5.8.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def vcard(entry) -> str:
    """One VCARD: the organisation (ORG, with the contact point as its unit), a TEL per time of day
    (the day number preferred; Apple's X-ABLabel names the time), the direct line, the secure-mail
    address and a NOTE with the hours, the arrangement and the notes."""
    name = f"{entry.organisation.name} – {entry.contact_point}"
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{_escape(name)}",
        f"N:{_escape(entry.organisation.name)};{_escape(entry.contact_point)};;;",
        f"ORG:{_escape(entry.organisation.name)};{_escape(entry.contact_point)}",
        "X-ABShowAs:COMPANY",
    ]
    note = []
    item = 0
    for key, label in SLOTS:
        phone = getattr(entry, f"{key}_phone")
        hours = getattr(entry, f"{key}_hours")
        if phone:
            item += 1
            types = "WORK,VOICE,PREF" if key == "day" else "WORK,VOICE"
            lines.append(f"item{item}.TEL;TYPE={types}:{dial_phone(phone)}")
            lines.append(f"item{item}.X-ABLabel:{_escape(label)}")
        if phone or hours:
            note.append(f"{label}: {' · '.join(part for part in (display_phone(phone), hours) if part)}")
    if entry.direct_phone:
        item += 1
        label = _("Direct line for professionals")
        lines.append(f"item{item}.TEL;TYPE=WORK,VOICE:{dial_phone(entry.direct_phone)}")
        lines.append(f"item{item}.X-ABLabel:{_escape(label)}")
        note.append(f"{label}: {display_phone(entry.direct_phone)}")
    if entry.secure_mail:
        label = _("Secure mail")
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{entry.secure_mail}")
        note.append(f"{label}: {entry.secure_mail}")
    if entry.takes_lead and entry.lead_arrangement:
        label = _("Takes the lead when a client falls through the gaps:")
        note.append(f"{label} {entry.lead_arrangement}")
    if entry.notes:
        note.append(entry.notes)
    note.append(_("Last confirmed on %(date)s") % {"date": date_format(entry.confirmed_on, "j F Y")})
    lines.append(f"NOTE:{_escape(chr(10).join(note))}")
    lines.append(f"REV:{entry.confirmed_on.isoformat()}")
    lines.append(f"UID:wijkverband-wijkcard-{entry.pk}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def vcards(entries) -> str:
    return "".join(vcard(entry) for entry in entries)


# --- CSV -------------------------------------------------------------------------------------------


def _cell(value) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas: defuse them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(entries, *, professional_lines: bool = True) -> str:
    """The whole card as CSV for Dutch Excel: BOM, ";" between fields, a header row; without the
    columns of the direct line and the secure-mail address for a reader who is not a professional."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header = [_("Organisation"), _("Kind"), _("Contact point")]
    for _key, label in SLOTS:
        header += [_("%(time)s: phone") % {"time": label}, _("%(time)s: hours") % {"time": label}]
    if professional_lines:
        header += [_("Direct line for professionals"), _("Secure-mail address")]
    header += [
        _("Serves the neighbourhood"),
        _("Takes the lead"),
        _("The arrangement"),
        _("Notes for the team"),
        _("Public"),
        _("Last confirmed on"),
        _("Last confirmed by"),
        _("Responsible member"),
        _("Stale"),
    ]
    writer.writerow(header)
    for entry in entries:
        row = [entry.organisation.name, entry.organisation.get_kind_display(), entry.contact_point]
        for key, _label in SLOTS:
            row += [display_phone(getattr(entry, f"{key}_phone")), getattr(entry, f"{key}_hours")]
        if professional_lines:
            row += [display_phone(entry.direct_phone), entry.secure_mail]
        row += [
            _("yes") if entry.serves_wijk else _("no"),
            _("yes") if entry.takes_lead else _("no"),
            entry.lead_arrangement if entry.takes_lead else "",  # one kept from an earlier lead is not in force
            entry.notes,
            _("yes") if entry.public else _("no"),
            entry.confirmed_on.isoformat(),
            (entry.confirmed_by.name or entry.confirmed_by.email) if entry.confirmed_by else "",
            (entry.maintainer.name or entry.maintainer.email) if entry.maintainer else "",
            _("yes") if entry.stale else _("no"),
        ]
        writer.writerow([_cell(value) for value in row])
    return "\ufeff" + out.getvalue()
