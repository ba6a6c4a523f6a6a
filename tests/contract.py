"""Contract checks against Fortnox's own OpenAPI description, shared by every test that touches Fortnox payloads.

    from tests.contract import validate_request, validate_response, validate_schema

    validate_response(body, "GET", "/3/vouchers/{VoucherSeries}/{VoucherNumber}")
    validate_response(body, "POST", "/3/vouchers", status=201)
    validate_request({"Voucher": {...}}, "POST", "/3/vouchers")
    validate_schema(body, "Voucher_Wrap")            # "fortnox_" prefix optional

The spec is `shared/fortnox/openapi.json` beside the repository (override with the FORTNOX_OPENAPI environment
variable). `$ref`s are resolved with a `referencing` registry, formats such as `date` are checked.

By default the spec's known gaps (shared/fortnox/SOURCE.md, NOTES.md §4.4 and §9) are tolerated, because the live API
behaves that way and both the client and the sandbox must cope:
- extra keys are allowed (list wrappers do not declare `MetaInformation`; the spec never forbids extra keys);
- `ErrorInformation` may use lowercase `error`/`message`/`code` as well as the declared `Error`/`Message`/`Code`;
- a number may arrive as a numeric string (`"CurrencyRate": "1"`);
- an optional (not `required`) property may be `null` (`"Comments": null`);
- `Voucher.Year` is optional (real clients send `?financialyear=` instead).
Pass `strict=True` to validate against the spec exactly as written.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, ValidationError
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SPEC_URI = "urn:fortnox:openapi"
NUMERIC_STRING = r"^-?\d+(\.\d+)?$"
SCHEMA_PREFIX = "fortnox_"

# Properties the spec marks required that Fortnox does not actually require.
KNOWN_OPTIONAL: dict[str, set[str]] = {"fortnox_Voucher": {"Year"}}


class ContractError(AssertionError):
    """A payload does not match Fortnox's OpenAPI description."""


def spec_path() -> Path:
    """Where the OpenAPI file is: $FORTNOX_OPENAPI, else ../shared/fortnox/openapi.json beside the repository."""
    override = os.environ.get("FORTNOX_OPENAPI")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "shared" / "fortnox" / "openapi.json"


