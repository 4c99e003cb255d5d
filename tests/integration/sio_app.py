"""A real python-socketio server for the integration tests (uvicorn, ASGI, engineio logging on)."""

import logging
import sys

import socketio

logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s:%(name)s:%(message)s")
sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*", logger=True, engineio_logger=True)
app = socketio.ASGIApp(sio)


@sio.event
async def echo(sid, data):
    return data
