"""Every clinic with staff has an owner, who may invite and remove editors (issue 17).

Owners were only the first person approved by a claim or a moderator's own listing; people
added with `add_clinic_staff` defaulted to editor, so some clinics have editors and no owner,
and nobody there could invite anyone. For each such clinic its longest-standing member becomes
its owner (the person the clinic gave access first); clinics that have an owner are left as
they are, so no editor is promoted over an owner's head. Moderators also get to read the new
invitations in the admin.
"""

from django.db import migrations


def promote_first_members(apps, schema_editor):
    StaffMembership = apps.get_model("clinics", "StaffMembership")
    with_owner = StaffMembership.objects.filter(role="owner").values("clinic_id")
    first = {}
    for membership in StaffMembership.objects.exclude(clinic_id__in=with_owner).order_by(
        "created_at", "pk"
    ):
        first.setdefault(membership.clinic_id, membership.pk)
    StaffMembership.objects.filter(pk__in=first.values()).update(role="owner")


def moderators_read_invitations(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("clinics")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(
        content_type__app_label="clinics", codename="view_staffinvitation"
    )
    for group in Group.objects.filter(name="Moderator"):
        group.permissions.add(*view)


class Migration(migrations.Migration):
    dependencies = [("clinics", "0020_staff_invitations_and_confirmation")]

    operations = [
        # Not reversed: which members were editors before is not recorded (their history is).
        migrations.RunPython(promote_first_members, migrations.RunPython.noop),
        migrations.RunPython(moderators_read_invitations, migrations.RunPython.noop),
    ]
