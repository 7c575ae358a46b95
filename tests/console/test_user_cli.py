import io

import pytest

from frontdoor.cli import main


@pytest.mark.parametrize("args, password, message", [
    (["bad name!", "--first-name", "X", "--role", "staff"], "long enough password", "letters, digits"),
    (["shorty", "--first-name", "X", "--role", "staff"], "short", "at least 12 characters"),
    (["noname", "--first-name", "  ", "--role", "staff"], "long enough password", "first name is required"),
])
def test_user_add_refuses_bad_input(monkeypatch, capsys, args, password, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert main(["user", "add", *args, "--password-stdin"]) == 2
    assert message in capsys.readouterr().err


def test_user_add_and_duplicate(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
    assert main(["user", "add", "cli-user", "--first-name", "Cai", "--role", "planner", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
    assert main(["user", "add", "cli-user", "--first-name", "Cai", "--role", "planner", "--password-stdin"]) == 2
    assert "already exists" in capsys.readouterr().err


def test_unknown_role_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["user", "add", "x", "--first-name", "X", "--role", "boss", "--password-stdin"])
    assert "invalid choice" in capsys.readouterr().err
