"""Settings from defaults, a TOML file, ROSTRA_* variables and flags; `rostra serve --help`."""

from __future__ import annotations

import os
import stat

import pytest

from rostra.cli import build_parser, main
from rostra.config import ConfigError, Settings, ensure_secret_key


def test_defaults_match_the_documented_quick_start():
    settings = Settings.load(environ={})
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert settings.allowed_origins == ["http://127.0.0.1:8000", "http://localhost:8000"]
    assert settings.resolved_database_url == "sqlite:///data/rostra.db"
    assert settings.max_comment_chars == 5000
    assert settings.perspective_requests_per_minute == 60
    assert settings.coral_secret is None and settings.redis_url is None and settings.moderation == {}


def test_environment_variables_of_every_shape():
    settings = Settings.load(environ={
        "ROSTRA_PORT": "9000",
        "ROSTRA_ALLOWED_ORIGINS": "https://news.example, https://WWW.news.example:443/",
        "ROSTRA_DEMO": "false",
        "ROSTRA_MODERATION": '{"banned_words": ["foo"]}',
        "ROSTRA_REDIS_URL": "redis://127.0.0.1:6379/2",
        "ROSTRA_DATABASE_URL": "postgresql+psycopg://rostra@db/rostra",
    })
    assert settings.port == 9000 and settings.demo is False
    assert settings.allowed_origins == ["https://news.example", "https://www.news.example"]
    assert settings.moderation == {"banned_words": ["foo"]}
    assert settings.resolved_database_url == "postgresql+psycopg://rostra@db/rostra"


def test_file_then_environment_then_flags(tmp_path):
    config = tmp_path / "rostra.toml"
    config.write_text('[rostra]\nport = 7000\nworkers = 3\nmax_comment_chars = 800\n'
                      '[rostra.moderation]\npremoderation = "new_authors"\n')
    settings = Settings.load(str(config), environ={"ROSTRA_WORKERS": "2"}, overrides={"max_comment_chars": 900})
    assert (settings.port, settings.workers, settings.max_comment_chars) == (7000, 2, 900)
    assert settings.moderation == {"premoderation": "new_authors"}
    from_variable = Settings.load(environ={"ROSTRA_CONFIG": str(config)})
    assert from_variable.port == 7000


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ("port = 'eighty'\n", {}, "key 'port'"),
        ("port = 8000\nprot = 1\n", {}, "unknown setting(s): prot"),
        ("port = \n", {}, "line 1"),
        ("", {"ROSTRA_WORKERS": "many"}, "environment variable ROSTRA_WORKERS: workers"),
        ("", {"ROSTRA_MODERATION": "{not json"}, "ROSTRA_MODERATION: not a JSON object"),
        ("", {"ROSTRA_ALLOWED_ORIGINS": "ftp://x"}, "allowed_origins"),
        ("[moderation]\npremoderation = 'sometimes'\n", {}, "key 'moderation': moderation: Value error, premoderation"),
    ],
)
def test_bad_settings_name_their_source_and_field(tmp_path, text, environ, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.load(str(config), environ=environ)


def test_cli_reports_bad_settings_without_a_traceback(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text("port = 'eighty'\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["migrate", "--config", str(config)])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "bad.toml: key 'port': port:" in error and "Traceback" not in error


def test_serve_help_lists_every_setting(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for name in Settings.model_fields:
        assert f"--{name.replace('_', '-')}" in help_text
        assert f"ROSTRA_{name.upper()}" in help_text


def test_environment_round_trip_for_worker_processes():
    settings = Settings(port=8123, allowed_origins=["https://a.example"], moderation={"premoderation": "all"},
                        demo=False, secret_key="k")
    assert Settings.load(environ=settings.environment()) == settings


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    settings = Settings(data_dir=str(tmp_path / "data"))
    key = ensure_secret_key(settings)
    assert len(key) >= 40
    assert ensure_secret_key(settings) == key
    mode = stat.S_IMODE(os.stat(tmp_path / "data" / "secret_key").st_mode)
    assert mode == 0o600
    assert ensure_secret_key(Settings(data_dir=str(tmp_path / "data"), secret_key="configured")) == "configured"


def test_cli_names_an_unreachable_database(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["migrate", "--database-url", "postgresql+psycopg://rostra@127.0.0.1:1/nowhere"])
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith("rostra: database_url: cannot use postgresql+psycopg://rostra@127.0.0.1:1/nowhere")
    assert "Traceback" not in error
