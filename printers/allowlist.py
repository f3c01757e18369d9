"""What a server lets its printers reach: device files by pattern, networks by address range, preview pictures
in one folder.

A printer's settings are a capability of the server, not of the admin who types them: a device-file printer
opens any path the server may write (as root, any file), a network printer connects anywhere the server can.
So a server hands its allowlist to `PrinterSettings`, which refuses a path or an address outside it when the
printer is saved, and checks again when it connects (a device's links followed, a host name resolved), so a
link or a DNS answer changed since cannot lead elsewhere. Without an allowlist (a print agent on its kiosk PC,
the command line) the settings reach what the person at that machine configured.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from waitwell.printers.errors import PrinterError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_DEVICE_PATTERNS = ("/dev/usb/lp*", "/dev/ttyUSB*", "/dev/ttyS*")
# Private and loopback ranges, where a ticket printer sits. Not link-local (169.254.0.0/16, fe80::/10): a cloud
# server's metadata service answers there.
DEFAULT_NETWORKS: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(text) for text in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fc00::/7"))
PREVIEW_SUFFIX = ".png"


class PrinterNotAllowed(PrinterError):
    """A printer's host resolved, when connecting, to an address outside the server's allowed networks."""

    code = "printer_not_allowed"


@dataclass(frozen=True)
class PrinterAllowlist:
    """The device patterns (matched whole, `*` within one path segment, after following links), the networks
    and the preview folder (None: a preview printer keeps no picture) that a server's printers may use."""

    device_patterns: tuple[str, ...] = DEFAULT_DEVICE_PATTERNS
    networks: tuple[IPNetwork, ...] = DEFAULT_NETWORKS
    preview_folder: Path | None = field(default=None)

    def device_problem(self, path: str) -> str | None:
        """Why a device-file or serial printer may not use `path`, or None when it may."""
        if self.allowed_device(path):
            return None
        allowed = ", ".join(self.device_patterns) or "none"
        return (f"{path} is not an allowed printer device (allowed, after following links: {allowed}); "
                "the server's administrator can allow others (docs/printers.md)")

    def allowed_device(self, path: str) -> bool:
        if not path.strip() or not os.path.isabs(path):
            return False
        real = PurePosixPath(os.path.realpath(path))
        return any(real.match(pattern) for pattern in self.device_patterns)

    def host_problem(self, host: str) -> str | None:
        """Why a network printer may not be at `host` when it is an address; a name is checked when connecting."""
        try:
            address = ipaddress.ip_address(host.strip())
        except ValueError:
            return None
        return None if self.allowed_address(address) else self._address_refusal(host, address)

    def allowed_address(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address.version == network.version and address in network for network in self.networks)

    def connect(self, host: str, port: int, timeout: float) -> socket.socket:
        """A TCP connection to the first allowed address `host` resolves to (never to another address), like
        socket.create_connection; PrinterNotAllowed when it resolves to none in the allowed networks."""
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        allowed = [info for info in addresses if self.allowed_address(ipaddress.ip_address(info[4][0]))]
        if not allowed:
            refused = ipaddress.ip_address(addresses[0][4][0])
            raise PrinterNotAllowed(self._address_refusal(host, refused))
        last_error: OSError | None = None
        for family, kind, protocol, _name, address in allowed:
            connection = socket.socket(family, kind, protocol)
            try:
                connection.settimeout(timeout)
                connection.connect(address)
                return connection
            except OSError as error:
                connection.close()
                last_error = error
        assert last_error is not None
        raise last_error

    def preview_problem(self, path: str) -> str | None:
        """Why a preview printer may not keep its picture at `path`, or None when it may."""
        if self.preview_folder is None:
            return "a preview printer keeps no picture on this server: leave its path empty"
        target = self.preview_path(path)
        folder = self.preview_folder.resolve()
        if target.suffix.lower() != PREVIEW_SUFFIX or target.parent != folder:
            return (f"a preview printer keeps its picture as a {PREVIEW_SUFFIX} file directly in the server's "
                    f"instance folder ({folder}), such as last-ticket.png, not {path}")
        return None

    def preview_path(self, path: str) -> Path:
        """Where a preview picture goes: a relative path is in the preview folder; links are followed."""
        folder = self.preview_folder or Path.cwd()
        return (folder / path).resolve()

    def _address_refusal(self, host: str, address: IPAddress) -> str:
        allowed = ", ".join(str(network) for network in self.networks) or "none"
        at = f" ({address})" if str(address) != host.strip() else ""
        return (f"the printer address {host}{at} is outside the allowed printer networks ({allowed}); the server's "
                "administrator can allow others (docs/printers.md)")
