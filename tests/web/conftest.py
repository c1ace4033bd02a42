"""The web tests run on the server tests' fixtures (the real app over each test's database, both
databases); they are loaded from tests/server/conftest.py rather than written twice."""

import importlib.util
import sys
from pathlib import Path

SERVER_TESTS = Path(__file__).resolve().parents[1] / "server"
sys.path.append(str(SERVER_TESTS))
_spec = importlib.util.spec_from_file_location("server_conftest", SERVER_TESTS / "conftest.py")
_server = importlib.util.module_from_spec(_spec)
sys.modules["server_conftest"] = _server
_spec.loader.exec_module(_server)

make_server = _server.make_server
server = _server.server
client = _server.client
story = _server.story
