#!/usr/bin/env bash
# Regenerates the plugin catalogue section of docs/catalogue.md from the registries
# (`invlab plugins --markdown`); a test keeps the two equal.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${INVLAB:-$root/.build/release/invlab}"
catalogue="$("$bin" plugins --markdown)"
python3 - "$root/docs/catalogue.md" "$catalogue" <<'PY'
import sys
path, catalogue = sys.argv[1], sys.argv[2]
text = open(path).read()
begin, end = "<!-- plugin-catalogue:begin -->", "<!-- plugin-catalogue:end -->"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + "\n" + catalogue.rstrip("\n") + "\n" + end + tail)
PY
echo "docs/catalogue.md: plugin catalogue updated"
