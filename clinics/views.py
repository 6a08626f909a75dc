"""Public pages. Views parse input, call a queryset or a domain function, and render."""

from django.shortcuts import get_object_or_404, render

from clinics.models import Clinic, Condition, Location, TreatmentRoute


def home(request):
    context = {
        "routes": TreatmentRoute.objects.all(),
        "conditions": Condition.objects.all(),
        "clinic_count": Clinic.objects.published().count(),
        "location_count": Location.objects.published().count(),
    }
    return render(request, "clinics/home.html", context)


def clinic_detail(request, slug):
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)
    return render(request, "clinics/detail.html", {"clinic": clinic})
