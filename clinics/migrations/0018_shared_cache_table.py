"""The table of the "shared" cache (rate limits, single-use form tokens, import problem files)
when REDIS_URL is unset: created by `migrate`, so no deployment can forget it (issue 12.6).
`createcachetable` does nothing when the table exists or the shared cache is Redis."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0017_condition_evidence"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False),
    ]
