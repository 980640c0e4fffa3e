from django import template
from django.forms import BaseForm, BaseFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from wijkverband.core import days, once
from wijkverband.core.listfilters import address_to_return_to
from wijkverband.core.registry import team_nav
from wijkverband.core.textsearch.query import MAX_LENGTH

register = template.Library()


@register.simple_tag
def search_max_length() -> int:
    """The header's search box's maxlength: the one limit of every search box (textsearch MAX_LENGTH)."""
    return MAX_LENGTH


@register.inclusion_tag("includes/team_nav.html", takes_context=True)
def team_navigation(context, team, current: str = "home"):
    """The tabs of a team's pages: home first, then what the feature apps registered."""
    # Only the tabs the person may open (an external party sees its agreements, nothing else).
    request = context.get("request")
    rights = getattr(request, "rights", None)

    def may(needs: str) -> bool:
        return rights is None or bool(getattr(rights, needs, False))

    items = []
    if may("can_view"):
        items.append({"key": "home", "label": None, "url": reverse("team_home", kwargs={"team_slug": team.slug})})
    items += [
        {"key": item.key, "label": item.label, "url": reverse(item.url_name, kwargs={"team_slug": team.slug})}
        for item in team_nav()
        if may(item.needs)
    ]
    current_item = next((item for item in items if item["key"] == current), None)
    if items == [current_item]:
        # One tab, the page's own (an external party's agreements): it said the heading again right
        # under it and led nowhere; the breadcrumb leads back from an agreement to the list.
        items = []
    return {"items": items, "current": current, "current_item": current_item, "team": team}


@register.simple_tag
def error_line(field, error) -> str:
    """An error summary's line: "<label>: <error>", or the error alone when it names the field
    already ("Naam lijkt cliëntgegevens te bevatten", under the label "Of voeg een nieuwe
    organisatie toe: naam", read "…: naam: Naam lijkt …")."""
    label, text = str(field.label or ""), str(error)
    names = {label.casefold(), label.rsplit(":", 1)[-1].strip().casefold()} - {""}
    if any(text.casefold().startswith(name) for name in names):
        return text
    return f"{label}: {text}" if label else text


def _has_errors(value) -> bool:
    """Whether a form or formset the view already checked has errors. Only checked ones
    (`_errors` is set by is_valid/errors): this never runs a form's validation itself."""
    if isinstance(value, BaseForm):
        return bool(getattr(value, "_errors", None))
    if isinstance(value, BaseFormSet):
        if getattr(value, "_errors", None) is None:
            return False
        return any(value._errors) or bool(value._non_form_errors)
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Error: " before the page's title when it shows a form that came back with errors (GOV.UK,
    NL Design System): without JavaScript nothing else says so when the page opens, the focus
    starts at the top. base.html's <title> is rendered before the form's error summary, so this
    looks at the forms the view handed the page (also in a dict or list, as action_forms). A page
    that refuses without a form's errors says it in its own title block, in the same words
    (lookup/lookup.html)."""
    for value in context.flatten().values():
        values = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else [value]
        if any(_has_errors(item) for item in values):
            return _("Error:") + " "
    return ""


@register.simple_tag
def sent_once_field() -> str:
    """The hidden token of a form that makes something (core.once): saved once, however often sent."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_token())


@register.simple_tag(takes_context=True)
def return_address(context) -> str:
    """Where a form on this page sends the person back (`next`): core.listfilters.address_to_return_to,
    never the whole address with whatever was put in its query."""
    request = context.get("request")
    return address_to_return_to(request) if request is not None else "/"


@register.simple_tag(takes_context=True)
def language_next(context) -> str:
    """The language form's `next`: the view's `language_next` when it gives one (a list that
    refused its filters), else core.listfilters.address_to_return_to."""
    if context.get("language_next"):
        return context["language_next"]
    return return_address(context)


@register.filter
def clock(moment) -> str:
    """{{ notice.created_at|clock }}: "17:44" in Amsterdam, under its day's heading (core.days)."""
    return days.clock(moment) if moment else ""


@register.filter
def day_label(day) -> str:
    """{{ day|day_label }}: "Vandaag", "Gisteren" or "30 november 2026" (core.days)."""
    return days.day_label(day) if day else ""
