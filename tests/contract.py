"""Contract checks against Fortnox's own OpenAPI description, shared by every test that touches Fortnox payloads.

    from tests.contract import validate_answer, validate_request, validate_response, validate_schema

    validate_response(body, "GET", "/3/vouchers/{VoucherSeries}/{VoucherNumber}")
    validate_response(body, "POST", "/3/vouchers", status=201)
    validate_answer(http_response, "GET", "/3/sie/4")   # a whole HTTP answer: status, media type and body
    validate_request({"Voucher": {...}}, "POST", "/3/vouchers")
    validate_schema(body, "Voucher_Wrap")                # "fortnox_" prefix optional
    served_operations(app)                               # the spec's operations a Starlette app serves

The spec is `shared/fortnox/openapi.json` beside the repository (override with the FORTNOX_OPENAPI environment
variable). `$ref`s are resolved with a `referencing` registry, formats such as `date` are checked.

The live API departs from the spec in known ways (shared/fortnox/SOURCE.md, NOTES.md), and both the client and the
sandbox must behave like the live API. Every such departure is one entry of `ACCEPTED_DEVIATIONS`, with its reason
and source, and is applied only where the entry says: to the named schemas and properties (`FieldDeviation`), or to
the named operations and statuses (`AnswerDeviation`). Nothing else is relaxed: a payload the spec and the deviations
do not allow is a `ContractError`. Pass `strict=True` to validate against the spec exactly as written.
"""

from __future__ import annotations

import copy
import fnmatch
import functools
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx
from jsonschema import Draft7Validator, ValidationError
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from starlette.routing import BaseRoute, Mount, Route

SPEC_URI = "urn:fortnox:openapi"
NUMERIC_STRING = r"^-?\d+(\.\d+)?$"
SCHEMA_PREFIX = "fortnox_"
HTTP_METHODS = ("get", "post", "put", "delete", "patch")

Direction = Literal["request", "response"]
Mode = Literal["strict", "request", "response"]


class ContractError(AssertionError):
    """A payload does not match Fortnox's OpenAPI description."""


# -- the accepted deviations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldDeviation:
    """Properties of named component schemas that Fortnox fills otherwise than the spec declares.

    `change`: "nullable" (the property may be null), "numeric-string" (a number may arrive as a numeric string),
    "number" (a string may arrive as a JSON number), "empty-string" (a date or enum may be ""), "not-required" (a
    required property may be left out). `fields=None` means every property the schema does not mark required.
    `direction` says whether answers or request bodies deviate.
    """

    name: str
    change: Literal["nullable", "numeric-string", "number", "empty-string", "not-required"]
    schemas: tuple[str, ...]
    fields: tuple[str, ...] | None
    direction: Direction
    reason: str


@dataclass(frozen=True)
class AnswerDeviation:
    """Answers the operation's spec does not describe: for the operations matching `operations` (fnmatch patterns
    over "METHOD /spec/path") and the listed statuses, the body is checked against `body` instead of the declared
    schema (`combine="instead"`), or against both (`combine="also"`). `body=None` means raw bytes of `media_type`.
    `only_lists` narrows the entry to operations whose declared answer wraps a list.
    """

    name: str
    operations: tuple[str, ...]
    statuses: tuple[int, ...]
    media_type: str
    body: dict[str, Any] | None
    combine: Literal["instead", "also"]
    reason: str
    only_lists: bool = False

    def applies(self, method: str, path_key: str, status: int, list_answer: bool) -> bool:
        target = f"{method.upper()} {path_key}"
        return (status in self.statuses and any(fnmatch.fnmatchcase(target, p) for p in self.operations)
                and (list_answer or not self.only_lists))


def _error_information(error: str, message: str, code: str) -> dict[str, Any]:
    return {"type": "object", "required": [error, message, code],
            "properties": {error: {"type": "integer"}, message: {"type": "string"}, code: {"type": "integer"}}}


