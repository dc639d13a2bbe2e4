#!/bin/sh
# Renders a run's report.html to a PNG with headless Chromium, to check the page by eye or in CI.
#
#   scripts/screenshot_report.sh RUN_DIR OUT.png [WIDTH,HEIGHT]
#
# RUN_DIR must hold report.html (`invlab report RUN_DIR` writes it). The window defaults to
# 1280x2000 pixels; the PNG shows the top of the page at that size. CHROMIUM overrides the browser.
set -eu

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
    echo "usage: $0 RUN_DIR OUT.png [WIDTH,HEIGHT]" >&2
    exit 2
fi
run_dir=$1
out=$2
size=${3:-1280,2000}
browser=${CHROMIUM:-chromium}

if [ ! -f "$run_dir/report.html" ]; then
    echo "error: $run_dir/report.html not found; build it with: invlab report $run_dir" >&2
    exit 1
fi
if ! command -v "$browser" >/dev/null 2>&1; then
    echo "error: '$browser' not found; install Debian's chromium or set CHROMIUM" >&2
    exit 1
fi

page=$(cd "$run_dir" && pwd)/report.html
out_dir=$(dirname "$out")
mkdir -p "$out_dir"
out_path=$(cd "$out_dir" && pwd)/$(basename "$out")

# A private profile directory keeps runs independent of any user profile and of each other.
profile=$(mktemp -d "${TMPDIR:-/tmp}/invlab-screenshot.XXXXXX")
trap 'rm -rf "$profile"' EXIT INT TERM

rm -f "$out_path"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --screenshot="$out_path" --window-size="$size" "file://$page" >/dev/null 2>&1 || true

if [ ! -s "$out_path" ]; then
    echo "error: $browser wrote no screenshot to $out_path" >&2
    exit 1
fi
echo "$out_path"
