"""Find client data that got in before the guard (or around it), for the privacy officer.

Prints only where it is (model, id, field, kind), never what, and records the scan in the audit
log. Messages are cleaned with "Remove client data" on the message (threads); other texts by
editing them.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from wijkverband.audit.selectors import client_data_places
from wijkverband.audit.services import audit_record


class Command(BaseCommand):
    help = "Report where stored texts hold client data (a BSN, a name with a date of birth): never what."

    def handle(self, *args, **options):
        found = 0
        for place in client_data_places():
            found += 1
            self.stdout.write(f"{place.model}\t{place.pk}\t{place.field}\t{place.kind}")
        with transaction.atomic():
            audit_record(actor=None, action="client_data.scanned", data={"found": found})
        summary = f"{found} place(s) with client data."
        self.stdout.write(self.style.WARNING(summary) if found else self.style.SUCCESS(summary))