GATEWAY_STATUSES = (502, 503, 504)
ERROR_STATUSES = tuple(s for s in range(400, 600) if s not in (401, 429, *GATEWAY_STATUSES))

ACCEPTED_DEVIATIONS: tuple[FieldDeviation | AnswerDeviation, ...] = (
    AnswerDeviation(
        name="list answers carry MetaInformation",
        operations=("GET /3/*",), statuses=(200,), media_type="application/json", combine="also", only_lists=True,
        body={"type": "object", "required": ["MetaInformation"], "properties": {"MetaInformation": {
            "type": "object", "required": ["@TotalResources", "@TotalPages", "@CurrentPage"],
            "properties": {key: {"type": "integer", "minimum": 0}
                           for key in ("@TotalResources", "@TotalPages", "@CurrentPage")}}}},
        reason="The live API returns MetaInformation on every list answer; the spec's list wrappers do not declare "
               "it (SOURCE.md 'Known gaps'; NOTES.md §3.1; every list in recordings/).",
    ),
    AnswerDeviation(
        name="ErrorInformation in either casing",
        operations=("* /3/*",), statuses=ERROR_STATUSES, media_type="application/json", combine="instead",
        body={"type": "object", "required": ["ErrorInformation"], "properties": {"ErrorInformation": {"anyOf": [
            _error_information("Error", "Message", "Code"), _error_information("error", "message", "code")]}}},
        reason="The spec declares Error/Message/Code; the live API answers lowercase error/message/code today "
               "(2026) and capitalised keys earlier (2022) (SOURCE.md; NOTES.md §4.2; recordings/invoices/"
               "filter_invalid.yml and find_failure.yml).",
    ),
    AnswerDeviation(
        name="401 is a bare message",
        operations=("* /3/*", "* /api/*"), statuses=(401,), media_type="application/json", combine="instead",
        body={"type": "object", "required": ["message"], "additionalProperties": False,
              "properties": {"message": {"const": "unauthorized"}}},
        reason="A missing, invalid or expired bearer token gets 401 {\"message\":\"unauthorized\"}, not "
               "ErrorInformation (NOTES.md §1.9; recordings/authentication/expired_token.yml).",
    ),
    AnswerDeviation(
        name="429 is a bare message",
        operations=("* /3/*", "* /api/*"), statuses=(429,), media_type="application/json", combine="instead",
        body={"type": "object", "required": ["message"], "additionalProperties": False,
              "properties": {"message": {"const": "Too Many Requests"}}},
        reason="Fortnox documents the 429 status of its rate limit but not its body and the spec has none; the "
               "sandbox answers like its 401 (NOTES.md §2, 'simulator: {\"message\":\"Too Many Requests\"}').",
    ),
    AnswerDeviation(
        name="gateway errors are HTML pages",
        operations=("* /3/*", "* /api/*"), statuses=GATEWAY_STATUSES, media_type="text/html", body=None,
        combine="instead",
        reason="502/503/504 come from the gateway in front of the API (X-Krakend, NOTES.md §4.4), not from the API, "
               "so they carry no ErrorInformation; the sandbox sends the gateway's HTML page so a client never "
               "counts on JSON there (the exact page is unverified).",
    ),
    AnswerDeviation(
        name="attachment lists are arrays",
        operations=("GET /api/fileattachments/attachments-v1",), statuses=(200,), media_type="application/json",
        combine="instead",
        body={"type": "array", "items": {"$ref": f"{SPEC_URI}#/components/schemas/fileattachments_Attachment"}},
        reason="The spec describes the answer as \"A list of attachments\" but declares one Attachment object as "
               "its schema; the answer is the list (SOURCE.md: the spec is Fortnox's own, inconsistent here; "
               "NOTES.md §5.13).",
    ),
    AnswerDeviation(
        name="attachment counts are arrays",
        operations=("GET /api/fileattachments/attachments-v1/numberofattachments",), statuses=(200,),
        media_type="application/json", combine="instead",
        body={"type": "array",
              "items": {"$ref": f"{SPEC_URI}#/components/schemas/fileattachments_NumberOfAttachments"}},
        reason="The spec describes the answer as \"A list of the number of attachments on each entity\" (one per id "
               "in ?entityids=) but declares a single object as its schema (SOURCE.md; NOTES.md §5.13).",
    ),
    AnswerDeviation(
        name="SIE export is file bytes",
        operations=("GET /3/sie/{Type}",), statuses=(200,), media_type="application/octet-stream", body=None,
        combine="instead",
        reason="Declared as 204 without content; the live API streams the SIE file, PC8/CP437-encoded (SOURCE.md "
               "'Known gaps'; NOTES.md §5.5 and §9).",
    ),
    FieldDeviation(
        name="unset optional values are null",
        change="nullable", direction="response", fields=None,
        schemas=("fortnox_VoucherListItem", "fortnox_Voucher", "fortnox_Customer", "fortnox_Invoice",
                 "fortnox_Invoice_EDIInformation", "fortnox_Invoice_EmailInformation", "fortnox_Invoice_InvoiceRow",
                 "fortnox_InvoiceListItem", "fortnox_Supplier", "fortnox_SupplierInvoice_SupplierInvoiceRow"),
        reason="Fortnox writes unset values as null (\"Comments\": null): NOTES.md §4.4 and the real voucher list of "
               "§5.4; recordings/customers/find_id_1.yml, recordings/invoices/find_id_1.yml, all.yml and "
               "row_price_limit.yml (invoice rows). Supplier and supplier-invoice rows by analogy with the recorded "
               "customer and invoice rows (no recording of their own).",
    ),
    FieldDeviation(
        name="unset project fields are null",
        change="nullable", direction="response", fields=None,
        schemas=("fortnox_Project", "fortnox_ProjectListItem"),
        reason="Projects answer \"EndDate\": null, \"ProjectLeader\": null, \"StartDate\": null and "
               "\"ContactPerson\": null when unset (recordings/projects/all.yml, find_id_1.yml, save_new.yml).",
    ),
    FieldDeviation(
        name="unset VAT codes and cost centres of accounts are null",
        change="nullable", direction="response", fields=("VATCode", "CostCenter"),
        schemas=("fortnox_AccountListItem", "fortnox_AccountSingleItem"),
        reason="Real answers send unset VATCode and CostCenter as null (recordings/SOURCE.md, older answers; "
               "recordings/invoices/row_price_limit.yml for VATCode on invoice rows).",
    ),
    FieldDeviation(
        name="a supplier's unset cost centre is null",
        change="nullable", direction="response", fields=("CostCenter",), schemas=("fortnox_SupplierListItem",),
        reason="Real answers send an unset CostCenter as null (recordings/SOURCE.md; recordings/customers/"
               "find_id_1.yml for a customer).",
    ),
    FieldDeviation(
        name="invoice-row contribution as a number",
        change="number", direction="response",
        schemas=("fortnox_Invoice_InvoiceRow",), fields=("ContributionPercent", "ContributionValue"),
        reason="Declared as strings and recorded as \"0\" in 2023 (recordings/invoices/row_price_limit.yml); older "
               "answers send numbers (recordings/SOURCE.md). Both occur.",
    ),
    FieldDeviation(
        name="unset invoice dates and payment way are empty strings",
        change="empty-string", direction="response",
        schemas=("fortnox_Invoice",), fields=("InvoicePeriodStart", "InvoicePeriodEnd", "PaymentWay"),
        reason="A single invoice answers \"InvoicePeriodStart\": \"\", \"InvoicePeriodEnd\": \"\" and "
               "\"PaymentWay\": \"\" although they are declared as dates and an enum (NOTES.md §4.4 '\"\" for text "
               "fields'; recordings/invoices/find_id_1.yml).",
    ),
    FieldDeviation(
        name="customer sales account as a number",
        change="number", direction="response",
        schemas=("fortnox_Customer",), fields=("SalesAccount",),
        reason="Declared as a string; a created customer answers \"SalesAccount\": 3001 "
               "(recordings/customers/save_new_with_sales_account.yml).",
    ),
    FieldDeviation(
        name="voucher references are null until booked",
        change="nullable", direction="response",
        schemas=("fortnox_SupplierInvoice", "fortnox_InvoicePayment", "fortnox_SupplierInvoicePayment"),
        fields=("VoucherNumber", "VoucherSeries", "VoucherYear"),
        reason="VoucherNumber/VoucherSeries/VoucherYear are null while a document is unbooked (NOTES.md §4.4; for "
               "invoices recordings/invoices/all.yml).",
    ),
    FieldDeviation(
        name="final pay date is null until paid",
        change="nullable", direction="response",
        schemas=("fortnox_SupplierInvoice", "fortnox_SupplierInvoiceListItem"), fields=("FinalPayDate",),
        reason="FinalPayDate is null while a document is unpaid (NOTES.md §4.4 and §5.6; for invoices "
               "recordings/invoices/all.yml).",
    ),
    FieldDeviation(
        name="numbers as numeric strings",
        change="numeric-string", direction="response",
        schemas=("fortnox_InvoiceListItem",), fields=("CurrencyRate",),
        reason="The invoice list sends \"CurrencyRate\": \"1\" (NOTES.md §4.4; recordings/invoices/all.yml).",
    ),
    FieldDeviation(
        name="contract reference as a numeric string",
        change="numeric-string", direction="response",
        schemas=("fortnox_Invoice",), fields=("ContractReference",),
        reason="A created invoice answers \"ContractReference\": \"0\" (recordings/invoices/row_price_limit.yml).",
    ),
    FieldDeviation(
        name="Voucher.Year is optional on create",
        change="not-required", direction="request",
        schemas=("fortnox_Voucher",), fields=("Year",),
        reason="The spec requires Year; real clients omit it and pass ?financialyear= instead, and Fortnox then "
               "uses the year containing the date (NOTES.md §5.4 and §9).",
    ),
)


