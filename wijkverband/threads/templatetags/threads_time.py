from django import template

from wijkverband.core.days import day_label
from wijkverband.threads.times import message_clock, message_day, message_time_label

register = template.Library()


@register.filter
def message_time(moment):
    """{{ message.created_at|message_time }}: "vandaag 17:44" (wijkverband.threads.times)."""
    return message_time_label(moment) if moment else ""


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
