"""The meeting's state that features share: which agenda item runs and for how long, whether
intake is open, the stance polls. The transport that tells the room (sockets, snapshots,
broadcasts) is `live/`; this package never imports it."""