# -- the spec with the deviations applied ----------------------------------------------------------------------------


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


def raw_spec() -> dict[str, Any]:
    """Fortnox's OpenAPI description exactly as published (do not mutate)."""
    return _raw_spec(str(spec_path()))


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


def _numeric_string(schema: dict[str, Any]) -> dict[str, Any]:
    """A number schema that also accepts the number written as a string."""
    return {"anyOf": [schema, {"type": "string", "pattern": NUMERIC_STRING}]}


def _apply(schema: dict[str, Any], deviation: FieldDeviation) -> None:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    names = deviation.fields if deviation.fields is not None else [n for n in properties if n not in required]
    for name in names:
        if name not in properties:
            continue
        if deviation.change == "nullable":
            properties[name] = _nullable(properties[name])
        elif deviation.change == "numeric-string":
            properties[name] = _numeric_string(properties[name])
        elif deviation.change == "number":
            properties[name] = {"anyOf": [properties[name], {"type": "number"}]}
        elif deviation.change == "empty-string":
            properties[name] = {"anyOf": [properties[name], {"const": ""}]}
        else:
            schema["required"] = [r for r in schema.get("required", []) if r != name]


@functools.lru_cache(maxsize=3)
def _spec(mode: Mode) -> dict[str, Any]:
    raw = raw_spec()
    if mode == "strict":
        return raw
    schemas = copy.deepcopy(raw["components"]["schemas"])
    for deviation in ACCEPTED_DEVIATIONS:
        if isinstance(deviation, FieldDeviation) and deviation.direction == mode:
            for name in deviation.schemas:
                if name in schemas:
                    _apply(schemas[name], deviation)
    return {**raw, "components": {**raw["components"], "schemas": schemas}}


