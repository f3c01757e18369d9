"""The queue engine's rules: plain Python that knows no web framework, database or printer."""
