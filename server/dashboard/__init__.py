"""Wait metrics on the web: the supervisor dashboard and reports, the public /waits page, Prometheus /metrics,
and the recorder that keeps each ticket's estimate at issue. Bound to the app in one call."""

from __future__ import annotations

import os
import weakref

from flask import Flask

from waitwell.config import switch
from waitwell.runtime import Runtime
from waitwell.web import RUNTIME_KEY

RECORDER_KEY = "waitwell.issue_estimate_recorder"
RECORD_SETTING = "WAITWELL_RECORD_ISSUE_ESTIMATES"
_recorded: weakref.WeakSet[Runtime] = weakref.WeakSet()
ENV_SETTINGS = ("WAITWELL_STALE_AFTER_MINUTES", "WAITWELL_METRICS_TOKEN", "WAITWELL_METRICS_ALLOW", RECORD_SETTING)


def init_app(app: Flask) -> None:
    """Register the pages and /metrics, and (unless turned off) record the estimate of every new ticket."""
    from waitwell import realtime
    from waitwell.dashboard import pages, prometheus, public
    from waitwell.services.metrics.stored_estimates import IssueEstimateRecorder

    for setting in ENV_SETTINGS:  # the environment variable of the same name, unless the app config sets it
        if setting not in app.config and os.environ.get(setting):
            app.config[setting] = os.environ[setting]
    app.config[RECORD_SETTING] = switch(RECORD_SETTING, app.config.get(RECORD_SETTING), True)
    app.register_blueprint(pages.bp)
    app.register_blueprint(public.bp)
    prometheus.init_app(app)
    runtime: Runtime = app.extensions[RUNTIME_KEY]
    if app.config.get(RECORD_SETTING, True) and runtime not in _recorded:  # one recorder per runtime and bus
        behind = realtime.background_work()
        recorder = IssueEstimateRecorder(runtime, start=behind.start, sleep=behind.sleep, offload=behind.offload)
        recorder.subscribe(runtime.bus)
        _recorded.add(runtime)
        app.extensions[RECORDER_KEY] = recorder
