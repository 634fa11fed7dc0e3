"""The suite runs with the network blocked: opening an internet socket inside a test is refused."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketBlockedError


def test_internet_sockets_are_refused() -> None:
    with pytest.raises(SocketBlockedError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1, never routed
