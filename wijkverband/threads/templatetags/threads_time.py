from django import template

from wijkverband.threads.times import message_time_label

register = template.Library()


@register.filter
def message_time(moment):
    """{{ message.created_at|message_time }}: "vandaag 17:44" (wijkverband.threads.times)."""
    return message_time_label(moment) if moment else ""
