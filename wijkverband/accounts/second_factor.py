"""Whether a person has a second factor (an authenticator app or a security key).

Who must have one depends on their roles, so that rule and its middleware live a layer up, in
wijkverband.tenancy.second_factor.
"""

from allauth.mfa.models import Authenticator
from django.db.models import Exists


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def second_factor_exists(user_ref) -> Exists:
    """has_second_factor as an expression (user_ref: the user's id, e.g. an OuterRef), for one query that asks more."""
    return Exists(
        Authenticator.objects.filter(user=user_ref, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
    )


def first_second_factor_set_up_at(user):
    """When the person's oldest second factor was set up (None: they have none)."""
    return (
        Authenticator.objects.filter(user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
