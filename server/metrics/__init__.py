"""Wait metrics as plain functions over ticket histories: every figure defined once, here (see docs/metrics.md)."""
