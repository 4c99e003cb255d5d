"""A plain WebSocket echo server (the `websockets` library) for the probe's --plain tests."""

import sys

from websockets.sync.server import serve


def echo(ws):
    for message in ws:
        ws.send(message)


if __name__ == "__main__":
    with serve(echo, "127.0.0.1", int(sys.argv[1])) as server:
        print("ready", flush=True)
        server.serve_forever()
