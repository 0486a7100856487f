#!/usr/bin/env bash
# kenshell build driver.
#
#   ./build.sh          build what is missing (V8 from libnode, native/, src/)
#   ./build.sh test     build, then run every test (native GoogleTest + C# xunit;
#                       the torture suite, tests/KenShell.Tests/Torture, in its
#                       reduced form)
#   ./build.sh torture  build, then run the torture suite in full
#                       (KENSHELL_TORTURE=full: 500+ kills, random store faults,
#                       bit flips...) with the store, crash-point, resource and
#                       datagram tests it builds on; counts go to
#                       build/torture-report.txt and are printed at the end
#   ./build.sh conformance  build, then run the test262 selection of issue #11
#                       in kenshell and in a plain isolate of the same libnode
#                       (needs a test262 checkout: $TEST262_DIR or build/test262)
#   ./build.sh bench    build, then run the benchmarks in bench/ (checkpoint and
#                       roundtrip; or `bench checkpoint ARGS` / `bench roundtrip
#                       ARGS` / `bench compute ARGS` for one)
#   ./build.sh clean    remove build/
#
# Everything goes under build/ (ignored by git). Nothing is installed
# system-wide: V8 comes from Debian's libnode packages, fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into build/deps/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$ROOT/build"
DEPS="$BUILD/deps"
# One pinned version of V8: a checkpoint is a V8 snapshot and is tied to the
# exact engine build, so the engine must not drift under a store.
LIBNODE_VERSION="18.20.4+dfsg-1~deb12u3"
LIBNODE_ROOT="$DEPS/libnode"
LIBNODE_STAMP="$LIBNODE_ROOT/.version"

log() { printf '[build] %s\n' "$*" >&2; }

