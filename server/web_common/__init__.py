"""What the adapters (API, pages, Socket.IO, printing) share, so none of them imports another: how a refusal
becomes an HTTP status (refusals) and the wording of waits (waits). Every adapter may import this package; it
imports no adapter (.importlinter)."""
