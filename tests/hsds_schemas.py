"""Validate against the official HSDS 3.0 JSON schemas vendored in clinics/standards/hsds/."""

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "clinics" / "standards" / "hsds" / "schema"


@functools.cache
def registry():
    """Every per-object schema under its file name, which is how they `$ref` each other."""
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")) + sorted(SCHEMA_DIR.glob("compiled/*.json")):
        name = path.relative_to(SCHEMA_DIR).as_posix()
        contents = json.loads(path.read_text())
        resources.append(
            (name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


@functools.cache
def validator(name):
    """A validator for `name` ("service.json", "compiled/service_list.json", ...)."""
    return Draft202012Validator({"$ref": name}, registry=registry(), format_checker=FormatChecker())


def errors(name, instance):
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(name).iter_errors(instance)
    ]


def assert_valid(name, instance):
    problems = errors(name, instance)
    assert not problems, f"{name}: " + "; ".join(problems[:10])


def assert_invalid(name, instance):
    assert errors(name, instance), f"{name} accepted an invalid instance"
