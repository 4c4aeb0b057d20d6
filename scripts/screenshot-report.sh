#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and writes a PNG screenshot, to look at the
# page as a browser shows it (fonts, layout, inline charts) without a display.
#   scripts/screenshot-report.sh report.html [out.png] [width,height]
# Needs Debian's `chromium` (apt-get install -y chromium). No network is used: the report is
# self-contained and the flags switch off Chromium's background traffic.
set -euo pipefail
html=${1:?usage: $0 REPORT.html [OUT.png] [WIDTH,HEIGHT]}
out=${2:-${html%.html}.png}
size=${3:-1400,2000}
[ -f "$html" ] || { echo "$0: $html: no such file" >&2; exit 2; }
command -v chromium >/dev/null || { echo "$0: chromium not found (apt-get install -y chromium)" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(realpath "$html")
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --window-size="$size" \
  --screenshot="$(realpath -m "$out")" "file://$abs" >/dev/null 2>&1
[ -s "$out" ] || { echo "$0: chromium wrote no screenshot" >&2; exit 1; }
echo "wrote $out"
