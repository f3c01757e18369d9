"""The counter console: where a clerk signs in at a counter and calls, serves and finishes tickets."""
