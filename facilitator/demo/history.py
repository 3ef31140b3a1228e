"""Gnesta's earlier supervisions for the demo: 2016 (after complaints) and 2019 (IVO's own
supervision, the dialogue meeting of 9 May 2019), both over, with their stances and follow-up.

"för att kunna kontrollera om nämnden kommit tillrätta med tidigare brister": the child's
view (barnets inställning) is a deficiency in both, so the next dialogue is offered it as a
recurring deficiency, and the board's history shows how the 2016 measure ended.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..accounts.models import User
from ..contributions.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Phase,
    Stance,
    StanceValue,
)
from ..core.clock import local_to_utc
from ..dialogues.models import (
    Dialogue,
    DialogueStatus,
    ParticipationMode,
    Reflection,
    ReflectionKind,
)
from ..extensions import db
from ..followups.models import FollowUpEvent, FollowUpItem, FollowUpStatus, SourceKind
from ..library import search
from ..library.models import SharedExample
from ..organizations.models import Organization
from ..participants.models import Participant, Role
from ..themes.models import Theme

CHILD = "Barnets inställning och barnets röst"
FOURTEEN = "Förhandsbedömning inom 14 dagar"
OPENING = "Inledande av utredning"
DOCS = "Dokumentation"

A, P, D = StanceValue.AGREE, StanceValue.PARTLY, StanceValue.DISAGREE
SOC, CHEF, POL = Role.SOCIALSEKRETERARE, Role.CHEF, Role.POLITIKER


@dataclass(frozen=True)
class PastReflection:
    key: str
    kind: ReflectionKind
    title: str
    body_md: str
    legal_basis: str
    evidence: str
    themes: tuple[str, ...]
    #: Stances per role, in the order of the room's participants of that role.
    stances: dict


@dataclass(frozen=True)
class PastItem:
    reflection: str
    title: str
    responsible_role: str
    due: date
    #: (status, day, comment) in order; the first is the day it was agreed.
    steps: tuple


@dataclass(frozen=True)
class PastDialogue:
    title: str
    purpose: str
    when: datetime  # local time
    closed: date
    status: DialogueStatus
    room: dict  # role -> how many took part
    reflections: tuple[PastReflection, ...]
    items: tuple[PastItem, ...]
    good_examples: tuple[tuple[str, str], ...] = ()  # (reflection key, text)


GNESTA_2016 = PastDialogue(
    title="Återföring efter klagomål 2016: handläggningen av barn- och ungdomsärenden",
    purpose=(
        "IVO återför vad granskningen av klagomålen under 2016 visade om socialnämndens "
        "handläggning av ärenden om barn och unga, och nämnden och IVO kommer överens om "
        "vad som ska åtgärdas."
    ),
    when=datetime(2016, 11, 15, 9, 0),
    closed=date(2016, 11, 15),
    status=DialogueStatus.ARCHIVED,
    room={SOC: 3, CHEF: 2, POL: 3},
    reflections=(
        PastReflection(
            key="barnets-installning-2016",
            kind=ReflectionKind.DEFICIENCY,
            title="Barnets inställning framgår inte av utredningarna",
            body_md=(
                "I de utredningar som klagomålen gällde framgår det inte att barnet har fått "
                "komma till tals, eller varför det inte har skett. Barnets inställning till "
                "insatserna är inte dokumenterad."
            ),
            legal_basis="SoL 11 kap. 10 §; 1 kap. 2 §",
            evidence="Brist i 3 av 4 granskade utredningar",
            themes=(CHILD, DOCS),
            stances={SOC: (A, A, A), CHEF: (A, A), POL: (A, P, A)},
        ),
        PastReflection(
            key="fjorton-dagar-2016",
            kind=ReflectionKind.DEFICIENCY,
            title="Förhandsbedömningar blir inte klara inom 14 dagar",
            body_md=(
                "Beslut om att inleda eller inte inleda utredning fattades i flera ärenden "
                "efter mer än 14 dagar, utan att skälen för att förlänga tiden framgick."
            ),
            legal_basis="SoL 11 kap. 1 a §",
            evidence="Tidsgränsen överskreds i 2 av 5 granskade förhandsbedömningar",
            themes=(FOURTEEN,),
            stances={SOC: (A, P, A), CHEF: (A, A), POL: (P, A, D)},
        ),
    ),
    items=(
        PastItem(
            reflection="barnets-installning-2016",
            title="Rutin för att inhämta och dokumentera barnets inställning i utredningar",
            responsible_role="Enhetschef barn och unga",
            due=date(2017, 3, 31),
            steps=(
                (FollowUpStatus.AGREED, date(2016, 11, 15), ""),
                (FollowUpStatus.IN_PROGRESS, date(2016, 12, 20),
                 "Arbetsgruppen har börjat skriva rutinen."),
                (FollowUpStatus.DONE, date(2017, 3, 28),
                 "Rutinen är beslutad och införd; alla socialsekreterare har fått genomgång."),
            ),
        ),
        PastItem(
            reflection="fjorton-dagar-2016",
            title="Veckovis bevakning av tidsgränsen för förhandsbedömningar",
            responsible_role="Arbetsledare mottagningen",
            due=date(2017, 1, 31),
            steps=(
                (FollowUpStatus.AGREED, date(2016, 11, 15), ""),
                (FollowUpStatus.DONE, date(2017, 1, 24),
                 "Bevakningslistan gås igenom varje måndag."),
            ),
        ),
    ),
)

GNESTA_2019 = PastDialogue(
    title="Dialogmöte 2019 efter IVO:s egeninitierade tillsyn av barn- och ungdomsärenden",
    purpose=(
        "IVO återför vad den egeninitierade tillsynen från 2018 har visat, för att kontrollera "
        "om nämnden har kommit tillrätta med tidigare brister. Socialsekreterare, chefer och "
        "politiker deltar."
    ),
    when=datetime(2019, 5, 9, 9, 0),
    closed=date(2019, 5, 9),
    status=DialogueStatus.CLOSED,
    room={SOC: 3, CHEF: 3, POL: 3},
    reflections=(
        PastReflection(
            key="barnets-installning-2019",
            kind=ReflectionKind.DEFICIENCY,
            title="Barnets inställning till beslut och insatser inhämtas inte",
            body_md=(
                "I flera utredningar har nämnden inte inhämtat barnets inställning till "
                "utredningens beslut, förslaget till insatser och om insatserna kan "
                "tillgodose barnets behov. IVO vill att barnperspektivet och "
                "barnrättsperspektivet följs bättre."
            ),
            legal_basis="SoL 11 kap. 10 §; 1 kap. 2 §; barnkonventionen artikel 12",
            evidence="Brist i flera av de 6 granskade utredningarna",
            themes=(CHILD,),
            stances={SOC: (A, A, A), CHEF: (A, A, P), POL: (A, P, A)},
        ),
        PastReflection(
            key="uteblir-2019",
            kind=ReflectionKind.CONCERN,
            title="Utredning inleds inte när föräldrar eller unga uteblir från samtal",
            body_md=(
                "Nämnden inleder inte längre per automatik utredning inom två veckor när "
                "föräldrar eller ungdomar inte kommer på inbokade samtal. IVO har "
                "uppfattningen att nämnden drar sig för att inleda utredning."
            ),
            legal_basis="SoL 11 kap. 1 §; 11 kap. 1 a §",
            evidence="Iakttaget i flera av de 10 granskade förhandsbedömningarna",
            themes=(OPENING, FOURTEEN),
            stances={SOC: (A, A, P), CHEF: (P, P, D), POL: (D, D, D)},
        ),
    ),
    items=(
        PastItem(
            reflection="barnets-installning-2019",
            title="Barnets inställning dokumenteras i varje utredning, eller varför den saknas",
            responsible_role="Enhetschef barn och unga",
            due=date(2019, 12, 31),
            steps=(
                (FollowUpStatus.AGREED, date(2019, 5, 9), ""),
                (FollowUpStatus.IN_PROGRESS, date(2019, 9, 2),
                 "Mallen för utredningar har fått en obligatorisk rubrik om barnets "
                 "inställning."),
            ),
        ),
        PastItem(
            reflection="uteblir-2019",
            title="Riktlinje för när utredning inleds trots uteblivna samtal",
            responsible_role="Socialchef",
            due=date(2019, 10, 31),
            steps=(
                (FollowUpStatus.AGREED, date(2019, 5, 9), ""),
                (FollowUpStatus.DONE, date(2019, 10, 15),
                 "Riktlinjen är antagen av socialnämnden."),
            ),
        ),
    ),
    good_examples=(
        ("barnets-installning-2019",
         "Vi har en samtalsmall för barnsamtal i utredningar som också fungerar för yngre "
         "barn, och vi dokumenterar alltid varför ett samtal inte blev av."),
    ),
)

PAST = (GNESTA_2016, GNESTA_2019)
GNESTA_BOARD = "Socialnämnden i Gnesta kommun"


def _utc(local: datetime) -> datetime:
    return local_to_utc(local)


def _day(value: date, hour: int = 12) -> datetime:
    return _utc(datetime.combine(value, datetime.min.time()).replace(hour=hour))


def load(facilitator: User, board: Organization) -> int:
    """Create the past Gnesta dialogues that are missing; return how many were created."""
    created = 0
    for spec in PAST:
        if db.session.scalar(select(Dialogue.id).where(Dialogue.title == spec.title)):
            continue
        _create(spec, facilitator, board)
        created += 1
    return created


def _create(spec: PastDialogue, facilitator: User, board: Organization) -> Dialogue:
    themes = {t.name: t for t in db.session.scalars(select(Theme))}
    starts = _utc(spec.when)
    closed = _day(spec.closed, 13)
    dialogue = Dialogue(
        title=spec.title, purpose=spec.purpose, starts_at=starts, duration_minutes=180,
        place_room="Sammanträdesrummet, kommunhuset", place_address="Västra Storgatan 15, Gnesta",
        status=spec.status, published_at=_day(spec.closed.replace(day=1), 9), started_at=starts,
        closed_at=closed, archived_at=closed if spec.status == DialogueStatus.ARCHIVED else None,
        join_code=None, premoderation=True, participation_mode=ParticipationMode.PSEUDONYMOUS,
        show_board_results=False, created_by_id=facilitator.id, organizations=[board],
        facilitators=[facilitator], created_at=starts, seq=1,
    )
    reflections = {}
    for position, r in enumerate(spec.reflections):
        reflections[r.key] = Reflection(
            kind=r.kind, title=r.title, body_md=r.body_md, legal_basis=r.legal_basis,
            evidence=r.evidence, applies_to_all=True, position=position,
            themes=[themes[name] for name in r.themes if name in themes],
        )
    dialogue.reflections = list(reflections.values())
    db.session.add(dialogue)
    db.session.flush()

    people = {role: [Participant(dialogue_id=dialogue.id, organization_id=board.id, role=role,
                                 created_at=starts, last_seen_at=starts)
                     for _ in range(n)] for role, n in spec.room.items()}
    db.session.add_all(p for group in people.values() for p in group)
    db.session.flush()
    for r in spec.reflections:
        for role, values in r.stances.items():
            for participant, value in zip(people[role], values, strict=True):
                db.session.add(Stance(dialogue_id=dialogue.id,
                                      reflection_id=reflections[r.key].id,
                                      participant_id=participant.id, value=value,
                                      phase=Phase.LIVE, updated_at=starts))
    for n, (key, text) in enumerate(spec.good_examples):
        example = Contribution(
            client_id=f"demo-{dialogue.id}-example-{n}", dialogue_id=dialogue.id,
            participant_id=people[SOC][0].id, kind=ContributionKind.GOOD_EXAMPLE, text=text,
            reflection_id=reflections[key].id, status=ContributionStatus.APPROVED,
            phase=Phase.LIVE, created_at=starts, updated_at=starts, share_consent=True)
        db.session.add(example)
        db.session.flush()
        # The board agreed when writing it and IVO approved it: it is in the library.
        db.session.add(SharedExample(contribution_id=example.id, organization_id=board.id,
                                     approved_by_id=facilitator.id, approved_at=closed))
        db.session.flush()
        search.index(example.id, text)
    for item_spec in spec.items:
        first, *_rest = item_spec.steps
        final = item_spec.steps[-1][0]
        item = FollowUpItem(
            dialogue_id=dialogue.id, title=item_spec.title, organization_id=board.id,
            responsible_role=item_spec.responsible_role, due_date=item_spec.due,
            source_kind=SourceKind.REFLECTION, source_id=reflections[item_spec.reflection].id,
            status=final, created_by_id=facilitator.id, created_at=_day(first[1], 12),
            updated_at=_day(item_spec.steps[-1][1], 12),
        )
        db.session.add(item)
        db.session.flush()
        before = None
        for status, day, comment in item_spec.steps:
            by_ivo = before is None
            db.session.add(FollowUpEvent(
                item_id=item.id, kind="created" if by_ivo else "status",
                from_status=before.value if before else None, to_status=status.value,
                comment=comment, changes={}, by_ivo=by_ivo,
                actor_user_id=facilitator.id if by_ivo else None,
                created_at=_day(day, 12)))
            before = status
    db.session.flush()
    return dialogue
