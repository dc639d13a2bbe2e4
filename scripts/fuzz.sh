#!/usr/bin/env bash
# Fuzzes the spec loader and every file reader with libFuzzer (`make fuzz`).
#
#   scripts/fuzz.sh [SECONDS]      SECONDS (default 60) is the TOTAL budget, split evenly over
#                                  the targets (at least 5 s each); FUZZ_PER_TARGET=1 makes it
#                                  the budget of EACH target instead.
#
# Targets (one per reader; what each does with an input is in the harness files named below):
#   spec         YAMLLoader (libyaml + node builder), diagnostics rendering, emitYAML round trip,
#                SpecConfig decoding, sweeps, applyOverride, and the Core's ExperimentSpec
#                (Tests/InvLabSpecTests/Fuzz/SpecFuzzHarness.swift)
#   pnm png jpeg idx npy safetensors gzip
#                PNMCodec, PNGCodec, JPEGDecoder, IDXReader, NPYFile, Safetensors, Gzip
#                (Tests/InvLabIOTests/Fuzz/IOFuzzHarness.swift)
#   onnx         ONNXModel(serialized:) (swift-protobuf decoding, graph checks, initializers), then
#                one forward run and input gradient on a small input when the model loads
#                (Tests/InvLabONNXTests/Fuzz/ONNXFuzzHarness.swift)
#
# Environment:
#   FUZZ_TARGETS="png npy"  run a subset          FUZZ_JOBS=2   targets run in parallel (default 1)
#   FUZZ_BUILD_DIR=dir      build and working corpora (default .build/fuzz; kept between runs)
#   FUZZ_PER_TARGET=1       SECONDS per target    FUZZ_MAX_RESTARTS=n  restarts after crashes (10)
#
# Build: no SwiftPM. Each engine module a target needs (InvLabJSON, InvLabTensor, InvLabIO, InvLabSpec and,
# for `spec`, InvLabNN and InvLabCore; for `onnx`, SwiftProtobuf from SwiftPM's checkout in
# .build/checkouts, fetched with `swift package resolve` when absent, and InvLabONNX) is compiled once with
#   swiftc -O -wmo -parse-as-library -sanitize=fuzzer,address -emit-module -c <its sources>
# against the C system libraries' module maps (Sources/InvLabC*/module.modulemap, include paths
# from pkg-config); then each target is its entry point (Fuzz/Targets/spec.swift, or for every
# reader Fuzz/Targets/reader.swift, which picks the reader from the binary's name fuzz-<target>,
# or Fuzz/Targets/onnx.swift; all define LLVMFuzzerTestOneInput) plus its harness, linked with those objects and -lopenblas
# -lpng16 -lturbojpeg -lz -lyaml. -sanitize=fuzzer instruments our Swift code for coverage and
# links libFuzzer's main; the C libraries are not instrumented (they are exercised, not
# explored). Modules are rebuilt only when a source is newer than the object. If the Core does
# not compile (work in progress), `spec` is built without the ExperimentSpec decoding.
#
# Run: each target is started on its working corpus (FUZZ_BUILD_DIR/corpus/<target>) plus the
# read-only Fuzz/seeds/<target> and Fuzz/regression/<target>, with Fuzz/dictionaries/<target>.dict,
#   -max_len=4096 (2048 for idx, npy) -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10
#   -max_total_time=<share>
# (no input that small has a reason to make a reader allocate 512 MB at once, whatever its
# header claims, so such an allocation is an out-of-memory finding too)
# and SWIFT_BACKTRACE=enable=no (Swift's crash handler would hang after the first crash) and
# OPENBLAS_NUM_THREADS=1 (no idle OpenBLAS worker thread in each fuzzer process). libFuzzer
# stops at a crash, timeout or out-of-memory; the input (crash-*, timeout-*, oom-*, leak-*) is
# copied to Fuzz/regression/<target>/<kind>-<first 16 hex digits of its SHA-256>, and fuzzing
# resumes for the remaining time. An input already in Fuzz/regression that still crashes stops
# that target (fix it first). The replay tests run every seed and regression input in `swift test`.
# The exit status is 1 when any target crashed, hung, ran out of memory or failed to build.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SECONDS_TOTAL=${1:-60}
ALL_TARGETS=(spec pnm png jpeg idx npy safetensors gzip onnx)
read -r -a TARGETS <<< "${FUZZ_TARGETS:-${ALL_TARGETS[*]}}"
BUILD=${FUZZ_BUILD_DIR:-$ROOT/.build/fuzz}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
JOBS=${FUZZ_JOBS:-1}
MAX_RESTARTS=${FUZZ_MAX_RESTARTS:-10}
MODULES="$BUILD/modules"
mkdir -p "$MODULES" "$BUILD/bin" "$BUILD/logs" "$BUILD/results"

