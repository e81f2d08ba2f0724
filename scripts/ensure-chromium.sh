#!/usr/bin/env bash
# Debian's Chromium and a CJK font for the browser tests (Playwright's own browser download needs
# the internet; without a Chinese font the screenshots would show empty boxes).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then missing+=(fonts-wqy-microhei); fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "ensure-chromium: missing ${missing[*]}; install them with apt-get as root" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "ensure-chromium: installed ${missing[*]}"
