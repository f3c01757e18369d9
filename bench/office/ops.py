"""The office's requests, each timed into a Timings: issue, tap, cancel, call next, complete, recall, transfer,
status reads and board reads. Every call-next and recall answer is logged for the double-call check and the
displays' latency."""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field

from http_client import Client, Timings, body_of
from layout import Office


@dataclass(frozen=True)
class Call:
    ticket_id: int
    key: str  # as a display's board names the call: number.call_count
    counter_id: int
    sent: float
    answered: float
    recall: bool = False


@dataclass
class CallLog:
    """Every call and recall the benchmark got an answer for, and the tickets it transferred back to a line."""

    calls: list[Call] = field(default_factory=list)
    transferred: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def double_calls(self) -> list[int]:
        """Tickets two call-nexts answered with (a ticket transferred back to a line may be called again)."""
        seen: set[int] = set()
        twice = []
        for call in self.calls:
            if call.recall or call.ticket_id in self.transferred:
                continue
            if call.ticket_id in seen:
                twice.append(call.ticket_id)
            seen.add(call.ticket_id)
        return twice


class Ops:
    def __init__(self, office: Office, seed: int = 7) -> None:
        self.office = office
        self.calls = CallLog()
        self._rng = random.Random(seed)
        self._services = list(office.weights)
        self._weights = list(office.weights.values())
        self._lock = threading.Lock()
        self.integration_token = next(iter(office.tokens.values()))

    def service(self) -> int:
        with self._lock:
            return self._rng.choices(self._services, weights=self._weights)[0]

    def issue(self, client: Client, timings: Timings, service_id: int | None = None) -> tuple[str, int] | None:
        """POST /api/v1/tickets as an integration does, with a staff API token of the office (the endpoint is not
        anonymous); the new ticket's token and service."""
        service_id = service_id or self.service()
        started = time.perf_counter()
        status, answer = client.post("/api/v1/tickets", b'{"service_id": %d}' % service_id,
                                     token=self.integration_token)
        timings.add(started, status)
        token = body_of(answer).get("token") if status == 201 else None
        return (str(token), service_id) if token else None

    def tap(self, client: Client, kiosk_index: int, timings: Timings) -> tuple[str, int] | None:
        """A kiosk tap (the path bench/kiosk measures): a new idempotency key per tap."""
        service_id = self.service()
        kiosk_id = self.office.kiosk_ids[kiosk_index % len(self.office.kiosk_ids)]
        body = b'{"service_id": %d, "idempotency_key": "%s"}' % (service_id, uuid.uuid4().hex.encode())
        started = time.perf_counter()
        status, answer = client.post(f"/api/v1/kiosks/{kiosk_id}/tickets", body)
        timings.add(started, status)
        url = body_of(answer).get("status_url") if status == 201 else None
        return (str(url).rsplit("/", 1)[-1].split("?")[0], service_id) if url else None

    def cancel(self, client: Client, token: str) -> int:
        return client.post(f"/api/v1/ticket-status/{token}/cancel")[0]

    def call_next(self, client: Client, counter_id: int, timings: Timings) -> tuple[int, dict | None]:
        """The answer's status and the ticket called (None: 404 nobody waiting for this counter, 409 it still
        has a ticket, or an error)."""
        sent = time.perf_counter()
        status, answer = client.post(f"/api/v1/counters/{counter_id}/call-next")
        timings.add(sent, status, timed=status != 404)
        ticket = body_of(answer) if status == 200 else {}
        if "id" not in ticket:
            return status, None
        self.calls.add(Call(int(ticket["id"]), f"{ticket.get('number')}.{ticket.get('call_count', 1)}",
                            counter_id, sent, time.perf_counter()))
        return status, ticket

    def complete(self, client: Client, ticket_id: int, timings: Timings) -> int:
        started = time.perf_counter()
        status = client.post(f"/api/v1/tickets/{ticket_id}/complete")[0]
        timings.add(started, status)
        return status

    def recall(self, client: Client, ticket_id: int, counter_id: int, timings: Timings) -> int:
        sent = time.perf_counter()
        status, answer = client.post(f"/api/v1/tickets/{ticket_id}/recall")
        timings.add(sent, status)
        ticket = body_of(answer)
        if status == 200 and ticket.get("state") == "called":
            self.calls.add(Call(ticket_id, f"{ticket.get('number')}.{ticket.get('call_count')}", counter_id, sent,
                                time.perf_counter(), recall=True))
        return status

    def transfer(self, client: Client, ticket_id: int, from_service: int, timings: Timings) -> int:
        to_service = next(s for s in self._services if s != from_service)
        started = time.perf_counter()
        status = client.post(f"/api/v1/tickets/{ticket_id}/transfer", b'{"service_id": %d}' % to_service)[0]
        timings.add(started, status)
        if status == 200:
            with self.calls.lock:
                self.calls.transferred.add(ticket_id)
        return status

    def status_api(self, client: Client, token: str, timings: Timings) -> None:
        started = time.perf_counter()
        timings.add(started, client.get(f"/api/v1/ticket-status/{token}")[0])

    def status_page(self, client: Client, token: str, timings: Timings) -> None:
        started = time.perf_counter()
        timings.add(started, client.get(f"/t/{token}")[0])

    def display_page(self, client: Client, index: int, timings: Timings) -> None:
        display_id = self.office.display_ids[index % len(self.office.display_ids)]
        started = time.perf_counter()
        timings.add(started, client.get(f"/display/{display_id}")[0])

    def waits_api(self, client: Client, timings: Timings) -> None:
        started = time.perf_counter()
        timings.add(started, client.get(f"/api/v1/offices/{self.office.id}/waits")[0])

    def kiosk_board(self, client: Client, index: int, timings: Timings) -> None:
        kiosk_id = self.office.kiosk_ids[index % len(self.office.kiosk_ids)]
        started = time.perf_counter()
        timings.add(started, client.get(f"/api/v1/kiosks/{kiosk_id}/board")[0])

    def free_counter(self, client: Client, counter_id: int) -> None:
        """Finish whatever ticket a counter still holds (a phase that ended between a call and its complete)."""
        status, answer = client.get(f"/api/v1/counters/{counter_id}")
        current = body_of(answer).get("current_ticket") if status == 200 else None
        if current and current.get("id"):
            client.post(f"/api/v1/tickets/{current['id']}/complete")
