"""Every model, imported once so migrations and `db.create_all` see the whole schema."""

from .accounts.models import LoginSession, User  # noqa: F401
from .api.models import ApiToken  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .contributions.models import Contribution, Stance, Vote  # noqa: F401
from .decisions.models import Decision, Measure, ReportVersion  # noqa: F401
from .dialogues.models import AgendaItem, Dialogue, Reflection  # noqa: F401
from .followups.models import Evidence, FollowUpEvent, FollowUpItem, ReviewLink  # noqa: F401
from .library.models import SharedExample  # noqa: F401
from .meetings.models import ItemTiming, Meeting, Poll  # noqa: F401
from .minutes.models import Minutes  # noqa: F401
from .organizations.models import Organization  # noqa: F401
from .participants.models import Participant  # noqa: F401
from .retention.models import PurgeLog  # noqa: F401
from .themes.models import Theme  # noqa: F401
