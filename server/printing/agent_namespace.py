"""The server side of the print agent: a Socket.IO namespace that hands a kiosk's print jobs to its agent.

The agent signs in with an API token and its kiosk id, gets every pending job on connect and each new
one as it is queued, and acknowledges each ("printed" or "failed"). A job stays pending until it is
acknowledged, so jobs queued while the agent was away are sent when it comes back.
"""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from typing import Any

from flask import request
from flask_socketio import Namespace, join_room

from waitwell.domain.credentials import Credential
from waitwell.domain.errors import NotFound
from waitwell.domain.events import PrinterDeliveryChanged, PrintJobQueued
from waitwell.extensions import socketio
from waitwell.persistence import Role
from waitwell.persistence.devices import PrintDelivery, PrinterStatus
from waitwell.printing import device
from waitwell.printing.agent_protocol import NAMESPACE
from waitwell.runtime import Runtime
from waitwell.services import accounts, admin_views, kiosks, print_jobs, printers
from waitwell.services.print_jobs import PrintJobView
from waitwell.web import uow
from waitwell.web_common import live_credentials

log = logging.getLogger(__name__)


def kiosk_room(kiosk_id: int) -> str:
    return f"kiosk-{kiosk_id}"


class PrintAgentNamespace(Namespace):
    """`connect` with auth {"token", "kiosk_id"}, then `ready`; the server sends `print` for each pending job
    and each new one; the agent answers `printed` or `failed` for each."""

    def __init__(self, runtime: Runtime, *, give_up_after: timedelta) -> None:
        super().__init__(NAMESPACE)
        self.runtime = runtime
        self.give_up_after = give_up_after
        self._kiosk_of: dict[str, int] = {}  # socket id -> kiosk id

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        auth = auth or {}
        member = accounts.staff_member_for_token(uow(read_only=True), str(auth.get("token", "")),
                                                note_use=uow())
        if member is None:
            raise ConnectionRefusedError("unknown or revoked API token")
        try:
            kiosk = kiosks.get_kiosk(uow(read_only=True), int(auth.get("kiosk_id", 0)))
        except (NotFound, TypeError, ValueError):
            raise ConnectionRefusedError("unknown kiosk") from None
        if member.role != Role.ADMIN and kiosk.office_id not in member.office_ids:
            raise ConnectionRefusedError("this token's user is not staff of the kiosk's office")
        self._kiosk_of[request.sid] = kiosk.id  # type: ignore[attr-defined]
        # Dropped when its token is revoked or expires (web_common/live_credentials.py).
        sid: str = request.sid  # type: ignore[attr-defined]
        live_credentials.hold(NAMESPACE, sid, Credential(member.id, member.token_id))
        join_room(kiosk_room(kiosk.id))
        log.info("print agent for kiosk %d connected", kiosk.id)
        self._set_printer_status(kiosk.printer_id, PrinterStatus.ONLINE, "print agent connected")

    def on_ready(self, *_: Any) -> dict[str, Any]:
        """The agent is connected and listening: send every job still pending for its kiosk."""
        kiosk_id = self._kiosk_of.get(request.sid)  # type: ignore[attr-defined]
        if kiosk_id is None:
            return {"ok": False}
        pending = self._pending(kiosk_id=kiosk_id)
        for job in pending:
            self.emit("print", job_message(job), room=request.sid)  # type: ignore[attr-defined]
        return {"ok": True, "pending": len(pending)}

    def on_disconnect(self, *_: Any) -> None:
        kiosk_id = self._kiosk_of.pop(request.sid, None)  # type: ignore[attr-defined]
        if kiosk_id is not None and kiosk_id not in self._kiosk_of.values():
            printer_id = kiosks.get_kiosk(uow(read_only=True), kiosk_id).printer_id
            self._set_printer_status(printer_id, PrinterStatus.OFFLINE, "print agent disconnected")

    def on_printed(self, data: dict[str, Any]) -> dict[str, Any]:
        job = self._own_job(data)
        print_jobs.record_printed(uow(), job.id, attempts=_attempts(data))
        return {"ok": True, "job_id": job.id}

    def on_failed(self, data: dict[str, Any]) -> dict[str, Any]:
        job = self._own_job(data)
        if printers.get_printer(uow(read_only=True), job.printer_id).delivery != PrintDelivery.AGENT:
            return {"ok": False, "job_id": job.id, "reason": "the server prints to this printer now"}
        print_jobs.record_print_failure(uow(), job.id, reason=str(data.get("reason") or "unknown")[:500],
                                        give_up=bool(data.get("final")), attempts=_attempts(data),
                                        maybe_printed=data.get("uncertain") is True)
        return {"ok": True, "job_id": job.id}

    def on_status(self, data: dict[str, Any]) -> None:
        """The agent's own reading of its printer (online, paper_near_end, paper_out, offline, unknown)."""
        kiosk_id = self._kiosk_of.get(request.sid)  # type: ignore[attr-defined]
        try:
            status = PrinterStatus(str(data.get("status")))
        except ValueError:
            return
        if kiosk_id is not None:
            printer_id = kiosks.get_kiosk(uow(read_only=True), kiosk_id).printer_id
            self._set_printer_status(printer_id, status, str(data.get("detail", ""))[:240])

    def forward(self, event: PrintJobQueued) -> None:
        """Bus subscriber: push a job queued for an agent-delivered printer to its kiosk's agent right away."""
        if event.delivery != PrintDelivery.AGENT or event.kiosk_id is None:
            return
        job = print_jobs.get_print_job(self.runtime.uow(read_only=True), event.job_id)
        socketio.emit("print", job_message(job, self.runtime), to=kiosk_room(event.kiosk_id), namespace=NAMESPACE)

    def hand_over(self, event: PrinterDeliveryChanged) -> None:
        """Bus subscriber: a printer handed to print agents brings its pending jobs to the agents connected now
        (one that connects later asks for them itself), and they say how the printer is."""
        if event.delivery != PrintDelivery.AGENT:
            return
        for job in self._pending(printer_id=event.printer_id):
            if job.kiosk_id is not None:
                socketio.emit("print", job_message(job, self.runtime), to=kiosk_room(job.kiosk_id),
                              namespace=NAMESPACE)
        for kiosk in admin_views.kiosks_of(self.runtime.uow(read_only=True), office_id=event.office_id):
            if kiosk.printer_id == event.printer_id:
                socketio.emit("report_status", {}, to=kiosk_room(kiosk.id), namespace=NAMESPACE)

    def _pending(self, *, kiosk_id: int | None = None, printer_id: int | None = None) -> list[PrintJobView]:
        """Pending jobs for agents; those too old to be of use are given up rather than printed late."""
        pending = []
        uow = self.runtime.uow
        now = self.runtime.clock.now()
        for job in print_jobs.pending_jobs(uow(read_only=True), kiosk_id=kiosk_id, printer_id=printer_id,
                                           delivery=PrintDelivery.AGENT):
            if now - job.created_at > self.give_up_after:
                print_jobs.record_print_failure(uow(), job.id, reason="the print agent was offline", give_up=True)
            else:
                pending.append(job)
        return pending

    def _own_job(self, data: dict[str, Any]) -> PrintJobView:
        kiosk_id = self._kiosk_of.get(request.sid)  # type: ignore[attr-defined]
        job = print_jobs.get_print_job(uow(read_only=True), int(data.get("job_id", 0)))
        if job.kiosk_id != kiosk_id:
            raise NotFound(f"print job {job.id} is not for this agent's kiosk")
        return job

    def _set_printer_status(self, printer_id: int | None, status: PrinterStatus, detail: str) -> None:
        """What an agent says of its printer counts only while the printer is the agents': the server's print
        worker reports on a printer it sends to."""
        if printer_id is None or printers.get_printer(uow(read_only=True), printer_id).delivery != PrintDelivery.AGENT:
            return
        printers.record_printer_status(uow(), printer_id=printer_id, status=status, detail=detail)


def job_message(job: PrintJobView, runtime: Runtime | None = None) -> dict[str, Any]:
    """What the agent receives: the job id, the number (for its log) and the ESC/POS bytes to write, plus the
    same ticket marked REPRINT, which the agent prints instead when an earlier copy may have come out."""
    unit = runtime.uow(read_only=True) if runtime else uow(read_only=True)
    printer = printers.get_printer(unit, job.printer_id)
    data = base64.b64encode(device.render_job(printer, job.content)).decode("ascii")
    reprint = data if job.content.get("reprint") else base64.b64encode(
        device.render_job(printer, {**job.content, "reprint": True})).decode("ascii")
    return {"job_id": job.id, "number": job.number, "data": data, "reprint_data": reprint}


def _attempts(data: dict[str, Any]) -> int | None:
    value = data.get("attempts")
    return int(value) if isinstance(value, int) and value > 0 else None
