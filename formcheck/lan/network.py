"""This machine's address on the local network: the one its routing table uses to reach other machines."""

from __future__ import annotations

import contextlib
import ipaddress
import socket

# Any address outside this machine: connecting a UDP socket sends nothing, it only asks the routing table which
# local address would be used (a private-range probe, so no public host is ever named).
_ROUTE_PROBE = ("10.254.254.254", 9)


def usable_lan_address(address: str) -> bool:
    """IPv4, not loopback, link-local, unspecified or multicast: another device on the network can reach it."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return parsed.version == 4 and not (
        parsed.is_loopback or parsed.is_link_local or parsed.is_unspecified or parsed.is_multicast
    )


def lan_address() -> str | None:
    """The routed local IPv4 address, else one of the host name's, else None (no network)."""
    candidates: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(_ROUTE_PROBE)
        candidates.append(str(probe.getsockname()[0]))
    with contextlib.suppress(OSError):
        candidates += [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    return next((address for address in candidates if usable_lan_address(address)), None)