@functools.lru_cache(maxsize=3)
def _registry(mode: Mode) -> Registry:
    resource = Resource.from_contents(_spec(mode), default_specification=DRAFT7)
    return Registry().with_resource(SPEC_URI, resource)


def _mode(direction: Direction, strict: bool) -> Mode:
    return "strict" if strict else direction


def _validate(payload: Any, schema: dict[str, Any], mode: Mode, what: str) -> None:
    validator = Draft7Validator(schema, registry=_registry(mode), format_checker=Draft7Validator.FORMAT_CHECKER)
    errors = sorted((leaf for e in validator.iter_errors(payload) for leaf in _expand(e)),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        lines = [f"{what} does not match:"]
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
             if not all(e.validator == "type" and e.validator_value in ("null", "string") for e in errs)]
    if len(meant) == 1:
        return [leaf for sub in meant[0] for leaf in _expand(sub)]
    best = best_match(error.context)
    return _expand(best) if best is not None else [error]


# -- operations ---------------------------------------------------------------------------------------------------


def _template_pattern(template: str) -> str:
    return "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"


def path_key(path: str, strict: bool = False) -> str:
    """The spec's path key: exact, or the template a concrete path like /3/vouchers/A/1 matches."""
    paths = _spec(_mode("response", strict))["paths"]
    path = path.split("?", 1)[0]
    if path in paths:
        return path
    for key in paths:
        if re.match(_template_pattern(key), path):
            return key
    raise ContractError(f"{path} is not a path in Fortnox's OpenAPI description")


