"""gunicorn settings for letters: ``gunicorn -c deploy/gunicorn.conf.py 'letters:create_app()'``.

Read by gunicorn, not imported by the app. Every value can be overridden on the command line.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("LETTERS_BIND", "127.0.0.1:8000")  # behind the reverse proxy
# Sync workers: the pages are short and CPU-bound. Two per core and one more, unless set.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60  # a large PDF pack or the letter-log CSV of a big registry
# No access log: it would record visitors' addresses, which this app never keeps. Errors only.
accesslog = None
errorlog = "-"
loglevel = "warning"
# The app is loaded once, in the master, before the workers are forked: the migrations run
# once there (LETTERS_AUTO_MIGRATE), and the workers share the loaded code's memory.
preload_app = True
# Behind a proxy on the same host, the forwarded headers are the proxy's to set; the app
# trusts them only with LETTERS_PROXY_FIX=1.
forwarded_allow_ips = "127.0.0.1"


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """In each new worker: drop the database connections inherited from the master (two
    processes must never share one), then freeze the objects loaded so far, so the garbage
    collector never walks the app's code and tables again."""
    from letters.extensions import db

    app = worker.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
    gc.freeze()
