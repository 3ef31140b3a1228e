"""IVO's decision after the supervision (beslut): its date, diarienummer, the deadline for the
boards' redovisning and the deficiencies it requires measures for; each board's measures; and
the redovisning submitted as fixed versions that IVO acknowledges or asks additions to."""

from flask import Flask

from ..core.templating import register_labels
from . import hooks, models, routes, services  # noqa: F401


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    register_labels(app, measure_kinds=models.KIND_LABELS,
                    measure_statuses=models.MEASURE_STATUS_LABELS,
                    report_statuses=models.REPORT_STATUS_LABELS)
    hooks.register()

    @app.context_processor
    def _decision_helpers():
        return {"has_decision": lambda dialogue: services.decision_for(dialogue) is not None}
