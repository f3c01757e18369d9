"""Waitwell: queue and appointment management for public-service counters."""
