"""Signing out closes that session's live sockets on every worker, at once."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from wijkverband.realtime import codes, publish


@receiver(user_logged_out, dispatch_uid="wijkverband.realtime.close_sockets_on_logout")
def close_sockets_on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    publish.user_sockets_close(user_id=user.pk, code=codes.SIGNED_OUT, session_key=session_key)
