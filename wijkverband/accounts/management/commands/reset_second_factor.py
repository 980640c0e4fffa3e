"""For the platform's administrator: reset the second factor of someone who lost their phone and
their recovery codes (docs/accounts.md, "Lost phone")."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wijkverband.accounts.models import normalise_email
from wijkverband.accounts.services import second_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a person's second factors (authenticator app, security keys, recovery codes) and end their "
        "sessions; they are told by mail and set up a new one at their next sign-in. Check first that the "
        "request is theirs."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The e-mail address the person signs in with.")

    def handle(self, *args, email: str, **options):
        user = get_user_model().objects.filter(email__iexact=normalise_email(email)).first()
        if user is None:
            raise CommandError(f"No account signs in with {email}.")
        removed = second_factor_reset(actor=None, user=user)
        kinds = ", ".join(removed) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Second factor of {user.email} reset (removed: {kinds}); their sessions are ended, and they "
                "are told by mail. They set up a new one at their next sign-in."
            )
        )
