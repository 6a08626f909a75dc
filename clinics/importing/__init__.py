from clinics.importing.importer import *  # noqa: F403
