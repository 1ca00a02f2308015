#!/usr/bin/env bash
# Make sure Python 3.11+ with venv support is there; on Debian/Ubuntu install python3-venv if missing.
set -euo pipefail
python="${1:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "Cần Python 3.11 trở lên (không tìm thấy '$python')." >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Cần Python 3.11 trở lên; '$python' là $("$python" --version 2>&1)." >&2
  exit 1
fi
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  source "$(dirname "$0")/apt.sh"
  version=$("$python" -c 'import sys; print(f"{sys.version_info.major}.{sys.version_info.minor}")')
  apt_install "python${version}-venv" || apt_install python3-venv
fi
