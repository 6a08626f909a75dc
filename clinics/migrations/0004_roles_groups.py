"""Roles as Django groups (issue 4): "Moderator" and "Clinic staff", with their permissions.

Which clinics a clinic-staff user may touch is decided per object in clinics/access.py; the
group only grants the model permissions the admin needs to show the pages at all.
"""

from django.db import migrations

REFERENCE_MODELS = [
    "treatmentroute",
    "condition",
    "payer",
    "paymentoption",
    "language",
    "professionalbody",
]
LISTING_CHILDREN = ["location", "offering", "payeracceptance", "openinghours", "clinician"]
MODERATION_MODELS = ["staffmembership", "report", "claimrequest"]


def _perm_codenames(actions, models):
    return [f"{action}_{model}" for model in models for action in actions]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; make sure they exist now.
    app_config = apps.get_app_config("clinics")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    clinic_perms = Permission.objects.filter(content_type__app_label="clinics")

    moderator, _ = Group.objects.get_or_create(name="Moderator")
    moderator.permissions.set(
        clinic_perms.filter(
            codename__in=_perm_codenames(
                ["add", "change", "delete", "view"],
                ["clinic", *LISTING_CHILDREN, *MODERATION_MODELS],
            )
            + _perm_codenames(["view"], REFERENCE_MODELS)
            + ["moderate_clinic"]
        )
    )

    staff, _ = Group.objects.get_or_create(name="Clinic staff")
    staff.permissions.set(
        clinic_perms.filter(
            codename__in=_perm_codenames(["add", "change", "view"], ["clinic"])
            + _perm_codenames(["add", "change", "delete", "view"], LISTING_CHILDREN)
            + _perm_codenames(["view"], REFERENCE_MODELS)
        )
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Moderator", "Clinic staff"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinics", "0003_staff_moderation_reports_claims"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
