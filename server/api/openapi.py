"""flask-smorest's Api, with Waitwell's one JSON error shape for every /api error."""

from __future__ import annotations

from typing import Any

from flask_smorest import Api


class WaitwellApi(Api):
    """Error handlers are Waitwell's own (see api/errors.py), not flask-smorest's."""

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
