"""flask-smorest's Api, with Waitwell's one JSON error shape for every /api error."""

from __future__ import annotations

from typing import Any

from flask_smorest import Api
from marshmallow import INCLUDE, Schema, fields


class ErrorDetailSchema(Schema):
    """What went wrong, for a program (`code`) and for a person (`message`)."""

    class Meta:
        ordered = True
        unknown = INCLUDE  # an error may say more (a rate limit names its `limit`)

    code = fields.Str(required=True, metadata={"description": "What went wrong, for a program: not_found, "
                                                              "invalid_request, illegal_transition, ..."})
    message = fields.Str(required=True, metadata={"description": "What went wrong, in words a person can act on"})
    invalid_fields = fields.Dict(data_key="fields", metadata={
        "description": "With invalid_request: each invalid field (by where it was: json, query, path) and why"})
    limit = fields.Str(metadata={"description": "With too_many_requests: the limit that was reached"})


class ErrorSchema(Schema):
    """Every API error: `{"error": {"code": ..., "message": ...}}` with the matching HTTP status."""

    class Meta:
        ordered = True

    error = fields.Nested(ErrorDetailSchema, required=True)


class WaitwellApi(Api):
    """Error handlers are Waitwell's own (see web_common/errors.py), not flask-smorest's, and the OpenAPI document
    declares their body as every operation's error response."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        return None


OPENAPI_SETTINGS: dict[str, Any] = {
    "API_TITLE": "Waitwell",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui-dist/",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Queue and appointment management for public-service counters."},
        "components": {
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer"},
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "session"},
            }
        },
    },
}
