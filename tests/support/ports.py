"""Free loopback ports, for servers the tests start and for addresses where nothing listens."""

from __future__ import annotations

import socket


def free_port(consecutive: int = 1) -> int:
    """A loopback port nothing listens on (connecting to it is refused at once); with `consecutive`, the first
    of that many free ports in a row (`waitwell serve --workers N` listens on port..port+N-1)."""
    for _ in range(50):
        first = _any_free_port()
        if consecutive == 1 or _all_free(range(first, first + consecutive)):
            return first
    raise AssertionError(f"found no {consecutive} consecutive free ports")


def _any_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _all_free(ports: range) -> bool:
    probes: list[socket.socket] = []
    try:
        for port in ports:
            probe = socket.socket()
            probes.append(probe)
            probe.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        for probe in probes:
            probe.close()
