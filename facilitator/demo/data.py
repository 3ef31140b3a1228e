"""Demo dialogues drawn from the two source articles (filled in with the dialogue feature)."""


def load() -> None:
    """Create the demo dialogues if they are not there yet."""


def summary() -> list[str]:
    """Lines to print after loading: the dialogues and their join codes."""
    return []
