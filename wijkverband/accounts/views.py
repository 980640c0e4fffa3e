"""The language switch, which also remembers the choice for what is written to the person outside a
page (notice mails and digests: wijkverband.work.services.mail and digests), and the page for
one's own name (the other account pages are allauth's)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.i18n import set_language

from wijkverband.accounts.forms import NameForm
from wijkverband.accounts.services import user_language_set, user_name_set
from wijkverband.core.errors import ActionRefused, add_refusal


def language_set(request):
    """Django's set_language (the cookie, and back to the page), and for someone signed in, their
    choice on their account."""
    response = set_language(request)
    user = getattr(request, "user", None)
    if request.method == "POST" and user is not None and user.is_authenticated:
        user_language_set(user=user, language=request.POST.get("language", ""))
    return response


@login_required
def account_name(request):
    """Your name, as your colleagues see it: a typo made at the invitation is put right here."""
    form = NameForm(request.POST or None, initial={"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        try:
            changed = user_name_set(actor=request.user, name=form.cleaned_data["name"])
        except ActionRefused as refused:
            add_refusal(form, refused)
        else:
            if changed:
                flash.success(request, _("Your name is now %(name)s.") % {"name": request.user.name})
            return redirect("account_name")
    return render(request, "account/name.html", {"form": form}, status=400 if request.method == "POST" else 200)
