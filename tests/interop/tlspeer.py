# SPDX-License-Identifier: Apache-2.0
"""TLS client pieces shared by the hostile-peer tests (hostile.py) and the soak test
(tests/soak/soak.py): Python's ssl module (OpenSSL) on 127.0.0.1."""
import socket
import ssl


def client_hello(version_max=None):
    """The ClientHello Python's ssl (OpenSSL) would send, as records."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if version_max:
        ctx.maximum_version = version_max
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def https_get(port, cafile, until, timeout, version_max=None):
    """GET / over a verified TLS connection to localhost; the reply read until it holds
    @until (or the server closes). Raises OSError / ssl.SSLError."""
    ctx = ssl.create_default_context(cafile=cafile)
    if version_max:
        ctx.maximum_version = version_max
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        with ctx.wrap_socket(s, server_hostname="localhost") as t:
            t.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data = b""
            while until not in data:
                chunk = t.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data
