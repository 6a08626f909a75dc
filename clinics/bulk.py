"""Bulk writes that keep the history: COPY or executemany inserts, bulk updates, history rows
in bulk.

simple-history records a change when a model instance is saved; writing 100,000 rows one
save at a time takes minutes. These helpers insert and update plain rows in batches and
write the history records (with their many-to-many snapshots) the same way, so a bulk write
reads in a listing's history exactly like a save. The CSV import, the merge of two
clinics and the demo data generator use them.
"""

import enum
import operator

from django.db import connection
from django.db.models import Max
from django.utils import timezone

HISTORY_COLUMNS = ["history_date", "history_change_reason", "history_type", "history_user"]
BATCH_SIZE = 2000
# Keeps `pk__in` lists under SQLite's limit on query parameters.
CHUNK_SIZE = 5000


def chunks(items, size=CHUNK_SIZE):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Values the database driver cannot take as Python gives them.
PREPARED_TYPES = {
    "DateTimeField",
    "DateField",
    "TimeField",
    "DecimalField",
    "UUIDField",
    "JSONField",
}


def _value_getters(fields):
    getters = []
    for model_field in fields:
        if model_field.get_internal_type() in PREPARED_TYPES:
            # Rows of one import share their timestamps: prepare each value once.
            def getter(obj, f=model_field, prepared={}):  # noqa: B006
                value = getattr(obj, f.attname)
                try:
                    return prepared[value]
                except KeyError:
                    prepared[value] = f.get_db_prep_save(value, connection)
                    return prepared[value]
                except TypeError:
                    return f.get_db_prep_save(value, connection)

        elif model_field.choices:

            def getter(obj, attname=model_field.attname):
                value = getattr(obj, attname)
                return value.value if isinstance(value, enum.Enum) else value

        else:
            getter = operator.attrgetter(model_field.attname)
        getters.append(getter)
    return getters


class Draft:
    """A row about to be inserted: plain attributes, without a model instance's cost."""

    def __init__(self, values):
        self.__dict__.update(values)


_model_defaults = {}


def draft(model, **values):
    """A Draft with the model's field defaults, then `values`."""
    defaults = _model_defaults.get(model)
    if defaults is None:
        defaults = _model_defaults[model] = {
            f.attname: f.get_default() for f in model._meta.concrete_fields
        }
    row = Draft(defaults)
    row.__dict__.update(values)
    row.pk = getattr(row, model._meta.pk.attname)
    return row


def load_drafts(model, queryset, attname=None, ids=None):
    """Stored rows as Drafts (every concrete field), for `ids` of `attname` when given.

    Reading 100,000 rows as plain values is several times faster than as model instances.
    """
    names = [f.attname for f in model._meta.concrete_fields]
    pk_name = model._meta.pk.attname
    if attname is None:
        rows = queryset.values_list(*names).iterator(chunk_size=BATCH_SIZE)
    else:
        rows = (row[1:] for row in rows_with(queryset, attname, ids, *names))
    for values in rows:
        row = Draft(dict(zip(names, values, strict=True)))
        row.pk = getattr(row, pk_name)
        yield row


def as_instance(model, row):
    """A model instance for bulk_update from a Draft."""
    instance = model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields})
    instance._state.adding = False
    return instance


