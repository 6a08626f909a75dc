"""gunicorn settings for production: `gunicorn directory.wsgi` reads this file by default.

Sync workers, as many as 2 x cores + 1 unless WEB_CONCURRENCY says otherwise; each keeps its
own persistent database connection (or a psycopg pool with DATABASE_POOL=1).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Import the app (and its offline ZIP tables, directory/wsgi.py) once in the master: workers
# share that memory and a recycled worker starts serving at once. Nothing at import opens a
# database connection, so none is shared between workers. (A code change needs a restart.)
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then; jitter avoids restarting all at once
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The request is logged as method, path and protocol, never with its query string: searches
# (/search/, /providers/..., the APIs) carry the patient's place and coordinates there, and
# the logs must not keep them (issue 19.4; the privacy page says so).
access_log_format = (
    '{"remote": "%(h)s", "request": "%(m)s %(U)s %(H)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", "agent": "%(a)s"}'
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn 25.1+ opens a control socket (the `gunicornc` tool: add or kill workers, reload,
# shut down) at one path per user, $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl:
# two instances under one account would take over (and on exit delete) each other's socket.
# Off unless GUNICORN_CONTROL_SOCKET names a path of this instance's own, owner-only (0600).
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
control_socket_mode = 0o600
if control_socket_disable:
    del control_socket  # gunicorn rejects an empty path even when the socket is off