def _operation(method: str, path: str, strict: bool) -> tuple[str, dict[str, Any]]:
    key = path_key(path, strict)
    operation = _spec(_mode("response", strict))["paths"][key].get(method.lower())
    if operation is None:
        raise ContractError(f"{method.upper()} {key} is not in Fortnox's OpenAPI description")
    return key, operation


def _ref_of(content: dict[str, Any] | None) -> str | None:
    for media in ("application/json", "*/*"):
        schema = (content or {}).get(media, {}).get("schema")
        if schema and "$ref" in schema:
            return schema["$ref"]
    return None


def _is_list_wrapper(ref: str | None) -> bool:
    """True when the schema behind `ref` is an envelope around a list (`{"Vouchers": [...]}`)."""
    if ref is None or not ref.startswith("#/components/schemas/"):
        return False
    schemas = raw_spec()["components"]["schemas"]
    properties = schemas.get(ref.rsplit("/", 1)[1], {}).get("properties", {})
    return any(p.get("type") == "array" for p in properties.values())


def _answer_deviations(method: str, key: str, status: int, operation: dict[str, Any]) -> list[AnswerDeviation]:
    declared = operation.get("responses", {}).get(str(status), {}).get("content")
    list_answer = _is_list_wrapper(_ref_of(declared))
    return [d for d in ACCEPTED_DEVIATIONS
            if isinstance(d, AnswerDeviation) and d.applies(method, key, status, list_answer)]


def _declared_response(operation: dict[str, Any], status: int, what: str) -> dict[str, Any]:
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        raise ContractError(f"{what} is not a documented response")
    return response


