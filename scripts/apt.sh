#!/usr/bin/env bash
# apt_install PKG...: install Debian packages non-interactively, as root or through sudo.
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
      echo "Cần quyền root để cài: $* (chạy: sudo apt-get install -y $*)" >&2; return 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${_DANVAN_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq
    _DANVAN_APT_UPDATED=1
  fi
  $sudo apt-get install -y -qq --no-install-recommends "$@"
}
