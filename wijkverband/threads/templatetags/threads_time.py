from django import template
from django.utils.html import format_html

from wijkverband.core.days import day_label
from wijkverband.threads.times import message_clock, message_day, message_time_label, message_time_parts

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


@register.filter(name="message_clock")
def message_clock_filter(moment):
    """{{ message.created_at|message_clock }}: "17:44" (wijkverband.threads.times)."""
    return message_clock(moment) if moment else ""


@register.filter(name="message_day")
def message_day_filter(moment):
    """{{ message.created_at|message_day }}: the Amsterdam day it was written (a date)."""
    return message_day(moment) if moment else None


@register.filter(name="day_label")
def day_label_filter(day):
    """{{ day|day_label }}: "Vandaag", "Gisteren" or "30 november 2026" (wijkverband.core.days)."""
    return day_label(day) if day else ""
