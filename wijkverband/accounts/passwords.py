"""Password rules of our own, beside Django's (AUTH_PASSWORD_VALIDATORS in config/settings.py)."""

import re
from difflib import SequenceMatcher

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: A part of the name or the address this long or longer is refused anywhere in a password.
SHORTEST_PART = 4


def _parts(value: str) -> list[str]:
    """The words of a name or of an address's part before the "@" (split at anything not a letter)."""
    return [part for part in re.split(r"[\W\d_]+", value) if part]


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Django's, which compares the password with each attribute, each of its words and the whole:
    for an address that is "nurse", "nieuw", "example", "nl" and "nurse.nieuw@example.nl", so
    `nurse.nieuw1` slipped through (0.65 alike to the whole address, the bound is 0.7). The part
    before the "@", as a whole, is compared too. And a password that holds the part before the
    "@", or a word of it or of the name, of four letters or more, is refused however long it is
    ("physio-2026-x" for physio@…: too long to be alike by Django's measure)."""

    #: Says whose: Django's "the name" / "the e-mail address" read as anyone's.
    refusals = {
        "name": _("The password is too similar to your name."),
        "email": _("The password is too similar to your e-mail address."),
    }

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        values = {
            attribute: value.lower()
            for attribute in self.user_attributes
            if isinstance(value := getattr(user, attribute, None), str) and value
        }
        # Alike first, as Django does, then holding a part: "nurse.nieuw1" is like the address
        # nurse.nieuw@… before it holds "nieuw" of the name Noor Nieuw.
        for test in (self._alike, self._holds_a_part):
            for attribute, value in values.items():
                if test(lowered, attribute, value):
                    raise ValidationError(self._refusal(user, attribute), code="password_too_similar")

    def _holds_a_part(self, password: str, attribute: str, value: str) -> bool:
        if attribute == "email":
            local = value.rpartition("@")[0]
            parts = [local, *_parts(local)]
        else:
            parts = _parts(value)
        return any(len(part) >= SHORTEST_PART and part in password for part in parts)

    def _alike(self, password: str, attribute: str, value: str) -> bool:
        parts = [*re.split(r"\W+", value), value]  # Django's
        if attribute == "email" and "@" in value:
            parts.append(value.rpartition("@")[0])
        for part in parts:
            if password_validation.exceeds_maximum_length_ratio(password, self.max_similarity, part):
                continue
            if SequenceMatcher(a=password, b=part).quick_ratio() >= self.max_similarity:
                return True
        return False

    def _refusal(self, user, attribute: str):
        if attribute in self.refusals:
            return self.refusals[attribute]
        try:
            verbose_name = str(user._meta.get_field(attribute).verbose_name)
        except Exception:  # noqa: BLE001 - an attribute that is no field: named as it is
            verbose_name = attribute
        return self.get_error_message() % {"verbose_name": verbose_name}

    def get_help_text(self):
        return _("Your password can’t be like your name or e-mail address.")


#: The most used Dutch passwords and the words they are made of (lower case, letters only): Django's
#: list (CommonPasswordValidator) is English, and "wachtwoord123" passed. A word here is refused
#: with digits or signs before or after it ("Welkom2026!", "zomer2025") and with the usual letters
#: for digits ("W@chtw00rd"). Kept short on purpose: the words that lists of leaked Dutch passwords
#: start with, and the product's own name.
DUTCH_COMMON = frozenset(
    """
    wachtwoord wachtwoordje paswoord password welkom welkomwelkom geheim geheimpje hallo hallohallo
    hoihoi doei doeidoei wijkverband wijkteam utrechtoost zorg zorgverlener huisarts thuiszorg
    wijkverpleging fysio fysiotherapie praktijk kantoor werk collega
    zomer winter lente herfst voorjaar najaar januari februari maart april mei juni juli augustus
    september oktober november december maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    voetbal voetballen ajax feyenoord psv utrecht fcutrecht amsterdam rotterdam denhaag eindhoven
    groningen nederland holland oranje hollandia
    liefde schatje schat lieverd prinses prinsesje engel engeltje snoepje mijnschat ikhouvanjou
    hondje poesje konijn paard paardje vakantie familie kinderen zonnetje zonneschijn regenboog
    vlinder bloem tulp fiets kaas koffie pannenkoek stroopwafel friet bitterballen
    azerty azertyuiop qwerty qwertyuiop asdfgh
    """.split()
)

#: Signs often typed for letters; used only inside the word, after the digits around it are gone.
_LETTERS_FOR = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "0": "o", "5": "s", "$": "s", "7": "t"})


def dutch_stem(password: str) -> str:
    """The word a password is made of: lower case, without digits and signs before and after it,
    signs inside read as the letters they stand for, and then letters only."""
    lowered = password.lower().strip()
    inner = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered)
    return re.sub(r"[\W\d_]+", "", inner.translate(_LETTERS_FOR))


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of common passwords, and a short one of Dutch ones (DUTCH_COMMON)."""

    def validate(self, password, user=None):
        super().validate(password, user)
        stem = dutch_stem(password)
        if stem in DUTCH_COMMON or _repeats_a_common_word(stem):
            raise ValidationError(self.get_error_message(), code="password_too_common")


def _repeats_a_common_word(stem: str) -> bool:
    """ "welkomwelkom", "zomerzomer": a common word twice is as easily guessed as once."""
    for size in range(1, len(stem) // 2 + 1):
        if len(stem) % size == 0 and stem[:size] * (len(stem) // size) == stem:
            return stem[:size] in DUTCH_COMMON
    return False
