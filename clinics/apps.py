from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "clinics"
    verbose_name = "Ketamine provider directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from simple_history.signals import pre_create_historical_record

        from clinics import caching
        from clinics.models import (
            Clinic,
            Clinician,
            Condition,
            Language,
            Location,
            Offering,
            OpeningHours,
            Payer,
            PayerAcceptance,
            PaymentOption,
            TreatmentRoute,
            clinic_links_changed,
            clinic_part_changed,
            location_links_changed,
            location_part_changed,
            location_removed,
            record_change_author,
            refresh_masks_of_location,
        )

        # History records name the staff member whose change a moderator approved.
        pre_create_historical_record.connect(
            record_change_author, dispatch_uid="history-change-author"
        )

        # Any change to what a search can show makes cached facet counts stale.
        for model in (
            Clinic, Location, Offering, PayerAcceptance, OpeningHours, Clinician,
            TreatmentRoute, Condition, Payer, PaymentOption, Language,
        ):  # fmt: skip
            post_save.connect(
                caching.listings_changed, sender=model, dispatch_uid=f"facets-{model.__name__}-save"
            )
            post_delete.connect(
                caching.listings_changed,
                sender=model,
                dispatch_uid=f"facets-{model.__name__}-delete",
            )
        for field in (Location.conditions, Location.payment_options, Location.languages):
            m2m_changed.connect(
                caching.listings_changed,
                sender=field.through,
                dispatch_uid=f"facets-{field.through.__name__}",
            )

        # A location's route and payer masks follow every saved or deleted offering and
        # acceptance (clinics.models.masks).
        for model in (Offering, PayerAcceptance):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    refresh_masks_of_location,
                    sender=model,
                    dispatch_uid=f"masks-{model.__name__}-{name}",
                )

        # Every change to a listing's content moves its clinic's and locations' updated_at,
        # which downloads, HSDS modified_after and FHIR _lastUpdated read (issue 12.9;
        # clinics.models.freshness). Bulk writes call touch_listings themselves.
        post_delete.connect(location_removed, sender=Location, dispatch_uid="freshness-location")
        receivers = [
            (Offering, location_part_changed),
            (PayerAcceptance, location_part_changed),
            (OpeningHours, location_part_changed),
            (Clinician, clinic_part_changed),
        ]
        for model, receiver in receivers:
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    receiver, sender=model, dispatch_uid=f"freshness-{model.__name__}-{name}"
                )
        for field in (Location.conditions, Location.payment_options, Location.languages):
            m2m_changed.connect(
                location_links_changed,
                sender=field.through,
                dispatch_uid=f"freshness-{field.through.__name__}",
            )
        m2m_changed.connect(
            clinic_links_changed,
            sender=Clinic.memberships.through,
            dispatch_uid="freshness-clinic-memberships",
        )
