#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium (driven by Playwright), fonts that cover
# Vietnamese, LibreOffice Impress and Calc (tests/test_office.py opens every export in them,
# headless), poppler-utils (pdftotext), nginx + openssl (the proxy template's test) and PostgreSQL
# (the record's second engine).
# Installed non-interactively, only when missing.
set -euo pipefail
source "$(dirname "$0")/apt.sh"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Each LibreOffice module registers itself with one file; /usr/bin/soffice comes with either.
[ -e /usr/lib/libreoffice/share/.registry/impress.xcd ] || missing+=(libreoffice-impress)
[ -e /usr/lib/libreoffice/share/.registry/calc.xcd ] || missing+=(libreoffice-calc)
[ -x /usr/bin/pdftotext ] || missing+=(poppler-utils)
# tests/test_deploy.py checks the proxy template with nginx -t and serves it over TLS (openssl makes the cert).
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
# The write-path tests run on PostgreSQL too (tests/postgres.py starts a throwaway cluster with its pg_ctl).
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
# Read the list first: `fc-list | grep -q` fails under pipefail when grep stops early (SIGPIPE),
# which reported installed fonts as missing and ran apt-get on every `make test`.
fonts="$(fc-list : family 2>/dev/null || true)"
grep -qi "Noto Sans" <<<"$fonts" || missing+=(fonts-noto-core)
grep -qi "DejaVu Sans" <<<"$fonts" || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Cài gói hệ thống cho kiểm thử: ${missing[*]}"
  apt_install "${missing[@]}"
fi
