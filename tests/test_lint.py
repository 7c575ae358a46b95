"""ruff over the whole tree, clean: unused imports, undefined names and the like fail CI."""
import subprocess
import sys

from iaa.settings import ROOT


def test_ruff_finds_nothing():
    ruff = ROOT / ".venv" / "bin" / "ruff"
    command = [str(ruff)] if ruff.exists() else [sys.executable, "-m", "ruff"]
    result = subprocess.run([*command, "check", "--output-format", "concise", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    """mypy over the files pyproject.toml's [tool.mypy] names: every package of ours."""
    mypy = ROOT / ".venv" / "bin" / "mypy"
    command = [str(mypy)] if mypy.exists() else [sys.executable, "-m", "mypy"]
    result = subprocess.run([*command, "--config-file", str(ROOT / "pyproject.toml")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
