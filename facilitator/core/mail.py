"""Mail without a server: with MAIL_SERVER unset, Flask-Mailman hands each mail to this backend,
which writes it to the log, so a development machine shows what would have been sent."""

import logging

from flask_mailman.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)


class EmailBackend(BaseEmailBackend):
    """Writes every mail to the log (a warning: nothing was sent) instead of sending it."""

    def send_messages(self, messages) -> int:
        for message in messages:
            log.warning("MAIL_SERVER is not set; the mail is logged instead:\n"
                        "To: %s\nSubject: %s\n\n%s", ", ".join(message.to), message.subject,
                        message.body)
        return len(messages)
