import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.threads.services import MAX_BODY_CHARS, MAX_TITLE_LENGTH


class ThreadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=MAX_TITLE_LENGTH, help_text=_("For example Algemeen or Medicatieoverdracht.")
    )
    open_to_representatives = forms.BooleanField(label=_("Client representatives may read this thread"), required=False)


def _box(*, rows: int) -> dict:
    """A message box's attributes: its text's own direction (Arabic, Hebrew right to left)."""
    return {"rows": rows, "class": "utrecht-textarea utrecht-textarea--html-textarea", "dir": "auto"}


# An empty box, in the words of the live composer (threads.js) and the service: one problem, one wording.
EMPTY = {"required": _("Write a message first.")}


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs=_box(rows=4)),
        error_messages=EMPTY,
        # The handles are the same in every language (threads.mentions): @apotheek is a Dutch word, and
        # the help names them as the composer's suggestions insert them (@coördinator, @iedereen).
        help_text=_(
            "Markdown: **bold**, *italic*, lists. Mention people with @name, a kind of organisation such as "
            "@apotheek (pharmacy), the coordinators with @coördinator or everyone with @iedereen."
        ),
        strip=False,
    )
    asks_ack = forms.BooleanField(label=_("Ask for confirmation"), required=False)
    # Made when the form is shown: sending the same form twice (a double click, a reload) posts once.
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["data-max-chars"] = str(MAX_BODY_CHARS)
        # Shown in the empty box: on a phone with its keyboard open the label is read, not shown
        # (threads.css), and the box still says what it is for.
        self.fields["body"].widget.attrs["placeholder"] = _("Write a message…")


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs=_box(rows=6)),
        error_messages=EMPTY,
        strip=False,
    )


class RedactForm(forms.Form):
    body = forms.CharField(
        label=_("The message without client data"),
        widget=forms.Textarea(attrs=_box(rows=6)),
        strip=False,
        help_text=_("This text replaces the message. Numbers that look like a BSN are already blotted out."),
    )
    reason = forms.CharField(
        label=_("Why the text is removed"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}),
        help_text=_("For the audit log, such as “it held a BSN”. Do not repeat the client data."),
    )
