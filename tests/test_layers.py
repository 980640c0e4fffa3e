"""The layer contract (pyproject.toml [tool.importlinter], docs/architecture.md): imports only point down.

`make lint` runs `lint-imports`; these tests show that the tree keeps the contract and that the
contract fails on an upward import planted in a copy of the tree.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_tree(to: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "static", "locale", "templates")
    for package in ("config", "wijkverband"):
        shutil.copytree(ROOT / package, to / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")


def test_the_tree_keeps_the_layers():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Layers only point down KEPT" in result.stdout


def test_the_contract_catches_an_upward_import(tmp_path):
    _copy_tree(tmp_path)
    assert _lint_imports(tmp_path).returncode == 0  # the copy alone passes
    # The transport reaching into a feature, inside a function as the old code did.
    planted = tmp_path / "wijkverband" / "realtime" / "publish.py"
    planted.write_text(planted.read_text() + "\n\ndef _peek():\n    from wijkverband.threads import selectors\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "Layers only point down BROKEN" in result.stdout
    assert "wijkverband.realtime.publish -> wijkverband.threads.selectors" in result.stdout


def test_the_contract_catches_an_app_reading_config(tmp_path):
    _copy_tree(tmp_path)
    planted = tmp_path / "wijkverband" / "threads" / "selectors.py"
    planted.write_text(planted.read_text() + "\nfrom config.env import env_int  # noqa: E402\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "wijkverband.threads.selectors -> config.env" in result.stdout
