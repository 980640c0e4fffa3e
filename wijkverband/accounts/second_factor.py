"""Who must sign in with a second factor, decided in one place.

allauth has no switch for "required": SecondFactorRequiredMiddleware sends such a user to set up
an authenticator app before anything else.
"""

from allauth.mfa.models import Authenticator

from wijkverband.tenancy.models import Membership, RegionRole

# Roles whose holders see professional information. Client representatives are not in here:
# for them a second factor is optional.
PROFESSIONAL_TEAM_ROLES = (Membership.Role.MEMBER, Membership.Role.COORDINATOR)
PROFESSIONAL_REGION_ROLES = (RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN)


def second_factor_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        # The person's own rows in all their teams.
        Membership.objects.across_teams().filter(user=user, role__in=PROFESSIONAL_TEAM_ROLES).exists()
        or RegionRole.objects.filter(user=user, role__in=PROFESSIONAL_REGION_ROLES).exists()
    )


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
