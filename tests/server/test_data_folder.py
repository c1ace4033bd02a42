"""Commands find the server's data folder or say where they looked; nothing of it is readable by others."""

from __future__ import annotations

import os
import stat

import pytest
from server_support import FakeEngine

from rostra.app import build_app
from rostra.cli import main
from rostra.config import Settings


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("command", [["set-role", "ada", "moderator"], ["apikey", "create", "--name", "k"],
                                     ["worker", "--once"]])
def test_a_command_run_elsewhere_names_the_folder_instead_of_creating_one(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    for variable in ("ROSTRA_DATA_DIR", "ROSTRA_DATABASE_URL", "ROSTRA_CONFIG"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(command)
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert f"no Rostra database in {tmp_path / 'data'}" in error and "Traceback" not in error
    assert list(tmp_path.iterdir()) == []


def test_a_command_finds_the_servers_folder_from_the_environment(tmp_path, monkeypatch, capsys):
    served = tmp_path / "srv" / "data"
    monkeypatch.chdir(tmp_path)
    assert main(["migrate", "--data-dir", str(served)]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("ROSTRA_DATA_DIR", str(served))
    assert main(["apikey", "create", "--name", "found"]) == 0
    assert main(["apikey", "list"]) == 0
    assert "found" in capsys.readouterr().out
    assert list(elsewhere.iterdir()) == []
    assert not (served / "secret_key").exists(), "only the server writes the secret key"


def test_database_and_secret_are_private_to_their_owner(tmp_path):
    data = tmp_path / "data"
    app = build_app(Settings(data_dir=str(data), demo=False), engine=FakeEngine())
    with app.state.runtime.store.write() as connection:
        connection.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
    files = sorted(path.name for path in data.iterdir())
    assert {"rostra.db", "secret_key"} <= set(files)
    for name in files:
        assert _mode(data / name) == 0o600, (name, oct(_mode(data / name)))
    assert _mode(data) == 0o700
    app.state.runtime.close()


def test_an_older_readable_database_is_narrowed(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "rostra.db").touch(mode=0o644)
    os.chmod(data / "rostra.db", 0o644)
    build_app(Settings(data_dir=str(data), demo=False, secret_key="k"), engine=FakeEngine()).state.runtime.close()
    assert _mode(data / "rostra.db") == 0o600
