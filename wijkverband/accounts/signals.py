"""The old address is told when an account's address changes (ACCOUNT_CHANGE_EMAIL).

allauth would send this with all its other account notices (ACCOUNT_EMAIL_NOTIFICATIONS); this
one is ours alone, in our words. Like the other mails of signing in (a password reset, an
invitation), it is sent at once: it carries no client data and no link."""

from allauth.account.adapter import get_adapter
from allauth.account.signals import email_changed
from django.dispatch import receiver


@receiver(email_changed, dispatch_uid="wijkverband.accounts.tell_the_old_address")
def tell_the_old_address(sender, request, user, from_email_address, to_email_address, **kwargs) -> None:
    if from_email_address is None or from_email_address.email == to_email_address.email:
        return
    get_adapter(request).send_mail(
        "account/email/email_changed",
        from_email_address.email,
        {"from_email": from_email_address.email, "to_email": to_email_address.email},
    )
