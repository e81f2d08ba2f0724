#!/usr/bin/env bash
# Debian's poppler-utils (pdftotext, pdftoppm) and zbar-tools (zbarimg) for the document tests:
# they read the center's PDFs back as text, as a PDF reader would, render first pages to PNG and
# decode the QR code of the acceptance notice from its picture.
set -euo pipefail
missing=()
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "ensure-pdf-tools: missing ${missing[*]}; install them with apt-get as root" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "ensure-pdf-tools: installed ${missing[*]}"
