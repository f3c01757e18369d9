"""What the print agent and the server's side of it agree on, importable without the server's stack
(Flask, SQLAlchemy), so a kiosk PC's agent loads only what it uses."""

NAMESPACE = "/print-agent"
