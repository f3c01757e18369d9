"""Wait metrics on the web: the supervisor dashboard and reports, the public /waits page, Prometheus /metrics,
and the recorder that keeps each ticket's estimate at issue. Bound to the app in one call."""

from __future__ import annotations

from flask import Flask

from waitwell.runtime import Runtime
from waitwell.web import RUNTIME_KEY

RECORDER_KEY = "waitwell.issue_estimate_recorder"
RECORD_SETTING = "WAITWELL_RECORD_ISSUE_ESTIMATES"


def init_app(app: Flask) -> None:
    """Register the pages and /metrics, and (unless turned off) record the estimate of every new ticket."""
    from waitwell.dashboard import pages, prometheus, public
    from waitwell.services.metrics.stored_estimates import IssueEstimateRecorder

    app.register_blueprint(pages.bp)
    app.register_blueprint(public.bp)
    prometheus.init_app(app)
    runtime: Runtime = app.extensions[RUNTIME_KEY]
    if app.config.get(RECORD_SETTING, True) and not getattr(runtime, "_issue_estimates_recorded", False):
        recorder = IssueEstimateRecorder(runtime)
        recorder.subscribe(runtime.bus)
        runtime._issue_estimates_recorded = True  # type: ignore[attr-defined]  # one recorder per runtime
        app.extensions[RECORDER_KEY] = recorder
