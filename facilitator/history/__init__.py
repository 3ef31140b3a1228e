"""A board's history from one supervision to the next: every dialogue it took part in, its
deficiencies by theme, how their follow-up ended, and the recurring deficiencies offered when
the next dialogue is prepared."""

from flask import Flask

from . import routes, services


def init_app(app: Flask) -> None:
    app.register_blueprint(routes.bp)
    # The reflections page shows the offer without the dialogues feature importing this one.
    app.jinja_env.globals["recurring_deficiencies"] = services.recurring_for_page
