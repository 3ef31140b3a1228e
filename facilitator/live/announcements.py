"""Who hears of a contribution, recorded on the unit of work: facilitators always, its author
on their phone, the room only of what it may see (each `change` with the dialogue's next seq)."""

from ..contributions.models import Contribution, ContributionStatus
from ..participants.services import display_name
from . import broadcast, tallies, views


def announce_contribution(contribution: Contribution, created: bool = True) -> None:
    """Record who hears of the item once it is stored: facilitators always; the room only of
    what it may see (with the dialogue's next seq, in this transaction)."""
    by = display_name(contribution.participant) if contribution.participant else ""
    private = views.contribution(contribution, by, private=True)
    broadcast.to_facilitators(contribution.dialogue_id, "contribution", private)
    if contribution.participant_id:
        broadcast.to_participant(contribution.participant_id, "contribution", private)
    if is_public(contribution):
        publish_contribution(contribution, by, votes=0 if created else None)


def is_public(c: Contribution) -> bool:
    return (c.status == ContributionStatus.APPROVED and not c.personal_data_flag
            and c.merged_into_id is None)


def publish_contribution(c: Contribution, by: str | None = None,
                         votes: int | None = None) -> None:
    if by is None:
        by = display_name(c.participant) if c.participant else ""
    if votes is None:  # an item just submitted has none: not counted
        votes = tallies.vote_counts([c.id]).get(c.id, 0)
    broadcast.change(c.dialogue_id, "contribution", views.contribution(c, by, votes))


def withdraw(c: Contribution) -> None:
    broadcast.change(c.dialogue_id, "removed", {"id": c.id})
