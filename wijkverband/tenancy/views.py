"""Team, region, member-management and invitation pages. Thin: parse input, call services."""

from dataclasses import replace

from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from wijkverband.accounts.sign_in import password_signs_in
from wijkverband.core import done_at, registry
from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.once import sent_once
from wijkverband.core.registry import region_column_cells, render_region_panels, render_team_panels
from wijkverband.tenancy import selectors, services
from wijkverband.tenancy.access import access_invitation, access_membership
from wijkverband.tenancy.entry import region_view, team_view
from wijkverband.tenancy.forms import InvitationForm, NewAccountForm, RoleForm, TeamForm
from wijkverband.tenancy.models import Membership

#: The members page's section of open invitations: inviting, withdrawing and sending again come back
#: there, with their word in it (core/done_at.py), not at the top of a page 3,000 px long on a phone.
INVITATIONS = "invitations"


def _at_the_invitations(team) -> str:
    return f"{reverse('team_members', kwargs={'team_slug': team.slug})}#{INVITATIONS}"


@team_view
def team_home(request):
    team, rights = request.team, request.rights
    members = selectors.team_members(team=team)
    context = {
        "team": team,
        "rights": rights,
        "member_count": len(members),
        "core": selectors.core_players_from_members(members),
        "panels": render_team_panels(request=request, team=team, rights=rights),
    }
    return render(request, "tenancy/team_home.html", context)


@team_view
def team_members(request):
    """The "Leden" tab: who takes part for which organisation, and (for who may) managing them."""
    return _members_page(request)


def _members_page(request, *, refused_form=None, refused_membership=None):
    """The members tab; after a refused role change (`refused_form`, bound with the role chosen for
    `refused_membership`) with the refusal at that member's role select, status 400."""
    team, rights = request.team, request.rights
    members = selectors.team_members(team=team)
    # Word of what was done to an invitation stands at the invitations (INVITATIONS); the rest at the top.
    placed, rest = done_at.take(request, {INVITATIONS}) if rights.can_manage_members else ({}, None)
    context = {
        "team": team,
        "rights": rights,
        "groups": selectors.members_by_organisation(members),
        "member_count": len(members),
        # What the region's overview counts as the team's professionals (coordinators and members).
        "professional_count": sum(m.role in selectors.PROFESSIONAL_ROLES for m in members),
        "roles": Membership.Role.choices,
        "invitations": selectors.team_pending_invitations(team=team) if rights.can_manage_members else [],
        "expired_invitations": selectors.team_expired_invitations(team=team) if rights.can_manage_members else [],
        "own_membership": next((m for m in members if m.user_id == request.user.pk), None),
        # The refusal at the role select it is about, and in the page's error summary (its link).
        "role_form": refused_form,
        "refused_membership_id": refused_membership.pk if refused_membership is not None else None,
        "invitations_done": placed.get(INVITATIONS, []),
    }
    if rest is not None:
        context["messages"] = rest
    return render(request, "tenancy/team_members.html", context, status=400 if refused_form is not None else 200)


# The invitation page's title and heading name the role it was opened for (?role=): the region's
# "Now invite its coordinator" led to a page called "Invite a member".
_INVITE_TITLES = {
    Membership.Role.MEMBER: gettext_lazy("Invite a member"),
    Membership.Role.COORDINATOR: gettext_lazy("Invite a coordinator"),
    Membership.Role.CLIENT_REPRESENTATIVE: gettext_lazy("Invite a client representative"),
    Membership.Role.EXTERNAL_PARTY: gettext_lazy("Invite an external party"),
}