def validate_response(payload: Any, method: str, path_template: str, status: int = 200, *,
                      strict: bool = False) -> None:
    """Check a JSON answer body against the operation's schema for `status` (else `default`), with the deviations."""
    key, operation = _operation(method, path_template, strict)
    what = f"{method.upper()} {key} -> {status}"
    deviations = [] if strict else _answer_deviations(method, key, status, operation)
    if any(d.body is None for d in deviations):
        raise ContractError(f"{what} is raw bytes, not JSON: check it with validate_answer")
    if not any(d.combine == "instead" for d in deviations):
        ref = _ref_of(_declared_response(operation, status, what).get("content"))
        if ref is None:
            raise ContractError(f"{what} has no JSON schema in Fortnox's OpenAPI description")
        _validate(payload, {"$ref": f"{SPEC_URI}{ref}"}, _mode("response", strict), what)
    for deviation in deviations:
        _validate(payload, deviation.body or {}, "response", f"{what} (accepted deviation: {deviation.name})")


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def validate_answer(response: httpx.Response, method: str, path_template: str, *, strict: bool = False) -> None:
    """Check a whole HTTP answer (status, media type, body) against the operation, with the deviations."""
    key, operation = _operation(method, path_template, strict)
    status = response.status_code
    what = f"{method.upper()} {key} -> {status}"
    deviations = [] if strict else _answer_deviations(method, key, status, operation)
    raw = next((d for d in deviations if d.body is None), None)
    if raw is not None:
        if _media_type(response) != raw.media_type or not response.content:
            raise ContractError(f"{what}: expected {raw.media_type} bytes, got {_media_type(response)!r} "
                                f"({len(response.content)} bytes) (accepted deviation: {raw.name})")
        return
    if any(d.combine == "instead" for d in deviations):
        declared: dict[str, Any] = {"application/json": {}}
    else:
        declared = _declared_response(operation, status, what).get("content") or {}
    if not declared:
        if response.content:
            raise ContractError(f"{what} is declared without content but has a {len(response.content)}-byte body")
        return
    if "application/json" not in declared:
        if not response.content:
            raise ContractError(f"{what} is declared as {sorted(declared)} but has no body")
        return
    if _media_type(response) != "application/json":
        raise ContractError(f"{what}: expected application/json, got {_media_type(response)!r}")
    try:
        payload = response.json()
    except ValueError as exc:
        raise ContractError(f"{what}: the body is not JSON: {response.text[:200]!r}") from exc
    validate_response(payload, method, key, status, strict=strict)


def validate_request(payload: Any, method: str, path_template: str, *, strict: bool = False) -> None:
    """Check a request body against the operation's request schema."""
    key, operation = _operation(method, path_template, strict)
    what = f"request body of {method.upper()} {key}"
    ref = _ref_of(operation.get("requestBody", {}).get("content"))
    if ref is None:
        raise ContractError(f"{what} has no JSON schema in Fortnox's OpenAPI description")
    _validate(payload, {"$ref": f"{SPEC_URI}{ref}"}, _mode("request", strict), what)


def validate_schema(payload: Any, schema_name: str, *, direction: Direction = "response", strict: bool = False) -> None:
    """Check a payload against a named component schema (`Voucher_Wrap` or `fortnox_Voucher_Wrap`)."""
    mode = _mode(direction, strict)
    schemas = _spec(mode)["components"]["schemas"]
    name = schema_name if schema_name in schemas else SCHEMA_PREFIX + schema_name
    if name not in schemas:
        raise ContractError(f"{schema_name} is not a schema in Fortnox's OpenAPI description")
    _validate(payload, {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}, mode, f"payload for {name}")


# -- which operations an app serves ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One operation of Fortnox's spec that an app serves: its method, the spec's path and the app's route path."""

    method: str
    path: str
    route: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def spec(self) -> dict[str, Any]:
        return raw_spec()["paths"][self.path][self.method.lower()]


def _segments(path: str) -> list[str | None]:
    """Path segments, with None for a parameter (`{Id}` in the spec, `{id}` or `{id:int}` in Starlette)."""
    return [None if s.startswith("{") and s.endswith("}") else s for s in path.strip("/").split("/")]


def _routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _routes(route.routes, prefix + route.path)
        elif isinstance(route, Route) and ":path}" not in route.path:
            yield prefix + route.path, set(route.methods or ())


def served_operations(app: Any) -> list[Operation]:
    """Every operation of the spec that one of the app's routes serves: same method, and the same path segment by
    segment (a parameter only matches a parameter). Catch-all routes (`{rest:path}`) serve no operation."""
    spec_paths = [(key, _segments(key), item) for key, item in raw_spec()["paths"].items()]
    found: dict[tuple[str, str], Operation] = {}
    for route_path, methods in _routes(app.routes):
        route_segments = _segments(route_path)
        for key, segments, item in spec_paths:
            if segments != route_segments:
                continue
            for method in methods:
                if method.lower() in HTTP_METHODS and method.lower() in item:
                    found.setdefault((method, key), Operation(method, key, route_path))
    return sorted(found.values(), key=lambda op: (op.path, op.method))