def insert_rows(model, columns, rows):
    """INSERT plain rows: with COPY on PostgreSQL, executemany elsewhere. At 100,000 rows
    executemany is a fraction of bulk_create's cost; COPY a fraction of executemany's on
    PostgreSQL (one statement streaming every row, instead of one statement per row)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            table, names, ", ".join(["%s"] * len(columns))
        )
        for chunk in chunks(rows, 10 * BATCH_SIZE):
            cursor.executemany(sql, chunk)


def insert_links(m2m, pairs):
    """INSERT rows of a many-to-many table: `m2m` is the descriptor (Location.languages),
    `pairs` are (own id, other id)."""
    through = m2m.through
    columns = [
        through._meta.get_field(name).column
        for name in (m2m.field.m2m_field_name(), m2m.field.m2m_reverse_field_name())
    ]
    insert_rows(through, columns, pairs)


def insert_objects(model, objects, *, key, **filters):
    """INSERT unsaved objects, then give them their primary keys, found by a natural key."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    getters = _value_getters(fields)
    before = model._base_manager.aggregate(top=Max("pk"))["top"] or 0
    insert_rows(
        model,
        [f.column for f in fields],
        [tuple(get(obj) for get in getters) for obj in objects],
    )
    by_key = {tuple(getattr(obj, name) for name in key): obj for obj in objects}
    # New rows have keys above every key there was before the insert.
    queryset = model._base_manager.filter(pk__gt=before, **filters)
    for *values, pk in queryset.values_list(*key, "pk").iterator(chunk_size=BATCH_SIZE):
        obj = by_key.get(tuple(values))
        if obj is not None:
            setattr(obj, model._meta.pk.attname, pk)
            obj.pk = pk


def rows_with(queryset, attname, ids, *values):
    """(attname, *values) rows whose `attname` is one of `ids`.

    Freshly inserted ids are dense, and a range reads them far faster than an IN list.
    """
    ids = sorted(set(ids))
    wanted = set(ids)
    for chunk in chunks(ids):
        if chunk[-1] - chunk[0] < 2 * len(chunk):
            part = queryset.filter(**{f"{attname}__gte": chunk[0], f"{attname}__lte": chunk[-1]})
        else:
            part = queryset.filter(**{f"{attname}__in": chunk})
        for row in part.values_list(attname, *values).iterator(chunk_size=BATCH_SIZE):
            if row[0] in wanted:
                yield row


def record_history(model, objects, history_type, *, reason, user=None, date=None):
    """Bulk history records, as simple-history writes them on save, m2m snapshots included.

    simple-history's bulk helpers skip many-to-many fields; a listing's history must show
    conditions, payment options and languages too, so the snapshot rows are written here.
    """
    if not objects:
        return
    history_model = model.history.model
    date = date or timezone.now()
    tracked = [history_model._meta.get_field(f.name) for f in history_model.tracked_fields]
    getters = _value_getters(tracked)
    extra = (
        history_model._meta.get_field("history_date").get_db_prep_save(date, connection),
        reason,
        history_type,
        user.pk if user is not None else None,
    )
    insert_rows(
        history_model,
        [f.column for f in tracked]
        + [history_model._meta.get_field(name).column for name in HISTORY_COLUMNS],
        [tuple(get(obj) for get in getters) + extra for obj in objects],
    )
    m2m_fields = getattr(history_model, "_history_m2m_fields", [])
    if not m2m_fields or history_type == "-":
        return
    pk_name = model._meta.pk.attname
    records = history_model.objects.filter(history_date=date, history_type=history_type)
    history_ids = dict(rows_with(records, pk_name, [obj.pk for obj in objects], "history_id"))
    for m2m_field in m2m_fields:
        through = m2m_field.remote_field.through
        own = m2m_field.m2m_field_name()
        other = m2m_field.m2m_reverse_field_name()
        snapshot_model = getattr(history_model, m2m_field.name).model
        snapshot = []
        for own_id, pk, other_id in rows_with(
            through.objects.all(), f"{own}_id", history_ids, "pk", f"{other}_id"
        ):
            snapshot.append((pk, own_id, other_id, history_ids[own_id]))
        columns = [
            snapshot_model._meta.get_field(name).column for name in ("id", own, other, "history")
        ]
        insert_rows(snapshot_model, columns, snapshot)


def delete_with_history(model, objects, *, reason, user=None):
    record_history(model, objects, "-", reason=reason, user=user)
    for chunk in chunks([obj.pk for obj in objects]):
        model.objects.filter(pk__in=chunk).delete()