if ! [[ "$SECONDS_TOTAL" =~ ^[0-9]+$ ]] || [ "$SECONDS_TOTAL" -lt 1 ]; then
    echo "usage: scripts/fuzz.sh [SECONDS]   (got '$SECONDS_TOTAL')" >&2; exit 2
fi
for target in "${TARGETS[@]}"; do
    [[ " ${ALL_TARGETS[*]} " == *" $target "* ]] || { echo "unknown fuzz target '$target' (known: ${ALL_TARGETS[*]})" >&2; exit 2; }
done
if [ "${FUZZ_PER_TARGET:-0}" = 1 ]; then
    SHARE=$SECONDS_TOTAL
else
    SHARE=$(( SECONDS_TOTAL / ${#TARGETS[@]} )); [ "$SHARE" -lt 5 ] && SHARE=5
fi

# MARK: build

CFLAGS=()
for module in CYAML CBLAS CPNG CTurboJPEG CLibc CZlib; do
    CFLAGS+=(-Xcc "-fmodule-map-file=$ROOT/Sources/InvLab$module/module.modulemap")
done
for flag in $(pkg-config --cflags openblas libpng libturbojpeg zlib yaml-0.1 2>/dev/null); do CFLAGS+=(-Xcc "$flag"); done
LIBS=($(pkg-config --libs openblas libpng libturbojpeg zlib yaml-0.1 2>/dev/null || echo -lopenblas -lpng16 -lturbojpeg -lz -lyaml))
SWIFTC_FLAGS=(-swift-version 5 -O -gline-tables-only -parse-as-library -sanitize=fuzzer,address -I "$MODULES")

# module_directory NAME: where the sources of module NAME are.
module_directory() {
    case "$1" in
        SwiftProtobuf) echo ".build/checkouts/swift-protobuf/Sources/SwiftProtobuf" ;;
        *) echo "Sources/$1" ;;
    esac
}

# build_module NAME DEPENDENCY...: compiles Sources/NAME into MODULES/NAME.{o,swiftmodule} when stale.
build_module() {
    local name=$1; shift
    local object="$MODULES/$name.o" list="$MODULES/$name.sources" sources directory
    directory=$(module_directory "$name")
    if [ ! -d "$directory" ]; then
        echo "  $directory is missing (swift package resolve failed?)"; return 1
    fi
    sources=$(find "$directory" -name '*.swift' | sort)
    local stale=0
    if [ ! -f "$object" ] || [ "$sources" != "$(cat "$list" 2>/dev/null)" ] \
        || [ -n "$(find "$directory" -name '*.swift' -newer "$object" | head -1)" ]; then
        stale=1
    fi
    for dependency in "$@"; do [ "$MODULES/$dependency.o" -nt "$object" ] && stale=1; done
    [ "$stale" = 0 ] && return 0
    echo "building $name (sanitized)"
    # shellcheck disable=SC2086
    local extra=()
    # swift-protobuf uses `package` access between its files (SwiftPM passes a package name).
    [ "$name" = SwiftProtobuf ] && extra=(-package-name swift_protobuf)
    if swiftc "${SWIFTC_FLAGS[@]}" "${extra[@]}" -wmo -module-name "$name" -emit-module \
        -emit-module-path "$MODULES/$name.swiftmodule" -c $sources -o "$object.tmp" "${CFLAGS[@]}" \
        > "$BUILD/logs/build-$name.log" 2>&1; then
        mv "$object.tmp" "$object"
        echo "$sources" > "$list"
    else
        rm -f "$object" "$object.tmp"
        echo "  FAILED, see $BUILD/logs/build-$name.log:"; grep -m 5 'error:' "$BUILD/logs/build-$name.log" | sed 's/^/    /'
        return 1
    fi
}

# link_target TARGET SOURCE... -- OBJECT...: the fuzzer binary BUILD/bin/fuzz-TARGET.
link_target() {
    local target=$1; shift
    local sources=() objects=()
    while [ "$1" != "--" ]; do sources+=("$1"); shift; done; shift
    for module in "$@"; do objects+=("$MODULES/$module.o"); done
    echo "linking fuzz-$target"
    if ! swiftc "${SWIFTC_FLAGS[@]}" -module-name "Fuzz_$target" "${sources[@]}" "${objects[@]}" "${CFLAGS[@]}" \
        "${LIBS[@]}" -o "$BUILD/bin/fuzz-$target" > "$BUILD/logs/link-$target.log" 2>&1; then
        echo "  FAILED, see $BUILD/logs/link-$target.log:"; grep -m 5 'error' "$BUILD/logs/link-$target.log" | sed 's/^/    /'
        return 1
    fi
}

BUILD_FAILED=()
needs_io=0; needs_spec=0; needs_onnx=0
for target in "${TARGETS[@]}"; do
    case "$target" in spec) needs_spec=1 ;; onnx) needs_onnx=1 ;; *) needs_io=1 ;; esac
