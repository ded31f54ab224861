"""scripts/install-system-deps.sh: the Debian packages the reports need are installed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install-system-deps.sh"


def _packages() -> list[str]:
    body = SCRIPT.read_text(encoding="utf-8")
    block = re.search(r"PACKAGES=\(\n(.*?)\n\)", body, re.S)
    assert block, "PACKAGES=( … ) not found"
    return block.group(1).split()


def test_script_names_fonts_weasyprint_libs_and_poppler() -> None:
    pkgs = _packages()
    for p in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "poppler-utils"):
        assert p in pkgs


def test_everything_is_installed_here() -> None:
    """The tests' machine ran the script (CI must too): --check passes and installs nothing."""
    res = subprocess.run(
        ["bash", str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert res.returncode == 0, res.stderr
    assert f"all {len(_packages())} packages present" in res.stdout
    for p in _packages():  # and dpkg agrees, package by package
        st = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True, check=False
        )
        assert "install ok installed" in st.stdout, p


def test_bad_argument() -> None:
    res = subprocess.run(
        ["bash", str(SCRIPT), "--bogus"], capture_output=True, text=True, check=False
    )
    assert res.returncode == 2 and "usage" in res.stderr