@team_view(needs="can_manage_members")
def member_invite(request):
    team, rights = request.team, request.rights
    # ?role=coordinator: the role the page was opened for (a new team's first invitation).
    asked = request.GET.get("role")
    initial = {"role": asked} if asked in Membership.Role.values else None
    form = InvitationForm(
        request.POST or None, initial=initial, organisations=selectors.invitation_organisation_choices(team=team)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_organisation = None  # no list when the team has no organisations yet: a name instead
        if data["new_organisation_name"].strip():
            new_organisation = services.NewOrganisation(data["new_organisation_name"], data["new_organisation_kind"])
        try:
            invitation, _token = services.invitation_create(
                actor=request.user,
                team=team,
                email=data["email"],
                role=data["role"],
                organisation=data.get("organisation"),
                new_organisation=new_organisation,
            )
        except ActionRefused as refused:
            if refused.field == "name":  # the new organisation's name
                refused.field = "new_organisation_name"
            add_refusal(form, refused)
        else:
            # The worker mails it a moment after this answer (the outbox): not "sent" yet. Should
            # it fail, the list of invitations says so, and the coordinator gets a notice.
            done_at.add(
                request,
                messages.SUCCESS,
                _("The invitation for %(email)s is ready and will be mailed in a moment.")
                % {"email": invitation.email},
                at=INVITATIONS,
            )
            return redirect(_at_the_invitations(team))
    return render(
        request,
        "tenancy/member_invite.html",
        {
            "team": team,
            "rights": rights,
            "form": form,
            "valid_days": settings.INVITATION_VALID_DAYS,
            "title": _INVITE_TITLES.get(asked, _INVITE_TITLES[Membership.Role.MEMBER]),
        },
        status=400 if request.method == "POST" else 200,
    )


def _act_and_return(request, team, action, *, success: str):
    """Run a member-management service; report its refusal or the success, back on the members tab."""
    try:
        action()
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
    return redirect("team_members", team_slug=team.slug)


@team_view(needs="can_manage_members")
@require_POST
def member_change_role(request, membership_id):
    team = request.team
    membership = access_membership(user=request.user, team=team, membership_id=membership_id)
    form = RoleForm(request.POST, organisations=selectors.team_organisation_choices(team=team))
    if not form.is_valid():
        if "role" in form.errors and not form.on_its_page:
            return _members_page(request, refused_form=form, refused_membership=membership)
        # An organisation that is not the team's: said at the field, on the page that asks for it.
        return render(request, "tenancy/member_role.html", {"team": team, "membership": membership, "form": form})
    role, organisation = form.cleaned_data["role"], form.cleaned_data.get("organisation")
    new_name = (form.cleaned_data.get("new_organisation_name") or "").strip()
    if services.needs_organisation(role, membership) and organisation is None and not new_name:
        # The members list offers every role; this one acts for an organisation the person has
        # not got yet: ask for it (the form already carries the role).
        if form.on_its_page:
            form.ask_for_organisation()
        return render(request, "tenancy/member_role.html", {"team": team, "membership": membership, "form": form})
    if (question := _role_change_question(request, team, membership, role)) is not None:
        return question
    # A team without organisations yet: the one named on the role page is added with the change.
    new_organisation = None
    if organisation is None and new_name:
        new_organisation = services.NewOrganisation(new_name, form.cleaned_data["new_organisation_kind"])
    try:
        services.membership_change_role(
            actor=request.user,
            membership=membership,
            role=role,
            organisation=organisation,
            new_organisation=new_organisation,
        )
    except ActionRefused as refused:
        if refused.field == "name":
            refused.field = "new_organisation_name"  # the new organisation's name, said at its field
        if form.on_its_page:  # at the field it is about, else at the role
            add_refusal(form, refused, default="role")
            return render(
                request, "tenancy/member_role.html", {"team": team, "membership": membership, "form": form}, status=400
            )
        # The members list sends the role alone: the refusal (the last coordinator made member) at
        # that member's role select.
        form.add_error("role", refused.message)
        return _members_page(request, refused_form=form, refused_membership=membership)
    messages.success(request, _("The role of %(name)s has been changed.") % {"name": membership.user})
    return redirect("team_members", team_slug=team.slug)


def _role_change_question(request, team, membership, role):
    """The question before a role in which the person can own nothing (a client representative, an
    external party): what they hold is let go as when they leave (core.registry.membership_holdings,
    the leave question's words), said before, not after; also the decisions of an organisation whose
    last member becomes client representative, which nobody can give after this. None: nothing to
    ask (nothing is let go, the new role may own, the change would be refused, or this is the
    answer: "confirmed")."""
    if role in selectors.PROFESSIONAL_ROLES or request.POST.get("confirmed"):
        return None
    if services.membership_change_role_refused(membership=membership, role=role) is not None:
        return None  # refused by the change itself, at the members list's role select
    holdings = registry.membership_holdings(team=team, user=membership.user, actor=request.user, role=role)
    if not holdings:
        return None
    return render(
        request,
        "tenancy/member_role_confirm.html",
        {
            "team": team,
            "membership": membership,
            "role": role,
            "role_label": Membership.Role(role).label,
            "holdings": holdings,
        },
    )


def _removal_question(request, team, membership):
    """The question before someone leaves or is removed: what they hold in the team is let go
    (core.registry.membership_holdings), and the last coordinator is told first, not after. The way
    back is the members page, or for an external party leaving its agreements (the only page of the
    team it reads: Membership.home_url_name)."""
    leaving = membership.user_id == request.user.pk
    return render(
        request,
        "tenancy/member_remove.html",
        {
            "team": team,
            "membership": membership,
            "back": reverse(membership.home_url_name if leaving else "team_members", kwargs={"team_slug": team.slug}),
            "external_party": membership.role == Membership.Role.EXTERNAL_PARTY,
            "last_coordinator": selectors.is_last_coordinator(membership),
            "holdings": registry.membership_holdings(team=team, user=membership.user, actor=request.user),
        },
    )


@team_view(needs="can_manage_members")
def member_remove(request, membership_id):
    """GET: the question (removing someone takes their access at once and cannot be undone, so the
    members list links here rather than removing with one click); POST: the removal."""
    team = request.team
    membership = access_membership(user=request.user, team=team, membership_id=membership_id)
    if request.method != "POST":
        return _removal_question(request, team, membership)
    if membership.user_id == request.user.pk:
        # Leaving: the team's pages close for them, so they land on their start page, where the
        # message is read (the members page they came from is a 404 to them now).
        return member_leave(request, team_slug=team.slug)
    return _act_and_return(
        request,
        team,
        lambda: services.membership_remove(actor=request.user, membership=membership),
        success=_("%(name)s has been removed from the team.") % {"name": membership.user},
    )


# can_view_agreements: the floor an external party stands on too (tenancy.entry.team_view); it
# leaves as everyone else does, and only a coordinator could remove it before.
@team_view(needs="can_view_agreements")
def member_leave(request):
    """GET: the question; POST: the person leaves the team (their own membership; a coordinator
    only while another one stays). Members could only ask a coordinator to remove them."""
    team = request.team
    membership = selectors.own_membership(user=request.user, team=team)
    if membership is None:  # the region's people read the team without being in it
        raise Http404
    if request.method != "POST":
        return _removal_question(request, team, membership)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("team_members", team_slug=team.slug)
    messages.success(request, _("You have left %(team)s.") % {"team": team.name})
    return redirect("home")


@team_view(needs="can_manage_members")
@require_http_methods(["GET", "POST"])
def invitation_revoke(request, invitation_id):
    """GET: the question (the link in the mail stops working at once, so the list links here, as it
    does for removing a member); POST: the withdrawal. Back at the invitations, with word of it."""
    team = request.team
    invitation = access_invitation(user=request.user, team=team, invitation_id=invitation_id)
    if request.method == "POST":
        try:
            services.invitation_revoke(actor=request.user, invitation=invitation)
        except ActionRefused as refused:
            done_at.add(request, messages.ERROR, refused.message, at=INVITATIONS)
        else:
            message = _("The invitation for %(email)s has been withdrawn.") % {"email": invitation.email}
            done_at.add(request, messages.SUCCESS, message, at=INVITATIONS)
        return redirect(_at_the_invitations(team))
    if not invitation.is_pending:  # used, withdrawn or expired meanwhile: nothing to ask
        done_at.add(request, messages.ERROR, _("This invitation is no longer open."), at=INVITATIONS)
        return redirect(_at_the_invitations(team))
    return render(
        request,
        "tenancy/invitation_revoke.html",
        {"team": team, "rights": request.rights, "invitation": invitation, "back": _at_the_invitations(team)},
    )


@region_view
def region_home(request):
    region, rights = request.region, request.rights
    overview = selectors.region_team_overview(region=region)
    columns = region_column_cells(teams=[item.team for item in overview])
    # Each cell with its column: on a phone a cell says which column it is in (the header is out of sight).
    overview = [
        replace(item, extra_cells=[(column, cells.get(item.team.pk)) for column, cells in columns]) for item in overview
    ]
    return render(
        request,
        "tenancy/region_home.html",
        {
            "region": region,
            "rights": rights,
            "overview": overview,
            "extra_columns": [column for column, _cells in columns],
            "incomplete_count": sum(1 for item in overview if not item.complete),
            "panels": render_region_panels(request=request, region=region, rights=rights),
        },
    )


@region_view(needs="can_administer")
@sent_once
def team_create(request):
    region, rights = request.region, request.rights
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, region=region, **form.cleaned_data)
        except ActionRefused as refused:
            add_refusal(form, refused)
        else:
            # The team's name says "Wijkverband" already ("Wijkverband Wijkverband Leidsche Rijn").
            messages.success(request, _("%(name)s has been created. Now invite its coordinator.") % {"name": team.name})
            # The form asks for a coordinator: with "Lid" chosen, following the prompt made a team
            # without one.
            return redirect(f"{reverse('member_invite', kwargs={'team_slug': team.slug})}?role=coordinator")
    return render(
        request,
        "tenancy/team_create.html",
        {"region": region, "rights": rights, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def invitation_accept(request, token):
    """Open to anyone holding the link: the token is the credential, checked on every step."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    invitation = selectors.invitation_by_token(token=token)
    problem = services.invitation_problem(invitation, user=request.user)
    own = (
        selectors.user_memberships(user=request.user).filter(team_id=invitation.team_id).first()
        if problem
        and invitation is not None
        and invitation.accepted_at is not None
        and request.user.is_authenticated
        and invitation.accepted_by_id == request.user.pk
        else None
    )
    if own is not None:
        # Their own link, followed again: the team it let them into (it said "Meld je aan", to
        # someone signed in already).
        return _team_entry(own)
    if problem:
        if (again := _new_account_sent_again(request, invitation)) is not None:
            return again
        status = 404 if invitation is None else (403 if request.user.is_authenticated else 410)
        return _invitation_problem_page(request, invitation, problem, status=status)

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.invitation_accept(invitation=invitation, user=request.user)
            except ActionRefused as refused:
                return _invitation_problem_page(request, invitation, refused.message, status=409)
            messages.success(request, _("Welcome to %(team)s.") % {"team": membership.team.name})
            return _team_entry(membership)
        return render(request, "tenancy/invitation_accept.html", {"invitation": invitation})

    if selectors.account_exists(email=invitation.email):
        # In the account's language, as its mail was, unless this browser chose one.
        language = selectors.account_language(email=invitation.email)
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return render(request, "tenancy/invitation_sign_in.html", {"invitation": invitation})

    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user, membership = services.invitation_accept_with_new_account(
                invitation=invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except ActionRefused as refused:
            # Used meanwhile: by this form's first send, when a double tap's two ran at once (the
            # second waited for the first, services.invitation_accept_with_new_account).
            if (again := _new_account_sent_again(request, selectors.invitation_by_token(token=token))) is not None:
                return again
            add_refusal(form, refused)
        else:
            return _sign_in_new_member(request, user, membership)
    return render(
        request,
        "tenancy/invitation_new_account.html",
        {"invitation": invitation, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _invitation_problem_page(request, invitation, problem, *, status):
    """Why the invitation cannot be used, with its team and who sent it (nothing of an unknown
    link's), and, signed out, "Sign in" where that leads somewhere: not for a newcomer whose
    invitation expired or was withdrawn, who has no account to sign in with."""
    offer_sign_in = (
        invitation is None or invitation.accepted_at is not None or selectors.account_exists(email=invitation.email)
    )
    return render(
        request,
        "tenancy/invitation_problem.html",
        {"problem": problem, "invitation": invitation, "offer_sign_in": offer_sign_in},
        status=status,
    )


def _sign_in_new_member(request, user, membership):
    """Signed in by the password just chosen (or given again: _new_account_sent_again), through
    allauth's login flow, into the team."""
    record_authentication(request, user, method="password", email=user.email)
    messages.success(request, _("Welcome to %(team)s.") % {"team": membership.team.name})
    return perform_login(
        request,
        user,
        email_verification="none",
        # (Also where the recovery codes' "Continue" leads, after the second factor: the
        # middleware keeps the page it was asked for, tenancy.second_factor.)
        redirect_url=_team_entry(membership).url,
    )


def _new_account_sent_again(request, invitation):
    """The new-account form sent again: a double tap without JavaScript. The first send made the
    account, joined and signed in; the browser shows the second's answer and dropped the first's,
    with its session cookie, and the newcomer was left signed out on "Deze uitnodiging is al
    gebruikt". A second send by the account this invitation made (a few minutes ago at most), with
    its name and a password that signs it in, checked as the sign-in page checks it (its rate limits,
    shared), goes on as the first did: allauth's login flow, which asks for a second factor the
    account has by now. Anything else: None, and the invitation is used."""
    if request.method != "POST" or request.user.is_authenticated:
        return None
    user = selectors.invitation_new_account(invitation=invitation)
    if user is None:
        return None
    form = NewAccountForm(request.POST, email=invitation.email)
    if not form.is_valid() or form.cleaned_data["name"] != user.name:
        return None
    if not password_signs_in(request, user=user, password=form.cleaned_data["password1"]):
        return None
    membership = selectors.user_memberships(user=user).filter(team_id=invitation.team_id).first()
    if membership is None:
        return None
    return _sign_in_new_member(request, user, membership)


def _team_entry(membership):
    """Into the team the invitation let someone in, where their role may go: an external party
    only reads the team's agreements, and its team home is a 404 (Membership.home_url_name)."""
    return redirect(membership.home_url_name, team_slug=membership.team.slug)
