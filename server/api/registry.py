"""The API's blueprints, in one list the app factory registers."""

from __future__ import annotations

from waitwell.api import appointments, auth_endpoints, counters, kiosks, metrics, printing, public, setup, tickets

BLUEPRINTS = [public.bp, tickets.bp, counters.bp, setup.bp, auth_endpoints.bp, kiosks.bp, printing.bp, metrics.bp,
              appointments.bp]
