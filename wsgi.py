"""The WSGI entry point: `gunicorn -w 4 'wsgi:app'`; `flask` finds it from the repository root."""

from seminar import create_app

app = create_app()
