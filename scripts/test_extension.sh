#!/usr/bin/env bash
# Follows docs/extending.md from its text alone: every block preceded by `<!-- file: PATH -->` is
# written to PATH in a fresh package folder next to a link named InversionLab to this repository
# (the layout the page tells users to make); the package is built, its tests run, and the page's
# claims checked: the new plugins are listed, its spec validates and runs, the metric's column
# reaches the tables, a misspelt id gets a suggestion, and a stock invlab says where the plugin
# comes from.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.build-extension-src"          # a fixed place, so that SwiftPM reuses its build
package="$work/TeamDefense"
rm -rf "$package"
mkdir -p "$package"
ln -sfn "$root" "$work/InversionLab"
python3 - "$root/docs/extending.md" "$package" <<'PY'
import os, re, sys
page, package = open(sys.argv[1]).read(), sys.argv[2]
blocks = re.findall(r"<!-- file: (\S+) -->\n```[a-z]*\n(.*?)```", page, re.S)
names = [name for name, _ in blocks]
expected = ["Package.swift", "Sources/TemperatureDefense/TemperatureDefense.swift",
            "Sources/TemperatureDefense/BrightnessMatchMetric.swift", "Sources/TemperatureDefense/Registration.swift",
            "Sources/team-invlab/main.swift", "Tests/TemperatureDefenseTests/TemperatureDefenseTests.swift", "spec.yaml"]
if sorted(names) != sorted(expected):
    sys.exit(f"extension test: docs/extending.md names the files {names}, expected {expected}")
for name, text in blocks:
    path = os.path.join(package, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(text)
PY
cd "$package"
scratch="$root/.build-extension"
# A binary left by an earlier build must not stand in for one that failed to build now.
rm -f "$scratch/debug/team-invlab"
swift build --scratch-path "$scratch" --product team-invlab 2>&1 | grep -E "error|warning: .*(Temperature|Brightness)" || true
bin="$scratch/debug/team-invlab"
[ -x "$bin" ] || { echo "extension test: the package of docs/extending.md did not build"; exit 1; }
swift test --scratch-path "$scratch" > "$work/test.log" 2>&1 \
  || { tail -30 "$work/test.log"; echo "extension test: the package's own tests failed"; exit 1; }
grep -q "scaledSoftmax\|temperature T publishes" "$work/test.log" || { tail -30 "$work/test.log"; echo "extension test: the plugin's test did not run"; exit 1; }
"$bin" plugins --kind defense | grep -q "temperature: Publish softmax(logits / T)" \
  || { echo "extension test: 'temperature' missing from the team's invlab plugins"; exit 1; }
"$bin" validate spec.yaml
out="$(mktemp -d)"
INVLAB_CACHE_DIR="$out/cache" "$bin" run spec.yaml --out "$out/run" --quiet > "$out/stdout"
grep -q "completed" "$out/stdout" || { cat "$out/stdout"; echo "extension test: the run did not complete"; exit 1; }
# The page's one-file metric: its column reaches results.csv and the terminal summary.
head -1 "$out/run/results.csv" | grep -q "brightness_match" || { echo "extension test: brightness_match is not a column of results.csv"; exit 1; }
grep -q "brightness_match" "$out/stdout" || { echo "extension test: brightness_match is not in the terminal summary"; exit 1; }
# A misspelt id is reported with the new plugin as the suggestion.
sed 's/type: temperature,/type: temprature,/' spec.yaml > "$out/bad.yaml"
if "$bin" validate "$out/bad.yaml" 2> "$out/stderr"; then echo "extension test: a bad spec validated"; exit 1; fi
grep -q "did you mean 'temperature'" "$out/stderr" || { cat "$out/stderr"; exit 1; }
# A stock invlab does not know the plugin and says where plugins of other packages come from.
stock="${INVLAB_BINARY:-$root/.build/release/invlab}"
if [ -x "$stock" ]; then
  if "$stock" validate spec.yaml 2> "$out/stock"; then echo "extension test: a stock invlab accepted the team's plugin"; exit 1; fi
  grep -q "unknown defense 'temperature'" "$out/stock" && grep -q "only known to that package's own build of invlab" "$out/stock" \
    || { cat "$out/stock"; echo "extension test: the stock invlab's message does not say where the plugin comes from"; exit 1; }
fi
rm -rf "$out"
echo "extension test: ok (the package of docs/extending.md, built from the page, added 'temperature' and 'brightness_match' and ran them)"
