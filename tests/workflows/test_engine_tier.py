"""The engine tier runs without Flask: its fixtures and tests import neither ``api`` nor Flask."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
_REPORT_HOST_MODULES = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(sorted(m for m in sys.modules if m.split(".")[0] in {"api", "flask", "flask_sqlalchemy"}))
"""


def test_the_engine_tier_imports_neither_api_nor_flask():
    modules = ["tests.databases", "tests.workflows.conftest"]
    modules += [f"tests.workflows.{path.stem}" for path in sorted(HERE.glob("test_*.py"))]
    result = subprocess.run(
        [sys.executable, "-c", _REPORT_HOST_MODULES, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"
