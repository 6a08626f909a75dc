from clinics.models.clinic import *  # noqa: F403
from clinics.models.clinic import _clinic_url_around_slug  # noqa: F401
