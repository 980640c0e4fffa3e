"""Password rules of our own, beside Django's (AUTH_PASSWORD_VALIDATORS in config/settings.py)."""

from difflib import SequenceMatcher

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Django's, which compares the password with each attribute, each of its words and the whole:
    for an address that is "nurse", "nieuw", "example", "nl" and "nurse.nieuw@example.nl", so
    `nurse.nieuw1` slipped through (0.65 alike to the whole address, the bound is 0.7). The part
    before the "@", as a whole, is compared too."""

    def validate(self, password, user=None):
        super().validate(password, user)
        email = getattr(user, "email", None) if user is not None else None
        if "email" not in self.user_attributes or not isinstance(email, str) or "@" not in email:
            return
        local = email.lower().rpartition("@")[0]
        password = password.lower()
        if password_validation.exceeds_maximum_length_ratio(password, self.max_similarity, local):
            return
        if SequenceMatcher(a=password, b=local).quick_ratio() >= self.max_similarity:
            raise ValidationError(
                self.get_error_message(),
                code="password_too_similar",
                params={"verbose_name": str(user._meta.get_field("email").verbose_name)},
            )
