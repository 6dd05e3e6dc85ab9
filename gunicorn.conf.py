"""gunicorn's settings for seminar (read from the working directory by `gunicorn wsgi:app`)."""

import os

# `-w N` on the command line still wins; WEB_CONCURRENCY is gunicorn's own convention.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))


def on_starting(server):
    # The app sizes per-worker rate limits by the worker count (without Redis, each worker
    # counts on its own), so the workers learn it from the master, whatever set it.
    os.environ["SEMINAR_WORKERS"] = str(server.cfg.workers)
