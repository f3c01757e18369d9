"""Administration pages: offices, services, counters, devices, staff and API tokens."""
