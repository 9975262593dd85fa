#!/usr/bin/env python3
"""The cost of a new connection through a proxy: open a connection, send the proxy benchmark's chat
completion twice on it (one at a time), close it, and repeat. Prints the latency of the first
request on each connection (which pays for the accept and the connection's set-up) and of the
second (which does not), as p50 / p90 / max in microseconds.

Usage: bench/scripts/new-connections.py PORT [CONNECTIONS=500] [PASSES=1]
Run it against a warmed-up target (the proxy benchmark's wrk warm-up, for example), and against
each target in turn, several passes: code run once per connection warms up slowly.
"""
import os
import socket
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
port = int(sys.argv[1])
connections = int(sys.argv[2]) if len(sys.argv) > 2 else 500
passes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
body = open(os.path.join(here, "chat-request.json"), "rb").read()
request = (
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Authorization: Bearer sk-bench\r\nContent-Length: %d\r\n\r\n" % len(body)
) + body


def answer(s):
    """Reads one answer: its head, then as many body bytes as Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise SystemExit("the target closed the connection before answering")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += s.recv(65536)
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit("answer not 200: " + head.split(b"\r\n")[0].decode())


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


for _ in range(passes):
    first, second = [], []
    for _ in range(connections):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for times in (first, second):
            start = time.perf_counter()
            s.sendall(request)
            answer(s)
            times.append((time.perf_counter() - start) * 1e6)
        s.close()
        time.sleep(0.002)
    print(
        f"port {port}, {connections} connections: first request p50 {pct(first, .5):.0f} "
        f"p90 {pct(first, .9):.0f} max {max(first):.0f} us; second p50 {pct(second, .5):.0f} "
        f"p90 {pct(second, .9):.0f} max {max(second):.0f} us",
        flush=True,
    )