fetch_libnode() {
    if [[ -f "$LIBNODE_STAMP" && "$(cat "$LIBNODE_STAMP")" == "$LIBNODE_VERSION" ]]; then
        return
    fi
    log "fetching V8 (Debian libnode108/libnode-dev $LIBNODE_VERSION)"
    local dl="$DEPS/download"
    rm -rf "$dl" "$LIBNODE_ROOT"
    mkdir -p "$dl" "$LIBNODE_ROOT"
    # A fresh machine has empty apt lists; refresh them once if the pinned
    # packages cannot be found.
    if ! apt-cache show "libnode108=$LIBNODE_VERSION" >/dev/null 2>&1; then
        log "apt lists do not know libnode108=$LIBNODE_VERSION; running apt-get update"
        if [[ $(id -u) -eq 0 ]]; then apt-get update -qq >&2; else sudo apt-get update -qq >&2; fi
    fi
    # apt-get download runs as _apt when it can; a root-owned folder makes it
    # warn and fall back to root, which is harmless, so the warning is hidden.
    (cd "$dl" && apt-get download -q "libnode108=$LIBNODE_VERSION" "libnode-dev=$LIBNODE_VERSION" 2>&1 \
        | grep -v 'Download is performed unsandboxed' >&2 || true)
    local debs=("$dl"/*.deb)
    if [[ ${#debs[@]} -ne 2 || ! -f "${debs[0]}" ]]; then
        log "error: could not download libnode108/libnode-dev $LIBNODE_VERSION"
        exit 1
    fi
    for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$LIBNODE_ROOT"; done
    rm -rf "$dl"
    echo "$LIBNODE_VERSION" >"$LIBNODE_STAMP"
}

build_native() {
    log "building native/"
    cmake -S "$ROOT/native" -B "$BUILD/native-obj" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DLIBNODE_ROOT="$LIBNODE_ROOT" -DKENV8_OUTPUT_DIR="$BUILD/native" >/dev/null
    if ! cmake --build "$BUILD/native-obj" -j"$(nproc)" >"$BUILD/native-build.log" 2>&1; then
        grep -v '^\[' "$BUILD/native-build.log" >&2 || true
        log "error: native build failed (full log: build/native-build.log)"
        exit 1
    fi
    test -f "$BUILD/native/libkenv8.so" || { log "error: native build produced no libkenv8.so"; exit 1; }
}
# Real npm packages for the module tests (tests/KenShell.Tests/Modules):
# pinned versions, installed with npm into build/npm once.
NPM_PACKAGES=(lodash@4.17.21 ms@2.1.3 camelcase@8.0.0 date-fns@4.1.0)
NPM_DIR="$BUILD/npm"
NPM_STAMP="$NPM_DIR/.packages"

fetch_npm_packages() {
    if [[ -f "$NPM_STAMP" && "$(cat "$NPM_STAMP")" == "${NPM_PACKAGES[*]}" ]]; then
        return
    fi
    log "installing npm packages for the module tests: ${NPM_PACKAGES[*]} (into build/npm)"
    if ! command -v npm >/dev/null 2>&1; then
        log "error: npm is not installed; the module tests need ${NPM_PACKAGES[*]} from the npm registry"
        exit 1
    fi
    rm -rf "$NPM_DIR"
    mkdir -p "$NPM_DIR"
    echo '{ "name": "kenshell-test-packages", "private": true }' >"$NPM_DIR/package.json"
    if ! (cd "$NPM_DIR" && npm install --no-audit --no-fund --save-exact "${NPM_PACKAGES[@]}" >"$BUILD/npm-install.log" 2>&1); then
        cat "$BUILD/npm-install.log" >&2
        log "error: npm install ${NPM_PACKAGES[*]} failed (log: build/npm-install.log); the module tests need them"
        exit 1
    fi
    echo "${NPM_PACKAGES[*]}" >"$NPM_STAMP"
}

# The runtime's vendored npm packages (src/KenShell/Runtime/vendor: pinned
# in package.json + package-lock.json): `npm ci` into build/runtime-npm when
# missing or when the lock changed, then vendor/generate.js makes
# build/runtime-npm/vendored.js, the prelude section 705 the csproj embeds
# (the sources of every file the packages need, in every heap).
RUNTIME_VENDOR="$ROOT/src/KenShell/Runtime/vendor"
RUNTIME_NPM_DIR="$BUILD/runtime-npm"

build_runtime_npm() {
    local lock_hash gen_hash
    lock_hash="$(cat "$RUNTIME_VENDOR/package.json" "$RUNTIME_VENDOR/package-lock.json" | sha256sum | cut -c1-64)"
    if [[ ! -d "$RUNTIME_NPM_DIR/node_modules" || ! -f "$RUNTIME_NPM_DIR/.lock" || "$(cat "$RUNTIME_NPM_DIR/.lock")" != "$lock_hash" ]]; then
        if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
            log "error: node and npm are needed to build kenshell's runtime (vendored npm packages in src/KenShell/Runtime/vendor)"
            exit 1
        fi
        log "installing the runtime's vendored npm packages (npm ci into build/runtime-npm)"
        rm -rf "$RUNTIME_NPM_DIR"
        mkdir -p "$RUNTIME_NPM_DIR"
        cp "$RUNTIME_VENDOR/package.json" "$RUNTIME_VENDOR/package-lock.json" "$RUNTIME_NPM_DIR/"
        if ! (cd "$RUNTIME_NPM_DIR" && npm ci --no-audit --no-fund --ignore-scripts >"$BUILD/runtime-npm-install.log" 2>&1); then
            cat "$BUILD/runtime-npm-install.log" >&2
            log "error: npm ci of the runtime's vendored packages failed (log: build/runtime-npm-install.log)"
            exit 1
        fi
        echo "$lock_hash" >"$RUNTIME_NPM_DIR/.lock"
    fi
    gen_hash="$(cat "$RUNTIME_NPM_DIR/.lock" "$RUNTIME_VENDOR/generate.js" | sha256sum | cut -c1-64)"
    if [[ ! -f "$RUNTIME_NPM_DIR/vendored.js" || ! -f "$RUNTIME_NPM_DIR/.generated" || "$(cat "$RUNTIME_NPM_DIR/.generated")" != "$gen_hash" ]]; then
        node "$RUNTIME_VENDOR/generate.js" "$RUNTIME_NPM_DIR" "$RUNTIME_NPM_DIR/vendored.js"
        echo "$gen_hash" >"$RUNTIME_NPM_DIR/.generated"
    fi
}

build_dotnet() {
    log "building src/ (dotnet)"
    dotnet build "$ROOT/KenShell.sln" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
}

build_all() {
    fetch_libnode
    build_native
    build_runtime_npm
    build_dotnet
    touch "$BUILD/.built"   # the launcher rebuilds when sources are newer than this
}

# The benchmarks (bench/README.md). Arguments go to the benchmark program.
checkpoint_bench() {
    log "running kenv8-bench (bench/native): what a checkpoint costs"
    "$BUILD/native/kenv8-bench" "$@"
}

compute_bench() {
    log "running kenv8-compute (bench/native/compute_bench.cc): Octane + compute mix, kenshell vs a plain isolate"
    "$BUILD/native/kenv8-compute" --root "$ROOT" "$@"
}

roundtrip_bench() {
    log "running KenShell.Bench (bench/KenShell.Bench): durable trivial-turn round trip"
    dotnet "$BUILD/bench/KenShell.Bench.dll" "$@"
}

case "${1:-build}" in
    build) build_all ;;
    test)
        build_all
        fetch_npm_packages
        log "running native tests"
        (cd "$BUILD/native-obj" && ctest --output-on-failure)
        log "running C# tests"
        dotnet test "$ROOT/KenShell.sln" -c Release --no-build -nologo ${KENSHELL_TEST_FILTER:+--filter "$KENSHELL_TEST_FILTER"}
        # test262 is not on any registry this machine reaches, so it cannot be
        # fetched here: the reduced run happens where a checkout exists.
        log "running the reduced test262 selection (kenshell against a plain isolate)"
        "$BUILD/bin/kenshell-conformance" --selection reduced --if-present
        ;;
    conformance)
        build_all
        "$BUILD/bin/kenshell-conformance" --selection "${2:-full}"
        ;;
    torture)
        build_all
        log "running the torture suite in full (several minutes)"
        rm -f "$BUILD/torture-report.txt"
        start=$(date +%s)
        status=0
        KENSHELL_TORTURE=full dotnet test "$ROOT/KenShell.sln" -c Release --no-build -nologo \
            --filter "FullyQualifiedName~KenShell.Tests.Torture|FullyQualifiedName~KenShell.Tests.Store|FullyQualifiedName~CrashPointTests|FullyQualifiedName~ResourceLimitTests|FullyQualifiedName~AtomicTurnTests|FullyQualifiedName~ForgedDatagramTests|FullyQualifiedName~DatagramFuzzTests" \
            || status=$?
        log "torture run took $(( $(date +%s) - start )) s; report (build/torture-report.txt):"
        cat "$BUILD/torture-report.txt" >&2 || true
        exit $status
        ;;
    bench)
        build_all
        case "${2:-}" in
            checkpoint) checkpoint_bench "${@:3}" ;;
            roundtrip) roundtrip_bench "${@:3}" ;;
            compute) compute_bench "${@:3}" ;;
            # Both, one after the other (never at once: they would time each
            # other). Extra arguments go to kenv8-bench, as they always have.
            *) checkpoint_bench "${@:2}"; roundtrip_bench ;;
        esac
        ;;
    clean) rm -rf "$BUILD" ;;
    *) echo "usage: $0 [build|test|torture|conformance|bench|clean]" >&2; exit 2 ;;
esac