done
io_ok=0; spec_ok=0; core_ok=0; onnx_ok=0
if [ "$needs_io" = 1 ] || [ "$needs_spec" = 1 ]; then
    if build_module InvLabJSON && build_module InvLabTensor && build_module InvLabIO InvLabTensor InvLabJSON; then io_ok=1; fi
fi
if [ "$needs_spec" = 1 ] && build_module InvLabSpec InvLabJSON; then
    spec_ok=1
    if [ "$io_ok" = 1 ] && build_module InvLabNN InvLabTensor InvLabIO \
        && build_module InvLabCore InvLabSpec InvLabJSON InvLabTensor InvLabIO InvLabNN; then
        core_ok=1
    else
        echo "warning: the Core does not build; 'spec' runs without ExperimentSpec decoding"
    fi
fi
if [ "$needs_onnx" = 1 ]; then
    [ -d "$(module_directory SwiftProtobuf)" ] || swift package resolve > "$BUILD/logs/resolve.log" 2>&1
    # InvLabONNX also holds the exporter of invlab's networks, so it needs InvLabIO and InvLabNN.
    if build_module InvLabJSON && build_module InvLabTensor && build_module InvLabIO InvLabTensor InvLabJSON \
        && build_module InvLabNN InvLabTensor InvLabIO && build_module SwiftProtobuf \
        && build_module InvLabONNX InvLabTensor InvLabIO InvLabNN SwiftProtobuf; then onnx_ok=1; fi
fi
for target in "${TARGETS[@]}"; do
    if [ "$target" = onnx ]; then
        if [ "$onnx_ok" = 1 ]; then
            link_target onnx Fuzz/Targets/onnx.swift Tests/InvLabONNXTests/Fuzz/ONNXFuzzHarness.swift -- InvLabONNX SwiftProtobuf InvLabNN InvLabIO InvLabJSON InvLabTensor \
                || BUILD_FAILED+=(onnx)
        else
            BUILD_FAILED+=(onnx)
        fi
    elif [ "$target" = spec ]; then
        harness=(Tests/InvLabSpecTests/Fuzz/SpecFuzzHarness.swift Tests/InvLabSpecTests/Fuzz/SpecFuzzConfig.swift)
        if [ "$core_ok" = 1 ]; then
            link_target spec Fuzz/Targets/spec.swift "${harness[@]}" -- InvLabSpec InvLabJSON InvLabCore InvLabNN InvLabIO InvLabTensor \
                || BUILD_FAILED+=(spec)
        elif [ "$spec_ok" = 1 ]; then
            # Without InvLabCore.swiftmodule in MODULES, `canImport(InvLabCore)` is false.
            mv "$MODULES/InvLabCore.swiftmodule" "$MODULES/InvLabCore.swiftmodule.off" 2>/dev/null
            link_target spec Fuzz/Targets/spec.swift "${harness[@]}" -- InvLabSpec InvLabJSON || BUILD_FAILED+=(spec)
        else
            BUILD_FAILED+=(spec)
        fi
    elif [ "$io_ok" = 1 ]; then
        link_target "$target" Fuzz/Targets/reader.swift Tests/InvLabIOTests/Fuzz/IOFuzzHarness.swift -- InvLabIO InvLabJSON InvLabTensor \
            || BUILD_FAILED+=("$target")
    else
        BUILD_FAILED+=("$target")
    fi
done

# MARK: run

max_len() {
    case "$1" in
        idx|npy) echo 2048 ;;
        *) echo 4096 ;;
    esac
}

