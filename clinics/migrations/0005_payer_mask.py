"""Payer.bit and Location.payer_mask: the insurance filter tests a bit (issue 6)."""

from django.db import migrations, models

BATCH = 5000


def give_payers_bits(apps, schema_editor):
    Payer = apps.get_model("clinics", "Payer")
    for bit, payer in enumerate(Payer.objects.order_by("id")):
        if bit > 62:
            raise RuntimeError("More than 63 payers: merge some before migrating.")
        payer.bit = bit
        payer.save(update_fields=["bit"])


def fill_payer_masks(apps, schema_editor):
    Location = apps.get_model("clinics", "Location")
    PayerAcceptance = apps.get_model("clinics", "PayerAcceptance")
    masks = {}
    for location_id, bit in PayerAcceptance.objects.values_list("location_id", "payer__bit"):
        masks[location_id] = masks.get(location_id, 0) | 1 << bit
    by_mask = {}
    for location_id, mask in masks.items():
        by_mask.setdefault(mask, []).append(location_id)
    for mask, ids in by_mask.items():
        for start in range(0, len(ids), BATCH):
            Location.objects.filter(pk__in=ids[start : start + BATCH]).update(payer_mask=mask)


class Migration(migrations.Migration):
    dependencies = [("clinics", "0004_roles_groups")]

    operations = [
        migrations.AddField(
            model_name="payer",
            name="bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(give_payers_bits, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payer",
            name="bit",
            field=models.PositiveSmallIntegerField(
                editable=False,
                help_text="This payer's bit in Location.payer_mask; given on creation.",
                unique=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="payer",
            constraint=models.CheckConstraint(
                condition=models.Q(bit__lt=63), name="payer_bit_fits_a_bigint"
            ),
        ),
        migrations.AddField(
            model_name="location",
            name="payer_mask",
            field=models.BigIntegerField(
                default=0,
                editable=False,
                help_text="One bit per payer accepted here (Payer.bit), kept by "
                "refresh_payer_masks(): the insurance filter tests a bit instead of probing the "
                "acceptances of every nearby location (docs/geo-search.md, section 7).",
            ),
        ),
        migrations.RunPython(fill_payer_masks, migrations.RunPython.noop),
    ]
