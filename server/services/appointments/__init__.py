"""Appointment use cases: setting up bookable schedules, booking, check-in, calling's inputs, emails, privacy."""
