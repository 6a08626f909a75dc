"""Great-circle distance: in SQL (DistanceMiles, within) and in Python (miles_between).

Miles on a sphere of radius EARTH_RADIUS_MILES, with a bounding-box prefilter on the indexed
(latitude, longitude) pair: strategy S1 of docs/geo-search.md, identical on SQLite and
PostgreSQL. Import these from clinics.geo, which re-exports them.
"""

import math

from django.db.models import F, FloatField, Func, Q

EARTH_RADIUS_MILES = 3958.8


def miles_between(lat1, lng1, lat2, lng2):
    """Great-circle (haversine) miles between two points, in Python: the formula of
    DistanceMiles, for code that has both points in hand (imports, duplicate detection)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dlat = (phi2 - phi1) / 2
    half_dlng = math.radians(lng2 - lng1) / 2
    inner = math.sin(half_dlat) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlng) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(inner)))


def bounding_box(latitude, longitude, miles):
    """(min_lat, max_lat, min_lng, max_lng) enclosing the circle.

    Longitudes are not wrapped: near the antimeridian (the Aleutians) min_lng can be below
    -180 or max_lng above 180, and `within` then searches the two halves of the box.
    """
    angular = miles / EARTH_RADIUS_MILES
    lat = math.radians(latitude)
    min_lat, max_lat = latitude - math.degrees(angular), latitude + math.degrees(angular)
    if max_lat >= 90 or min_lat <= -90 or math.cos(lat) < 1e-9:
        return max(min_lat, -90), min(max_lat, 90), -180.0, 180.0
    ratio = math.sin(angular) / math.cos(lat)
    if ratio >= 1:
        return min_lat, max_lat, -180.0, 180.0
    delta_lng = math.degrees(math.asin(ratio))
    return min_lat, max_lat, longitude - delta_lng, longitude + delta_lng


class DistanceMiles(Func):
    """Haversine great-circle distance in miles from a fixed point to each row, in SQL.

    The same SQL as composing ASin, Sqrt, Power, Sin, Cos and Radians, written as one
    template: building and copying that tree of a dozen expressions took a fifth of a search
    request (bench/run.py under py-spy). SQLite has the math functions built in since 3.35.
    """

    output_field = FloatField()

    def __init__(self, latitude, longitude, lat_field="latitude", lng_field="longitude"):
        super().__init__(F(lat_field), F(lng_field))
        self.origin = (latitude, longitude)

    def as_sql(self, compiler, connection, least="LEAST", **extra_context):
        lat, lat_params = compiler.compile(self.source_expressions[0])
        lng, lng_params = compiler.compile(self.source_expressions[1])
        lat0, lng0 = (math.radians(value) for value in self.origin)
        # Rounding can push the sine above 1 for antipodal points; asin would then fail.
        sql = (
            f"(%s * ASIN({least}(SQRT("
            f"POWER(SIN((RADIANS({lat}) - %s) / 2), 2)"
            f" + %s * COS(RADIANS({lat})) * POWER(SIN((RADIANS({lng}) - %s) / 2), 2)"
            "), 1.0)))"
        )
        params = (
            2 * EARTH_RADIUS_MILES,
            *lat_params,
            lat0,
            math.cos(lat0),
            *lat_params,
            *lng_params,
            lng0,
        )
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, least="MIN", **extra_context)


def within(queryset, latitude, longitude, miles):
    """Rows of `queryset` no more than `miles` from the point, annotated with `distance`.

    The bounding box lets the database use the (latitude, longitude) index; the exact
    haversine distance then filters the corners out and orders the rows.
    """
    min_lat, max_lat, min_lng, max_lng = bounding_box(latitude, longitude, miles)
    # A hair of slack so float rounding never drops a row lying exactly on the circle.
    slack = 1e-6
    box = Q(latitude__gte=min_lat - slack, latitude__lte=max_lat + slack)
    if min_lng < -180:
        box &= Q(longitude__gte=min_lng + 360 - slack) | Q(longitude__lte=max_lng + slack)
    elif max_lng > 180:
        box &= Q(longitude__gte=min_lng - slack) | Q(longitude__lte=max_lng - 360 + slack)
    else:
        box &= Q(longitude__gte=min_lng - slack, longitude__lte=max_lng + slack)
    return (
        queryset.filter(box)
        .annotate(distance=DistanceMiles(latitude, longitude))
        .filter(distance__lte=miles)
    )
