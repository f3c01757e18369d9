"""Use cases of the queue engine: plain functions over a unit of work, called by the API, CLI and UIs."""
