"""Background jobs: end of day at each office's closing time and the automatic no-show sweep."""
