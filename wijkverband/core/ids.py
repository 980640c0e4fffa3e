"""The one parser for ids that come from input (URLs, form fields, WebSocket frames)."""

#: Ids fit a PostgreSQL bigint.
_MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A positive whole number from a URL, a form or a frame; None for anything else.

    Accepts an int (not a bool) or a string of digits, with surrounding spaces and one leading
    "#" (people write bottleneck numbers as "#12"). None means "no such object": callers answer
    it exactly like an id that does not exist.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= _MAX_ID else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("#"):
        text = text[1:]
    if not text.isdigit() or not text.isascii() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= _MAX_ID else None
