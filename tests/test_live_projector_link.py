"""A new projector link locks the old screen out at once, not only at its next event."""

import pytest
from helpers_live import events, new_meeting


@pytest.fixture
def meeting(app, socket_client):
    return new_meeting(app, socket_client)


def test_rotating_the_projector_link_drops_the_connected_projector(meeting):
    old = meeting.projector_socket()
    assert old.is_connected()
    phone = meeting.phone()

    meeting.projector_token()  # the facilitator makes a new link

    assert not old.is_connected()
    # The old link no longer opens a connection; the phone in the same meeting is unaffected.
    again = meeting.projector_socket(token=old.token)
    assert not again.is_connected()
    assert phone.is_connected()
    assert events(phone, "session_ended") == []
