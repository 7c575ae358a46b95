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


def test_user_add_welsh_and_the_welsh_command(monkeypatch, capsys):
    from sqlalchemy import select

    from iaa.db import session_scope
    from iaa.models import AuditEntry, StaffUser

    def speaks(username):
        with session_scope() as db:
            return db.scalar(select(StaffUser.speaks_welsh).where(StaffUser.username == username))

    monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
    assert main(["user", "add", "cli-cymraeg", "--first-name", "Nia", "--role", "staff", "--welsh",
                 "--password-stdin"]) == 0
    assert "speaks Welsh" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
    assert main(["user", "add", "cli-english", "--first-name", "Tom", "--role", "staff", "--password-stdin"]) == 0
    assert speaks("cli-cymraeg") is True and speaks("cli-english") is False
    assert main(["user", "welsh", "cli-english", "on"]) == 0
    assert speaks("cli-english") is True
    assert main(["user", "welsh", "cli-cymraeg", "off"]) == 0
    assert speaks("cli-cymraeg") is False
    assert "does not speak Welsh" in capsys.readouterr().out
    assert main(["user", "welsh", "nobody-here", "on"]) == 2
    assert "no user 'nobody-here'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["user", "welsh", "cli-english", "maybe"])
    with session_scope() as db:
        entries = [(e.username, e.detail) for e in db.scalars(select(AuditEntry).where(AuditEntry.action == "user_welsh"))]
    assert [d.split(",")[0] for _, d in entries] == ["cli-english: speaks Welsh", "cli-cymraeg: does not speak Welsh"]
    assert all(u == "(command line)" for u, _ in entries)
