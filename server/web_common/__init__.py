"""What the web adapters (API, pages, Socket.IO) share, so none of them imports another: how a refusal becomes an
HTTP status. Adapters may all import this package; it imports only services and below (.importlinter)."""
