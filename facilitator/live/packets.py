"""How the server writes Socket.IO packets: JSON, with parts encoded once and reused.

After a restart every phone asks for a snapshot at once, and each snapshot carries the
whole room (every public question). python-socketio would walk that payload twice per
phone — once looking for binary attachments, once to encode it — although the room part
is the same for all of them. So:

- The app never sends binary, so packets skip the search for it (`uses_binary_events`).
- A value that is already JSON (`RawJSON`, such as the cached room part of a snapshot) is
  written as it is: encoded once per build, not once per phone.

Incoming packets are decoded as python-socketio always does.
"""

import json
import secrets

from socketio.packet import Packet


class RawJSON:
    """A value already encoded as JSON, written into a packet unchanged."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __reduce__(self):  # pickled by a message queue like any other value
        return (RawJSON, (self.text,))


def object_json(head: str, **more) -> RawJSON:
    """A JSON object made of `head` (an encoded object without its closing brace, from
    `object_head`) and the keys in `more`, which must not repeat its keys."""
    if not more:
        return RawJSON(head + "}")
    tail = json.dumps(more, separators=(",", ":"), ensure_ascii=False)
    return RawJSON(head + ("," if head != "{" else "") + tail[1:])


def object_head(value: dict) -> str:
    """`value` encoded as JSON without its closing brace, for `object_json`."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)[:-1]


class _Json:
    """The `json` python-socketio encodes with: the standard library's, plus `RawJSON`."""

    loads = staticmethod(json.loads)

    @staticmethod
    def dumps(data, **kwargs) -> str:
        raws: list[str] = []
        # A marker no text can hold: a fresh nonce per packet, between NULs (escaped).
        nonce = secrets.token_hex(8)

        def default(value):
            if isinstance(value, RawJSON):
                raws.append(value.text)
                return f"\x00{nonce}{len(raws) - 1}\x00"
            raise TypeError(f"{type(value).__name__} is not JSON serialisable")

        encoded = json.dumps(data, default=default, **kwargs)
        for n, text in enumerate(raws):
            encoded = encoded.replace(f'"\\u0000{nonce}{n}\\u0000"', text, 1)
        return encoded


class AppPacket(Packet):
    """The app's packets: never binary, and `RawJSON` written as it is."""

    uses_binary_events = False
    json = _Json
