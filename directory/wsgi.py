"""WSGI entry point: `gunicorn directory.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

application = get_wsgi_application()

# Load the offline ZIP and city tables now, not during some patient's first search in each
# worker (about a second; bench/run.py saw it as a p99 of over 1 s).
from clinics import geo  # noqa: E402

geo.load_places()
