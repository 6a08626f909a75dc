"""Structured (JSON lines) logging with the current request's id on every record."""

import contextvars
import json
import logging
import re

request_id_var = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


# A URL's query string inside a request line or a message: "GET /search/?near=97205 HTTP/1.1".
QUERY_STRING_RE = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def without_query_strings(text):
    return QUERY_STRING_RE.sub(r"\1", text)


class WithoutQueryStringsFilter(logging.Filter):
    """Drops query strings from logged request lines (Django's development server logs
    "GET /search/?near=... HTTP/1.1"): a search's place is never written down (issue 19.4)."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = without_query_strings(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_query_strings(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and the exception)."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
