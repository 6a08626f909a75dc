"""TreatmentRoute.bit and Location.route_mask: the route filter tests a bit too (issue 6)."""

from django.db import migrations, models

BATCH = 5000


def give_routes_bits(apps, schema_editor):
    TreatmentRoute = apps.get_model("clinics", "TreatmentRoute")
    for bit, route in enumerate(TreatmentRoute.objects.order_by("id")):
        if bit > 62:
            raise RuntimeError("More than 63 routes: merge some before migrating.")
        route.bit = bit
        route.save(update_fields=["bit"])


def fill_route_masks(apps, schema_editor):
    Location = apps.get_model("clinics", "Location")
    Offering = apps.get_model("clinics", "Offering")
    masks = {}
    for location_id, bit in Offering.objects.values_list("location_id", "route__bit"):
        masks[location_id] = masks.get(location_id, 0) | 1 << bit
    by_mask = {}
    for location_id, mask in masks.items():
        by_mask.setdefault(mask, []).append(location_id)
    for mask, ids in by_mask.items():
        for start in range(0, len(ids), BATCH):
            Location.objects.filter(pk__in=ids[start : start + BATCH]).update(route_mask=mask)


class Migration(migrations.Migration):
    dependencies = [("clinics", "0005_payer_mask")]

    operations = [
        migrations.AddField(
            model_name="treatmentroute",
            name="bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(give_routes_bits, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="treatmentroute",
            name="bit",
            field=models.PositiveSmallIntegerField(
                editable=False,
                help_text="This option's bit in the location masks; given on creation.",
                unique=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="treatmentroute",
            constraint=models.CheckConstraint(
                condition=models.Q(bit__lt=63), name="route_bit_fits_a_bigint"
            ),
        ),
        migrations.AlterField(
            model_name="payer",
            name="bit",
            field=models.PositiveSmallIntegerField(
                editable=False,
                help_text="This option's bit in the location masks; given on creation.",
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="location",
            name="payer_mask",
            field=models.BigIntegerField(
                default=0,
                editable=False,
                help_text="One bit per payer accepted here (Payer.bit); see refresh_masks().",
            ),
        ),
        migrations.AddField(
            model_name="location",
            name="route_mask",
            field=models.BigIntegerField(
                default=0,
                editable=False,
                help_text="One bit per route offered here (TreatmentRoute.bit); see refresh_masks().",
            ),
        ),
        migrations.RunPython(fill_route_masks, migrations.RunPython.noop),
    ]
