"""A seeded discrete-event simulation of an office day that drives the real engine with a virtual clock."""
