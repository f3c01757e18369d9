"""What the adapters (API, pages, Socket.IO, printing) share, so none of them imports another.

errors and unavailable: every error as JSON or a page; refusals: the HTTP status of a refusal; rate_limits;
audit_recorder: staff actions noted in the audit log; live_credentials: connections that end with their
credential; forms: the bare CSRF form of buttons; printer_allowlist: what this server's printers may reach;
qr: a QR code for a screen; stale_figures: when a last-10 figure is stale; waits: the wording of waits.
Every adapter may import this package; it imports no adapter (.importlinter)."""
