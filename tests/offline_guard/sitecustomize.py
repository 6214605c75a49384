"""Block and record every outside connection of a Python process started for a test.

A process started with this folder on ``PYTHONPATH`` and ``ATLAS_OUTSIDE_LOG`` set (the
served app in the browser tests) may connect to loopback addresses only: any other name
lookup or connection raises ``OSError`` and is written, one line each, to that file.
"""

import ipaddress
import os
import socket

_LOG = os.environ.get("ATLAS_OUTSIDE_LOG")
_LOCAL_NAMES = {None, "", "localhost", "localhost.localdomain", b"localhost"}


def _is_local(host) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host
                                    ).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(what + "\n")
    raise OSError(f"outside traffic blocked by the test: {what}")


if _LOG:
    _getaddrinfo = socket.getaddrinfo
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            _refuse(f"lookup {host!r}")
        return _getaddrinfo(host, *args, **kwargs)

    def _checked(address) -> None:
        if isinstance(address, tuple) and not _is_local(address[0]):
            _refuse(f"connect {address!r}")

    def connect(self, address):
        _checked(address)
        return _connect(self, address)

    def connect_ex(self, address):
        _checked(address)
        return _connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
