"""Entry point for gunicorn: `gunicorn -k gevent -w 1 wsgi:app`."""

from gevent import monkey

monkey.patch_all()

from facilitator import create_app  # noqa: E402

app = create_app()
