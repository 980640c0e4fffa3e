from django import template
from django.utils.html import format_html

from wijkverband.core.days import local_day
from wijkverband.threads.times import message_time_label, message_time_parts

register = template.Library()


@register.filter
def message_time(moment):
    """{{ message.created_at|message_time }}: "vandaag 17:44" (wijkverband.threads.times)."""
    return message_time_label(moment) if moment else ""


@register.filter
def message_time_shown(moment):
    """{{ message.created_at|message_time_shown }}: the clock time shown, the day around it for a
    screen reader only: <span class="wv-visually-hidden">vandaag </span>17:44 (times.message_time_parts)."""
    if not moment:
        return ""
    before, at, after = message_time_parts(moment)
    hidden = '<span class="wv-visually-hidden">{}</span>'
    return format_html(
        "{}{}{}", format_html(hidden, before) if before else "", at, format_html(hidden, after) if after else ""
    )


@register.filter(name="message_day")
def message_day_filter(moment):
    """{{ message.created_at|message_day }}: the Amsterdam day it was written (a date; core.days).
    The day's heading and a continued message's clock are core's filters: day_label, clock."""
    return local_day(moment) if moment else None
