"""The discovery documents of the Apps Script API v1 (and Cloud Logging v2), used two ways.

1. Request bodies are checked against the discovery request schemas the way Google's JSON front
   end does: unknown names, wrong JSON types and bad enum values give Google's exact 400 texts, and
   the body comes back normalised (``null`` dropped, int32 strings made ints) for the backend.
2. ``validate_response(method_id, body)`` checks a response against the discovery response schema
   (converted to JSON Schema, unknown properties refused). Tests call it on everything they get.

The documents are the ones shipped with google-api-python-client (spec 3.1), so the fake and the real
client agree on every name. A method id's first word (``script.``, ``logging.``) names its document.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from gas_emulator.api_server import errors

INT32_RANGE = (-(2**31), 2**31 - 1)
# RFC 3339 UTC, as Google serialises google.protobuf.Timestamp (spec 2.2: "RFC 3339 UTC strings").
RFC3339_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$"
SCALAR_KIND = {"string": "TYPE_STRING", "boolean": "TYPE_BOOL"}


#: The discovery documents the fake serves: Apps Script v1, Cloud Logging v2 (entries.list), Drive v3
#: and Service Usage v1 (``drive``, ``service_usage``).
DOCUMENTS = {"script": "script.v1", "logging": "logging.v2", "drive": "drive.v3",
             "serviceusage": "serviceusage.v1"}


@cache
def discovery(api: str = "script") -> dict[str, Any]:
    """The bundled ``script.v1.json`` / ``logging.v2.json`` (google-api-python-client's static
    discovery documents)."""
    name = f"discovery_cache/documents/{DOCUMENTS[api]}.json"
    return json.loads(resources.files("googleapiclient").joinpath(name).read_text(encoding="utf-8"))


def api_of(method_id: str) -> str:
    """``logging.entries.list`` -> ``logging``: the document a method id belongs to."""
    return method_id.partition(".")[0]


@cache
def methods(api: str = "script") -> dict[str, dict[str, Any]]:
    """Discovery method id (``script.projects.deployments.update``) -> its description."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any]) -> None:
        for method in node.get("methods", {}).values():
            found[method["id"]] = method
        for child in node.get("resources", {}).values():
            walk(child)

    walk(discovery(api))
    return found


def method(method_id: str) -> dict[str, Any]:
    return methods(api_of(method_id))[method_id]


def snake(name: str) -> str:
    """Proto field name of a JSON name: Google's error paths use them (``deployment_config``)."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


# -- Requests --------------------------------------------------------------------------------------
def parse_body(method_id: str, raw: bytes) -> dict[str, Any]:
    """The JSON body of a request, checked against the method's request schema and normalised."""
    schema_name = method(method_id).get("request", {}).get("$ref")
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: JSON nested deeper than the parser's stack is bad input, not a 500.
        raise errors.invalid_argument(errors.MSG_BAD_JSON) from None
    if schema_name is None:
        return {}
    try:
        return _check_message(body, schema_name, "", api_of(method_id))
    except RecursionError:
        raise errors.invalid_argument(errors.MSG_BAD_JSON) from None


def _check_message(value: Any, schema_name: str, path: str, api: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.invalid_value(path or schema_name, schema_name, value)
    props = discovery(api)["schemas"][schema_name].get("properties", {})
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key not in props:
            raise errors.unknown_field(key, path)
        if item is None:  # proto3 JSON: null means "default"
            continue
        out[key] = _check_value(item, props[key], _join(path, snake(key)), api)
    return out


def _check_value(value: Any, prop: dict[str, Any], path: str, api: str) -> Any:
    if "$ref" in prop:
        return _check_message(value, prop["$ref"], path, api)
    kind = prop.get("type")
    if kind == "array":
        if not isinstance(value, list):
            raise errors.invalid_value(path, "TYPE_LIST", value)
        return [_check_value(v, prop["items"], f"{path}[{i}]", api) for i, v in enumerate(value)]
    if kind == "integer":
        return _check_int32(value, path)
    if "enum" in prop:
        if value not in prop["enum"]:
            raise errors.invalid_value(path, "TYPE_ENUM", value)
        return value
    if kind == "string" and not isinstance(value, str):
        raise errors.invalid_value(path, "TYPE_STRING", value)
    if kind == "boolean" and not isinstance(value, bool):
        raise errors.invalid_value(path, "TYPE_BOOL", value)
    return value  # "any"


def _check_int32(value: Any, path: str) -> int:
    # proto3 JSON accepts an int32 as a number or a decimal string.
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (
            isinstance(value, str) and re.fullmatch(r"-?\d{1,10}", value)):
        number = int(value)
    if number is None or not INT32_RANGE[0] <= number <= INT32_RANGE[1]:
        raise errors.invalid_value(path, "TYPE_INT32", value)
    return number


def parse_int32_query(value: str, name: str) -> int:
    return _check_int32(value, snake(name))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# -- Responses -------------------------------------------------------------------------------------
def _convert(node: Any) -> Any:
    """Discovery schema -> JSON Schema (draft 2020-12), refusing properties the document lacks."""
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": f"#/$defs/{node['$ref']}"}
    if node.get("type") == "any":
        return {}
    out: dict[str, Any] = {}
    if "type" in node:
        out["type"] = node["type"]
    if "enum" in node:
        out["enum"] = node["enum"]
    if node.get("format") == "google-datetime":
        out["pattern"] = RFC3339_PATTERN
    elif node.get("format") in ("uint64", "int64"):
        out["pattern"] = r"^-?\d+$"
    elif node.get("format") == "int32":
        out["minimum"], out["maximum"] = INT32_RANGE
    if "items" in node:
        out["items"] = _convert(node["items"])
    if node.get("type") == "object":
        out["properties"] = {k: _convert(v) for k, v in node.get("properties", {}).items()}
        extra = node.get("additionalProperties")
        out["additionalProperties"] = _convert(extra) if extra is not None else False
    return out


@cache
def json_schema_for(schema_name: str, api: str = "script") -> dict[str, Any]:
    defs = {name: _convert(s) for name, s in discovery(api)["schemas"].items()}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs,
            "$ref": f"#/$defs/{schema_name}"}


def response_schema_name(method_id: str) -> str:
    return method(method_id).get("response", {}).get("$ref", "Empty")


def validate_response(method_id: str, body: Any) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``body`` conforms to the method's response schema.

    Needs the ``jsonschema`` package (a test dependency); the server itself never imports it.
    """
    name, api = response_schema_name(method_id), api_of(method_id)
    if name not in discovery(api)["schemas"]:  # no response (Drive files.delete: 204 No Content)
        if body not in (None, {}, ""):
            raise ValueError(f"{method_id} answers no body, got {body!r}")
        return
    _validator(name, api).validate(body)


@cache
def _validator(schema_name: str, api: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(json_schema_for(schema_name, api))


def validate_error(body: Any) -> None:
    """Raise unless ``body`` is Google's JSON error shape (spec 2.4)."""
    import jsonschema

    jsonschema.Draft202012Validator(ERROR_SCHEMA).validate(body)


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message", "status"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "integer"},
            "message": {"type": "string"},
            "status": {"type": "string", "pattern": "^[A-Z_]+$"},
            "details": {"type": "array", "items": {"type": "object", "required": ["@type"]}},
            "errors": {"type": "array", "items": {"type": "object"}},
        },
    }},
}
