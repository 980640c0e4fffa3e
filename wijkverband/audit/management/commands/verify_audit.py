"""Verify every audit chain on its own and name the broken ones (docs/audit.md).

Exit status 0 when every chain is intact, 1 when one is not (for cron, monitoring and the backup
drill). Prints one line per broken chain, and a summary; --verbose lists every chain.
"""

from django.core.management.base import BaseCommand, CommandError

from wijkverband.audit.selectors import audit_chains_verify


class Command(BaseCommand):
    help = "Verify the audit log: every chain (team, region, global) on its own; names a broken one."

    def handle(self, *args, **options):
        checks = audit_chains_verify()
        broken = [check for check in checks if check.broken is not None]
        for check in checks:
            if check.broken is not None:
                event = check.broken
                self.stdout.write(
                    f"{check.chain}\tBROKEN at event {event.pk} ({event.action}, {event.at.isoformat()}):"
                    " its content or its link to the event before it does not match"
                )
            elif options["verbosity"] > 1:
                self.stdout.write(f"{check.chain}\tintact\t{check.events} events")
        events = sum(check.events for check in checks)
        if broken:
            raise CommandError(
                f"{len(broken)} of {len(checks)} audit chain(s) broken: {', '.join(c.chain for c in broken)}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(checks)} audit chain(s) intact, {events} events."))
