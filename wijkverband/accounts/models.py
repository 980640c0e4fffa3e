from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


def normalise_email(email: str) -> str:
    """One spelling per address: invitations and sign-in compare e-mail case-insensitively."""
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A person. One identity across every team and region they serve."""

    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {
        "password": "a hash, written by Django",
        "email": "the address the person signs in with, not free text",
        "language": "a language code from settings.LANGUAGES, set by the language switch",
    }

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    #: The language last chosen with the switch, for what is written to the person outside a page
    #: (notice mails, digests). Empty: never chosen, the product's first language.
    language = models.CharField(_("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES)
    #: When the person last left a team or was removed from one (tenancy.services.membership_remove):
    #: someone in no team any more is told "no longer", not "not yet".
    left_team_at = models.DateTimeField(_("last left a team"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Session(AbstractBaseSession):
    """Django's database session, with the person it signs in beside the data.

    `user_id` is written from the session's data on every save (accounts.sessions.SessionStore), so
    a page and a socket's handshake read the session and its person in one query instead of two
    (accounts.sessions.session_and_user). It is a copy for reading, never trusted on its own: the
    reader uses it only when it names the person the signed data names. Deleting an account deletes
    its sessions.
    """

    CLIENT_DATA_EXEMPT = {
        "session_key": "a random key, made by Django",
        "session_data": "signed session data, written by Django and allauth",
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from wijkverband.accounts.sessions import SessionStore

        return SessionStore
