class ActionRefused(Exception):
    """A service refused a change; `message` is shown to the person and nothing was changed.

    `field`: the name of the input the refusal is about (pages show the message at that field),
    or None for the change as a whole.
    """

    def __init__(self, message, code: str = "invalid", *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


def add_refusal(form, refused: ActionRefused, *, default: str | None = None) -> None:
    """Show a service's refusal on the form: at its field when the form has it, else at `default`
    (None: above the form). The person's input stays in the form. A refusal of client data at a
    field that words such a refusal itself (core.guard.field_refusal) shows in the field's words."""
    from wijkverband.core.guard import field_refusal, field_says_its_own_refusal  # the guard imports us

    field = refused.field if refused.field in form.fields else default
    message = refused.message
    findings = getattr(refused, "findings", ())
    if findings and field == refused.field and field_says_its_own_refusal(form.fields[field]):
        message = field_refusal(form.fields[field], findings)
    form.add_error(field, message)
