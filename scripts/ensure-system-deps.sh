#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium (driven by Playwright) and fonts
# that cover Vietnamese. Installed non-interactively, only when missing.
set -euo pipefail
source "$(dirname "$0")/apt.sh"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans" || missing+=(fonts-noto-core)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Cài gói hệ thống cho kiểm thử: ${missing[*]}"
  apt_install "${missing[@]}"
fi
