"""The JSON API under /api/v1, documented with OpenAPI."""
