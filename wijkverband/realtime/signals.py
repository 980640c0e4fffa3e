"""Sockets that must close when the account behind them changes (see lifecycle.py for the rest).

- Signing out closes that session's live sockets on every worker, at once.
- A new password ends every session of the account (Django checks a hash of the password in each
  session; ours also signs out the session that changed it), so every socket closes as signed out.
- A deactivated account is signed out everywhere.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from wijkverband.realtime import codes, lifecycle, publish


@receiver(user_logged_out, dispatch_uid="wijkverband.realtime.close_sockets_on_logout")
def close_sockets_on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    publish.user_sockets_close(user_id=user.pk, code=codes.SIGNED_OUT, session_key=session_key)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="wijkverband.realtime.close_sockets_on_account")
def close_sockets_on_password_or_deactivation(sender, instance, created, **kwargs):
    if created:
        return
    # set_password() keeps the new raw password in _password until the save completes.
    password_changed = getattr(instance, "_password", None) is not None
    if not instance.is_active:
        lifecycle.user_signed_out_on_commit(instance.pk)
    elif password_changed:  # said on the page: "Je wachtwoord is gewijzigd, daarom ben je hier afgemeld."
        lifecycle.user_signed_out_on_commit(instance.pk, reason=codes.SIGNED_OUT_PASSWORD_CHANGED)