# fuzz_target TARGET: runs it for SHARE seconds, restarting after each crash; writes
# BUILD/results/TARGET: runs seconds corpus new_crashes status.
fuzz_target() {
    local target=$1
    local corpus="$BUILD/corpus/$target" artifacts="$BUILD/artifacts/$target" regression="Fuzz/regression/$target"
    local log="$BUILD/logs/run-$target.log"
    mkdir -p "$corpus" "$artifacts" "$regression"
    # libFuzzer writes new inputs into the first directory only: the working corpus.
    local directories=("$corpus") options=()
    [ -d "Fuzz/seeds/$target" ] && directories+=("Fuzz/seeds/$target")
    directories+=("$regression")
    [ -f "Fuzz/dictionaries/$target.dict" ] && options+=("-dict=Fuzz/dictionaries/$target.dict")
    local runs=0 elapsed=0 found=0 status=ok restarts=0
    : > "$log"
    while [ "$elapsed" -lt "$SHARE" ]; do
        local left=$(( SHARE - elapsed )) start=$(date +%s) code=0
        SWIFT_BACKTRACE=enable=no OPENBLAS_NUM_THREADS=1 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
            "$BUILD/bin/fuzz-$target" -max_len="$(max_len "$target")" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
            -max_total_time="$left" -print_final_stats=1 -artifact_prefix="$artifacts/" \
            "${options[@]}" "${directories[@]}" > "$log.part" 2>&1 || code=$?
        cat "$log.part" >> "$log"
        elapsed=$(( elapsed + $(date +%s) - start ))
        local executed
        executed=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log.part" | tail -1 | grep -o '[0-9]*$')
        if [ -z "$executed" ]; then executed=$(grep -o '^#[0-9]*' "$log.part" | tail -1 | tr -d '#'); fi
        runs=$(( runs + ${executed:-0} ))
        [ "$code" = 0 ] && break
        local copied=0 known=0
        for artifact in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-*; do
            [ -f "$artifact" ] || continue
            local kind name
            kind=$(basename "$artifact"); kind=${kind%%-*}
            name="$kind-$(sha256sum "$artifact" | cut -c1-16)"
            if [ -n "$(find "$regression" -maxdepth 1 -name "*-$(sha256sum "$artifact" | cut -c1-16)" | head -1)" ]; then
                known=1
            else
                cp "$artifact" "$regression/$name"; copied=$(( copied + 1 ))
                echo "$target: $kind input saved as $regression/$name"
            fi
            rm -f "$artifact"
        done
        found=$(( found + copied ))
        if [ "$known" = 1 ]; then status="regression input still fails"; break; fi
        if [ "$copied" = 0 ]; then status="libFuzzer exited with $code (see $log)"; break; fi
        status="crashed"
        restarts=$(( restarts + 1 ))
        [ "$restarts" -gt "$MAX_RESTARTS" ] && break
    done
    rm -f "$log.part"
    local size
    size=$(find "$corpus" -type f | wc -l)
    echo "$runs $elapsed $size $found $status" > "$BUILD/results/$target"
}

RUNNABLE=()
for target in "${TARGETS[@]}"; do
    [[ " ${BUILD_FAILED[*]} " == *" $target "* ]] || RUNNABLE+=("$target")
done
echo "fuzzing ${RUNNABLE[*]:-nothing} for $SHARE s each, $JOBS at a time"
for target in "${RUNNABLE[@]}"; do
    rm -f "$BUILD/results/$target"
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    echo "  $target..."
    fuzz_target "$target" &
done
wait

# MARK: summary

failed=0
printf '\n%-12s %8s %11s %9s %8s %8s  %s\n' target seconds executions "exec/s" corpus crashes status
for target in "${TARGETS[@]}"; do
    if [[ " ${BUILD_FAILED[*]} " == *" $target "* ]]; then
        printf '%-12s %8s %11s %9s %8s %8s  %s\n' "$target" - - - - - "build failed"; failed=1; continue
    fi
    read -r runs elapsed size found status < "$BUILD/results/$target"
    rate=$(( elapsed > 0 ? runs / elapsed : runs ))
    printf '%-12s %8s %11s %9s %8s %8s  %s\n' "$target" "$elapsed" "$runs" "$rate" "$size" "$found" "$status"
    [ "$status" = ok ] || failed=1
done
regressions=$(find Fuzz/regression -type f ! -name '.gitkeep' 2>/dev/null | wc -l)
echo "regression corpus: $regressions input(s) in Fuzz/regression (replayed by swift test)"
[ "$failed" = 0 ] && [ "$core_ok" = 0 ] && [[ " ${TARGETS[*]} " == *" spec "* ]] && echo "note: spec ran without the Core"
exit "$failed"
