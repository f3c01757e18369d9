"""The audit log's web side: recording each staff request, and the supervisors' page and JSON."""
