from integration.harness import run_proxy, sio_server  # noqa: F401 - fixtures
