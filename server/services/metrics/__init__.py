"""Metric use cases: read ticket and counter histories from the database, hand them to `waitwell.metrics`."""
