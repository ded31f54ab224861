#!/usr/bin/env bash
# Install the Debian packages ecoplan's evaluation reports need (idempotent).
#
#   fonts-noto-cjk        Noto Sans/Serif CJK: Chinese glyphs for PDF, charts and HTML
#   libpango-1.0-0        WeasyPrint's text layout (with the two below)
#   libpangoft2-1.0-0
#   libharfbuzz-subset0   WeasyPrint ≥ 61 subsets the embedded fonts with HarfBuzz
#   libharfbuzz0b
#   libfontconfig1        font discovery (WeasyPrint and fc-list)
#   fontconfig            fc-list / fc-match, used by ecoplan.report.fonts
#   shared-mime-info      WeasyPrint's image type detection
#   poppler-utils         pdftoppm/pdftotext, to look at and check rendered reports
#   chromium              Debian's Chromium: the browser the page tests drive (Playwright,
#                         executablePath /usr/bin/chromium; no browser download)
#
# Only missing packages are installed; `apt-get update` runs once, and only when something
# is missing.  Run as root (or with sudo).  Safe to run again.
#
#   bash scripts/install-system-deps.sh           install what is missing
#   bash scripts/install-system-deps.sh --check   only report; exit 1 if something is missing
set -euo pipefail

CHECK_ONLY=0
case "${1:-}" in
  --check) CHECK_ONLY=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

PACKAGES=(
  fonts-noto-cjk
  libpango-1.0-0
  libpangoft2-1.0-0
  libharfbuzz-subset0
  libharfbuzz0b
  libfontconfig1
  fontconfig
  shared-mime-info
  poppler-utils
  chromium
)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if [ "$CHECK_ONLY" -eq 1 ]; then
  echo "install-system-deps: missing ${missing[*]}" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: need root or sudo" >&2; exit 1; }
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-system-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
for p in "${missing[@]}"; do
  if [ -z "$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}' | grep -v '(none)')" ]; then
    echo "install-system-deps: Debian package $p has no installation candidate" >&2
    exit 1
  fi
done
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if command -v fc-cache >/dev/null; then fc-cache -f >/dev/null 2>&1 || true; fi
echo "install-system-deps: done"
