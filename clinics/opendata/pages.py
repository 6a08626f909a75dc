"""Numbered pages of the open data lists whose cost does not grow with the page number.

HSDS and FHIR page by number (`page`, `_page`) and give the total; Django's Paginator answers
with COUNT(*) over the whole list and OFFSET (number - 1) x size, so at 100,000 listings the
last page read and threw away 100,000 rows (issue 16.3). Here one query per listings version
and list (its parameters) numbers the list in its order and keeps the total and every
ANCHOR_EVERY-th key (about 1,000 keys at 100k, in the cache with the facet counts); a page
then starts from the anchor before it: `key >= that anchor AND key < the first anchor after
the page`, with an OFFSET under ANCHOR_EVERY, a range the indexes answer. Exact: the total
and the rows are those of the list; a listing change makes a new version and new anchors.

A list qualifies when it is a QuerySet ordered by plain ascending fields that give a total
order (the last one unique); anything else pages as before.
"""

from django.db import connection
from django.db.models import Q, QuerySet

from clinics import caching
from clinics.opendata.common import page_of
from clinics.search.paging import result_page

ANCHOR_EVERY = 100


def seek_fields(items):
    """The ordering fields of `items` when it can be paged from anchors, else None."""
    if not isinstance(items, QuerySet) or items.query.is_sliced:
        return None
    fields = list(items.query.order_by)
    if not fields or not all(isinstance(f, str) and f[0] not in "-?" for f in fields):
        return None
    return fields


def numbered(sql, params, fields):
    """(total, [key tuple of rows 0, ANCHOR_EVERY, 2 x ANCHOR_EVERY, ...]) of the keys that
    `sql` selects, in one query."""
    columns = ", ".join(f"col{i}" for i in range(len(fields)))
    numbering = (
        f"WITH k ({columns}) AS ({sql}) "  # noqa: S608 (no user input in the text)
        f"SELECT {columns}, total FROM ("
        f"SELECT {columns}, row_number() OVER (ORDER BY {columns}) - 1 AS position, "
        f"count(*) OVER () AS total FROM k) AS numbered "
        f"WHERE position / {ANCHOR_EVERY} * {ANCHOR_EVERY} = position ORDER BY position"
    )
    with connection.cursor() as cursor:
        cursor.execute(numbering, params)
        rows = cursor.fetchall()
    if not rows:
        return 0, []
    return rows[0][-1], [tuple(row[:-1]) for row in rows]


def compared(fields, key, lookup):
    """Rows whose ordering key compares with `key` as `lookup` says ("gte", or "lt"), as a Q
    indexes can use: the first field's bound, then the tuple comparison spelled out."""
    first, rest = fields[0], fields[1:]
    if not rest:
        return Q(**{f"{first}__{lookup}": key[0]})
    strict = "gt" if lookup == "gte" else "lt"
    bound = Q(**{f"{first}__{lookup if lookup == 'gte' else 'lte'}": key[0]})
    return bound & (
        Q(**{f"{first}__{strict}": key[0]}) | Q(**{first: key[0]}) & compared(rest, key[1:], lookup)
    )


def numbered_page(items, *, number, size):
    """Django's page `number` of `items` (None past the end); the list's SQL names its
    numbering in the cache."""
    fields = seek_fields(items)
    if fields is None:
        return page_of(items, number=number, size=size)
    keys = items.values_list(*fields)
    digest = caching.query_digest(keys)
    if digest is None:  # a filter no row can match (an id list that is empty)
        return page_of(items, number=number, size=size)
    sql, params = keys.query.sql_with_params()
    total, anchors = caching.per_listings_version(
        f"pages:{digest}", lambda: numbered(sql, params, fields)
    )
    start = (number - 1) * size
    index = start // ANCHOR_EVERY
    rows = items.none()
    if index < len(anchors):
        rows = items.filter(compared(fields, anchors[index], "gte"))
        end = -(-(start + size) // ANCHOR_EVERY)  # the first anchor at or after the page's end
        if end < len(anchors):
            rows = rows.filter(compared(fields, anchors[end], "lt"))
        offset = start - index * ANCHOR_EVERY
        rows = rows[offset : offset + size]
    return result_page(rows, number=number, size=size, total=total)