@functools.lru_cache(maxsize=1)
def _raw_spec(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _nullable(schema: Any) -> Any:
    """The schema, also accepting null."""
    if not isinstance(schema, dict):
        return schema
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        out = {**schema, "type": [*types, "null"] if "null" not in types else types}
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out
    return {"anyOf": [schema, {"type": "null"}]}


def _lenient(node: Any) -> Any:
    """A copy of a schema node with the known gaps of the spec tolerated (see the module docstring)."""
    if isinstance(node, list):
        return [_lenient(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _lenient(value) for key, value in node.items()}
    if out.get("type") in ("integer", "number"):
        out["type"] = [out["type"], "string"]
        out.setdefault("pattern", NUMERIC_STRING)  # applies to the string form only
    properties = out.get("properties")
    if isinstance(properties, dict):
        required = set(out.get("required", []))
        out["properties"] = {
            name: schema if name in required else _nullable(schema) for name, schema in properties.items()
        }
    return out


@functools.lru_cache(maxsize=2)
def _spec(strict: bool) -> dict[str, Any]:
    raw = _raw_spec(str(spec_path()))
    if strict:
        return raw
    spec = dict(raw)
    schemas = copy.deepcopy(raw["components"]["schemas"])
    for name, optional in KNOWN_OPTIONAL.items():
        if name in schemas and "required" in schemas[name]:
            schemas[name]["required"] = [r for r in schemas[name]["required"] if r not in optional]
    error = schemas.get("fortnox_ErrorInformationWrap_ErrorInformation")
    if error is not None:
        for upper, lower in (("Error", "error"), ("Message", "message"), ("Code", "code")):
            if upper in error.get("properties", {}):
                error["properties"][lower] = copy.deepcopy(error["properties"][upper])
    spec["components"] = {**raw["components"], "schemas": {name: _lenient(s) for name, s in schemas.items()}}
    return spec


@functools.lru_cache(maxsize=2)
def _registry(strict: bool) -> Registry:
    resource = Resource.from_contents(_spec(strict), default_specification=DRAFT7)
    return Registry().with_resource(SPEC_URI, resource)


def _validate(payload: Any, ref: str, strict: bool, what: str) -> None:
    validator = Draft7Validator({"$ref": f"{SPEC_URI}{ref}"}, registry=_registry(strict),
                                format_checker=Draft7Validator.FORMAT_CHECKER)
    errors = sorted((leaf for e in validator.iter_errors(payload) for leaf in _expand(e)),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        lines = [f"{what} does not match {ref}:"]
        for error in errors[:20]:
            location = "/".join(str(p) for p in error.absolute_path) or "(root)"
            lines.append(f"  at {location}: {error.message}")
        raise ContractError("\n".join(lines))


def _expand(error: ValidationError) -> list[ValidationError]:
    """Replace an anyOf failure by the errors of the branch that was meant (not "is not valid under any …")."""
    if error.validator != "anyOf" or not error.context:
        return [error]
    branches: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errs for errs in branches.values()
             if not all(e.validator == "type" and e.validator_value == "null" for e in errs)]
    if len(meant) == 1:
        return [leaf for sub in meant[0] for leaf in _expand(sub)]
    best = best_match(error.context)
    return _expand(best) if best is not None else [error]


def _path_key(path_template: str, strict: bool) -> str:
    """The spec's path key: exact, or the template a concrete path like /3/vouchers/A/1 matches."""
    paths = _spec(strict)["paths"]
    path = path_template.split("?", 1)[0]
    if path in paths:
        return path
    for key in paths:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(key)) + "$"
        if re.match(pattern, path):
            return key
    raise ContractError(f"{path_template} is not a path in Fortnox's OpenAPI description")


def _json_schema_ref(content: dict[str, Any] | None, what: str) -> str:
    for media in ("application/json", "*/*"):
        schema = (content or {}).get(media, {}).get("schema")
        if schema and "$ref" in schema:
            return schema["$ref"]
    raise ContractError(f"{what} has no JSON schema in Fortnox's OpenAPI description")


def validate_response(payload: Any, method: str, path_template: str, status: int = 200, *,
                      strict: bool = False) -> None:
    """Check a response body against the operation's schema for `status` (falling back to `default`)."""
    key = _path_key(path_template, strict)
    operation = _spec(strict)["paths"][key].get(method.lower())
    if operation is None:
        raise ContractError(f"{method.upper()} {key} is not in Fortnox's OpenAPI description")
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    what = f"{method.upper()} {key} -> {status}"
    if response is None:
        raise ContractError(f"{what} is not a documented response")
    _validate(payload, _json_schema_ref(response.get("content"), what), strict, what)


def validate_request(payload: Any, method: str, path_template: str, *, strict: bool = False) -> None:
    """Check a request body against the operation's request schema."""
    key = _path_key(path_template, strict)
    operation = _spec(strict)["paths"][key].get(method.lower())
    if operation is None:
        raise ContractError(f"{method.upper()} {key} is not in Fortnox's OpenAPI description")
    what = f"request body of {method.upper()} {key}"
    _validate(payload, _json_schema_ref(operation.get("requestBody", {}).get("content"), what), strict, what)


def validate_schema(payload: Any, schema_name: str, *, strict: bool = False) -> None:
    """Check a payload against a named component schema (`Voucher_Wrap` or `fortnox_Voucher_Wrap`)."""
    schemas = _spec(strict)["components"]["schemas"]
    name = schema_name if schema_name in schemas else SCHEMA_PREFIX + schema_name
    if name not in schemas:
        raise ContractError(f"{schema_name} is not a schema in Fortnox's OpenAPI description")
    _validate(payload, f"#/components/schemas/{name}", strict, f"payload for {name}")
