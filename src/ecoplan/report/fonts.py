"""CJK fonts for the evaluation reports: find one installed, or say which package to install.

The PDF (WeasyPrint, through fontconfig) and the charts (matplotlib) need a font with the
Chinese glyphs on the machine that renders them; Word and HTML name the fonts and leave the
rendering to the reader's machine.  On Debian the fonts come from ``fonts-noto-cjk``
(``scripts/install-system-deps.sh`` installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from typing import Literal

Style = Literal["serif", "sans"]

DEBIAN_PACKAGE = "fonts-noto-cjk"

#: Families tried in order (Simplified-Chinese faces first).  Noto CJK is what Debian ships;
#: the rest are the same designs under Adobe's name, or common Windows/Linux Chinese fonts.
PREFERRED: dict[Style, tuple[str, ...]] = {
    "serif": (
        "Noto Serif CJK SC",
        "Source Han Serif SC",
        "Source Han Serif CN",
        "FangSong",
        "SimSun",
        "AR PL UMing CN",
        "Noto Serif CJK TC",
        "Noto Serif CJK JP",
    ),
    "sans": (
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "Source Han Sans CN",
        "SimHei",
        "Microsoft YaHei",
        "WenQuanYi Zen Hei",
        "WenQuanYi Micro Hei",
        "Noto Sans CJK TC",
        "Noto Sans CJK JP",
    ),
}


class CJKFontNotFoundError(RuntimeError):
    """No font with Chinese glyphs is installed on this machine."""

    def __init__(self, style: Style, searched: tuple[str, ...]) -> None:
        super().__init__(
            f"no CJK {style} font found (searched fontconfig for {', '.join(searched)} and any "
            f"font covering zh); install the Debian package {DEBIAN_PACKAGE} "
            f"(`apt-get install {DEBIAN_PACKAGE}`, or run scripts/install-system-deps.sh)"
        )
        self.style = style
        self.searched = searched


@dataclass(frozen=True)
class CJKFont:
    """An installed CJK font: its fontconfig family name and the file that holds it."""

    family: str
    path: str
    style: Style


def _fc_list() -> list[tuple[str, str, str]]:
    """``(family, style, file)`` of every font fontconfig says covers Chinese (``:lang=zh``)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    out = subprocess.run(
        [exe, ":lang=zh", "family", "style", "file"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    fonts: list[tuple[str, str, str]] = []
    for line in out.splitlines():
        # "/path/file.ttc: Family A,Family B:style=Regular"
        path, _, rest = line.partition(": ")
        fams, _, style = rest.partition(":style=")
        for fam in fams.split(","):
            if fam.strip():
                fonts.append((fam.strip(), style.split(",")[0].strip(), path.strip()))
    return fonts


def _matplotlib_fonts() -> list[tuple[str, str, str]]:
    """Fonts matplotlib knows of, as ``(family, style, file)`` (used when fc-list is absent)."""
    from matplotlib import font_manager

    return [
        (f.name, "Bold" if f.weight in ("bold", 700) else "Regular", f.fname)
        for f in font_manager.fontManager.ttflist
    ]


@cache
def find_cjk_font(style: Style = "serif") -> CJKFont:
    """The first installed font of :data:`PREFERRED` ``[style]``, else any font covering zh.

    Raises
    ------
    CJKFontNotFoundError
        When none is installed; the message names the Debian package to install.
    """
    fonts = _fc_list() or _matplotlib_fonts()
    regular = {fam: path for fam, sty, path in fonts if sty in ("Regular", "Book", "")}
    anyweight = {fam: path for fam, _sty, path in fonts}
    for fam in PREFERRED[style]:
        path = regular.get(fam) or anyweight.get(fam)
        if path:
            return CJKFont(fam, path, style)
    other: Style = "sans" if style == "serif" else "serif"
    for fam in PREFERRED[other]:
        path = regular.get(fam) or anyweight.get(fam)
        if path:
            return CJKFont(fam, path, style)
    if _fc_list():  # fontconfig says these cover zh even if we do not know their names
        fam, _sty, path = sorted(_fc_list())[0]
        return CJKFont(fam, path, style)
    raise CJKFontNotFoundError(style, PREFERRED[style])


def css_font_stack(style: Style, first: str | None = None) -> str:
    """A CSS ``font-family`` value: *first* (if given), :data:`PREFERRED`, a generic family.

    The stack does not depend on what is installed, so the HTML is the same on every machine;
    the PDF passes the family :func:`find_cjk_font` found as *first*.
    """
    fams = ([first] if first else []) + [f for f in PREFERRED[style] if f != first]
    generic = "serif" if style == "serif" else "sans-serif"
    return ", ".join(f'"{f}"' for f in fams) + f", {generic}"
