#!/usr/bin/env bash
# Follows the README's "Add a defense" section on a fixture package: a separate package that
# depends on InversionLab, adds a defense module and builds its own invlab with it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixture="$root/Tests/Fixtures/ExtensionPackage"
mkdir -p "$fixture/.deps"
ln -sfn "$root" "$fixture/.deps/InversionLab"
cd "$fixture"
# A binary left by an earlier build must not stand in for one that failed to build now.
rm -f "$root/.build-extension/debug/team-invlab"
swift build --scratch-path "$root/.build-extension" --product team-invlab 2>&1 | grep -E "error|warning: .*Temperature" || true
bin="$root/.build-extension/debug/team-invlab"
[ -x "$bin" ] || { echo "extension test: the fixture package did not build"; exit 1; }
"$bin" plugins --kind defense | grep -q "temperature: Publish softmax(logits / T)" \
  || { echo "extension test: 'temperature' missing from the team's invlab plugins"; exit 1; }
"$bin" validate spec.yaml
out="$(mktemp -d)"
INVLAB_CACHE_DIR="$out/cache" "$bin" run spec.yaml --out "$out/run" --quiet > "$out/stdout"
grep -q "completed" "$out/stdout" || { cat "$out/stdout"; echo "extension test: the run did not complete"; exit 1; }
# The README's one-file metric: its column reaches results.csv and the terminal summary.
head -1 "$out/run/results.csv" | grep -q "brightness_match" || { echo "extension test: brightness_match is not a column of results.csv"; exit 1; }
grep -q "brightness_match" "$out/stdout" || { echo "extension test: brightness_match is not in the terminal summary"; exit 1; }
python3 - "$root/README.md" "$fixture/Sources/TemperatureDefense/BrightnessMatchMetric.swift" <<'PY' || { echo "extension test: the README's metric example and the fixture differ"; exit 1; }
import re, sys
readme, fixture = open(sys.argv[1]).read(), open(sys.argv[2]).read()
example = re.search(r"```swift\n(/// Share of reconstructions whose mean brightness.*?)```", readme, re.S).group(1)
sys.exit(0 if example in fixture else 1)
PY
# A misspelt id is reported with the new plugin as the suggestion.
sed 's/type: temperature,/type: temprature,/' spec.yaml > "$out/bad.yaml"
if "$bin" validate "$out/bad.yaml" 2> "$out/stderr"; then echo "extension test: a bad spec validated"; exit 1; fi
grep -q "did you mean 'temperature'" "$out/stderr" || { cat "$out/stderr"; exit 1; }
rm -rf "$out"
echo "extension test: ok (a package outside InversionLab added the 'temperature' defense and ran it)"
