"""Open data pages (issue 8): the OpenAPI description, its readable page, bulk downloads."""

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clinics.opendata import downloads, openapi

METHODS = ("get", "post", "put", "patch", "delete")


@require_GET
def openapi_json(request):
    return JsonResponse(openapi.description(), json_dumps_params={"indent": 1})


def schema_label(schema):
    """A short type for the docs page: `integer`, `array of string`, `Errors`..."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema or "anyOf" in schema:
        parts = schema.get("allOf", []) + schema.get("anyOf", [])
        return " or ".join(schema_label(part) for part in parts)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array":
        return f"array of {schema_label(schema.get('items', {}))}"
    if "enum" in schema:
        return f"{kind}: " + ", ".join(map(str, schema["enum"]))
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return kind


def operations(document):
    """The description as rows for the template, in the document's order."""
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            yield {
                "method": method.upper(),
                "path": path,
                "anchor": f"{method}-{path}".strip("/")
                .replace("/", "-")
                .replace("{", "")
                .replace("}", ""),
                "tag": (operation.get("tags") or ["Other"])[0],
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {
                        "name": parameter["name"],
                        "in": parameter["in"],
                        "required": parameter.get("required", False),
                        "type": schema_label(parameter.get("schema", {})),
                        "description": parameter.get("description", ""),
                        "example": parameter.get("example"),
                    }
                    for parameter in item.get("parameters", []) + operation.get("parameters", [])
                ],
                "responses": [
                    {
                        "status": status,
                        "description": response.get("description", ""),
                        "types": [
                            f"{content_type}: {schema_label(body.get('schema', {}))}"
                            for content_type, body in response.get("content", {}).items()
                        ],
                    }
                    for status, response in operation["responses"].items()
                ],
            }


@require_GET
def api_docs(request):
    document = openapi.description()
    rows = list(operations(document))
    tags = [
        {**tag, "operations": [row for row in rows if row["tag"] == tag["name"]]}
        for tag in document["tags"]
    ]
    return render(
        request,
        "opendata/api_docs.html",
        {"info": document["info"], "tags": tags, "formats": downloads.FORMATS.values()},
    )


@require_GET
def download(request, slug):
    fmt = downloads.FORMATS.get(slug)
    if fmt is None:
        raise Http404("No such download format.")
    base_url = getattr(settings, "SITE_URL", "") or request.build_absolute_uri("/")
    try:
        file = downloads.current_file(slug, base_url=base_url).open("rb")
    except FileNotFoundError:
        # Another request replaced it with a newer version between build and open.
        file = downloads.current_file(slug, base_url=base_url).open("rb")
    response = FileResponse(
        file, as_attachment=True, filename=fmt.filename, content_type=fmt.content_type
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
