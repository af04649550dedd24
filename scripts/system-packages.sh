#!/usr/bin/env bash
# Installs the system packages the project needs, when they are missing:
#   WeasyPrint's Pango and HarfBuzz (subset) libraries, Arial-metric fonts for the PDFs,
#   poppler-utils (pdftotext, to read PDFs back in tests) and Chromium (browser tests).
# As root this uses apt-get; otherwise it names what to install and carries on.
set -euo pipefail

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libpango-1.0.so || missing+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so || missing+=(libpangoft2-1.0-0)
have_lib libharfbuzz-subset.so || missing+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi "Liberation Sans" || missing+=(fonts-liberation2)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Missing system packages: ${missing[*]}"
    echo "Install them with your package manager (Debian/Ubuntu: sudo apt-get install ${missing[*]})."
    echo "PDF and browser tests are skipped until they are installed."
fi
