"""The clinic page, the comparison and result cards in Spanish (issue 20): dates, days and
times in the reader's language, English pages as before, and structured data that stays
schema.org's."""

import datetime
import json
import re
from html import unescape

import pytest
from django.template import Context, Template
from django.utils import translation

from clinics import gazetteer
from tests.builders import ClinicFactory, add_location

pytestmark = pytest.mark.django_db


def words(response):
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def render(source, language, **context):
    with translation.override(language):
        return Template("{% load directory %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "english", "spanish"),
    [
        ("{{ day|long_date }}", "January 5, 2026", "5 de enero de 2026"),
        ("{{ day|short_date }}", "Jan 5, 2026", "5 de enero de 2026"),
        ('{{ day|date:"YEAR_MONTH_FORMAT" }}', "January 2026", "enero de 2026"),
        ("{{ opens|clock }}–{{ closes|clock }}", "9:00 AM–4:30 PM", "09:00–16:30"),
        ("{{ amount|usd }}", "$2,400", "$2,400"),
    ],
)
def test_dates_times_and_prices_read_in_the_active_language(source, english, spanish):
    values = {
        "day": datetime.date(2026, 1, 5),
        "opens": datetime.time(9, 0),
        "closes": datetime.time(16, 30),
        "amount": 2400,
    }
    assert render(source, "en", **values) == english
    assert render(source, "es", **values) == spanish


def test_time_zone_names_follow_the_language_without_the_cache_mixing_them():
    with translation.override("es"):
        spanish = gazetteer.time_zone_name("America/Phoenix")
    with translation.override("en"):
        english = gazetteer.time_zone_name("America/Phoenix")
    assert english == "Mountain Time (no daylight saving time)"
    assert spanish == "Hora de la Montaña (sin horario de verano)"


@pytest.fixture
def clinic():
    clinic = ClinicFactory(
        name="Rose City Ketamine",
        slug="rose",
        verified_at=datetime.date(2026, 10, 2),
        accepting_new_patients=True,
        accepting_as_of=datetime.date(2026, 3, 1),
        offers_kap=True,
        observation_minutes=120,
    )
    add_location(
        clinic,
        name="Pearl District",
        postal_code="97209",
        miles=1,
        routes={"iv": {"price_min_usd": 450, "price_max_usd": 650, "series_price_usd": 2400}},
        hours=[(2, "08:00", "16:30")],
    )
    add_location(clinic, name="Salem office", postal_code="97301", miles=45, routes={"im": None})
    return clinic


def test_the_clinic_page_reads_in_spanish(client, clinic):
    response = client.get("/es/clinics/rose/")
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()
    text = words(response)
    for phrase in [
        "Acepta pacientes nuevos (dato de marzo de 2026)",
        "Verificada el 2 de octubre de 2026",
        "Cómo empezar",
        "2 ubicaciones",
        "Vías y precios en Pearl District",
        "$2,400",
        "Hora local (Hora del Pacífico).",
        "Lunes Cerrado Martes 08:00–16:30 Miércoles Cerrado",
        "Psicoterapia asistida con ketamina (KAP) en la clínica: sí",
        "Observación después de una dosis: 120 minutos",
        "Un moderador verificó esta ficha por última vez el 2 de octubre de 2026.",
        "Informar de un error",
    ]:
        assert phrase in text
    for english in ["How to start", "Closed", "Tuesday", "October", "miles from", "as of"]:
        assert english not in text


def test_the_english_clinic_page_is_unchanged(client, clinic):
    text = words(client.get("/clinics/rose/"))
    for phrase in [
        "Accepting new patients as of March 2026",
        "Verified on October 2, 2026",
        "2 locations",
        "Local time (Pacific Time).",
        "Monday Closed Tuesday 8:00 AM–4:30 PM Wednesday Closed",
        "A moderator last verified this listing on October 2, 2026.",
    ]:
        assert phrase in text


def test_structured_data_keeps_schema_org_days_in_spanish(client, clinic):
    html = client.get("/es/clinics/rose/").content.decode()
    blocks = [json.loads(b) for b in re.findall(r'application/ld\+json">(.*?)</script>', html)]
    clinic_data = next(b for b in blocks if b["@type"] == "MedicalClinic")
    days = [spec["dayOfWeek"] for spec in clinic_data["openingHoursSpecification"]]
    assert days == ["https://schema.org/Tuesday"]
    trail = next(b for b in blocks if b["@type"] == "BreadcrumbList")["itemListElement"]
    assert [item["name"] for item in trail[:2]] == ["Inicio", "Proveedores por estado"]


def test_the_comparison_reads_in_spanish(client, clinic):
    other = ClinicFactory(name="Bridge Infusions", slug="bridge")
    add_location(other, postal_code="97214", miles=3, routes={"iv": (500, 700)})
    response = client.get("/es/compare/?clinic=rose&clinic=bridge&clinic=gone")
    text = words(response)
    for phrase in [
        "Comparando 2 clínicas",
        "1 clínica de este enlace ya no aparece en el directorio",
        "$450–$650 por sesión; serie $2,400",
        "Lun cerrado Mar 08:00–16:30",
        "Por un moderador el 2 de octubre de 2026",
        "Aún no verificada",
    ]:
        assert phrase in text
