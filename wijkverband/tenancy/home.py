"""The start page: every team and region the person belongs to, with what is new in each team.

In tenancy, not core: it lists memberships, and core imports no other app of ours. Feature apps
add their line to each team's card through wijkverband.core.registry.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from wijkverband.core import registry
from wijkverband.tenancy.models import Membership
from wijkverband.tenancy.selectors import invitations_waiting_for, user_memberships, user_region_roles


@login_required
def home(request):
    memberships = list(user_memberships(user=request.user).select_related("team__region"))
    # The lines count the team's items (unread messages): none for an external party, who reads
    # only its agreements.
    readers = [m.team for m in memberships if m.role != Membership.Role.EXTERNAL_PARTY]
    lines = registry.team_card_lines(user=request.user, teams=readers)
    for membership in memberships:
        membership.card_lines = lines.get(membership.team_id, [])
    region_roles = list(user_region_roles(user=request.user))
    return render(
        request,
        "tenancy/home.html",
        {
            "memberships": memberships,
            "region_roles": region_roles,
            # Invited again (or to another team): say so, the start page said only "a coordinator can invite you".
            "invitations": invitations_waiting_for(user=request.user),
            # What waits on the person (an overseer: their regions' escalation queues), from the apps above.
            "start_panels": registry.render_start_panels(request=request),
            # The privacy officer's work is the audit log, in the admin: the start page leads there
            # (it said "no team yet, a coordinator can invite you", and linked nowhere).
            "audit_reader": request.user.is_staff and request.user.has_perm("audit.view_auditevent"),
        },
    )
