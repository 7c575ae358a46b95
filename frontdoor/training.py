"""Trains the Rasa model only when its inputs change: the model is named by their content hash."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from iaa.settings import RASA_ENV, ROOT

MODELS = ROOT / "models"
TRAINING_DATA = ["data/nlu", "data/rules", "data/stories"]


def _inputs() -> List[Path]:
    files = [ROOT / "bot" / "config.yml", *sorted((ROOT / "bot" / "domain").rglob("*.yml"))]
    for folder in TRAINING_DATA:
        files += sorted((ROOT / folder).rglob("*.yml"))
    # Custom NLU components change what the model does too.
    files += sorted((ROOT / "bot").rglob("*.py"))
    return files


def model_hash() -> str:
    digest = hashlib.sha256()
    for path in _inputs():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODELS / f"iaa-{model_hash()}.tar.gz"


def train_command(out: Path) -> List[str]:
    data = [str(ROOT / d) for d in TRAINING_DATA if (ROOT / d).exists() and any((ROOT / d).rglob("*.yml"))]
    return [sys.executable, "-m", "rasa", "train",
            "--config", str(ROOT / "bot" / "config.yml"),
            "--domain", str(ROOT / "bot" / "domain"),
            "--data", *data,
            "--out", str(out.parent),
            "--fixed-model-name", out.name[: -len(".tar.gz")]]


def ensure_model(force: bool = False, quiet: bool = False) -> Path:
    """The trained model for the current inputs, training it first if needed."""
    path = model_path()
    if path.exists() and not force:
        if not quiet:
            print(f"[train] model is up to date: {path.relative_to(ROOT)}", flush=True)
        return path
    MODELS.mkdir(exist_ok=True)
    print(f"[train] training data or config changed; training {path.name} (about 3 minutes on 2 cores)",
          flush=True)
    started = time.monotonic()
    result = subprocess.run(train_command(path), cwd=ROOT, env={**os.environ, **RASA_ENV},
                            stdout=subprocess.DEVNULL if quiet else None)
    if result.returncode != 0 or not path.exists():
        raise RuntimeError(f"rasa train failed (exit {result.returncode})")
    print(f"[train] trained in {time.monotonic() - started:.0f} s", flush=True)
    for old in MODELS.glob("iaa-*.tar.gz"):  # keep only the current model
        if old != path:
            old.unlink()
    return path
