class ActionRefused(Exception):
    """A service refused a change; `message` is shown to the person and nothing was changed."""

    def __init__(self, message, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.code = code
