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
#                       ARGS` / `bench compute ARGS` / `bench history ARGS` /
#                       `bench nodelib [BINARY [RUNS]]` for one)
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
# exact engine build, so the engine must not drift under a store. What is
# pinned is V8's version, not a Debian revision: Debian replaces a revision
# on the mirror with each security update (only the newest few are served),
# and a revision that patches Node but not V8 writes and reads the same
# snapshots (checked for ~deb12u2 and ~deb12u3, both V8 10.2.154.26). So
# every libnode108 the mirror serves is a candidate, newest first, and the
# first whose headers say V8 10.2.154.26 is taken. LIBNODE_VERSION=<rev>
# ./build.sh takes that revision instead (it must carry the same V8 too).
LIBNODE_V8_VERSION="10.2.154.26"
LIBNODE_ROOT="$DEPS/libnode"
LIBNODE_STAMP="$LIBNODE_ROOT/.version"

log() { printf '[build] %s\n' "$*" >&2; }

# The V8 version in an unpacked libnode-dev, from its v8-version.h.
unpacked_v8_version() {
    local h="$1/usr/include/node/v8-version.h"
    [[ -f "$h" ]] || return 0
    awk '/#define V8_(MAJOR_VERSION|MINOR_VERSION|BUILD_NUMBER|PATCH_LEVEL) /{v[$2]=$3}
         END{if (length(v)==4) printf "%s.%s.%s.%s", v["V8_MAJOR_VERSION"], v["V8_MINOR_VERSION"], v["V8_BUILD_NUMBER"], v["V8_PATCH_LEVEL"]}' "$h"
}

# Every revision of libnode108 the apt lists know (that also has a
# libnode-dev of the same revision), newest first.
served_libnode_revisions() {
    local dev
    dev=$(apt-cache madison libnode-dev 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}')
    apt-cache madison libnode108 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' | sort -u |
        while read -r v; do grep -qxF -- "$v" <<<"$dev" && echo "$v"; done | python3 -c '
import sys, functools, subprocess
vs = [l.strip() for l in sys.stdin if l.strip()]
def cmp(a, b):
    if a == b: return 0
    return -1 if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0 else 1
print("\n".join(sorted(vs, key=functools.cmp_to_key(cmp), reverse=True)))'
}

# Downloads and unpacks one revision into $2; prints its V8 version.
fetch_libnode_revision() {
    local rev="$1" dest="$2" dl="$DEPS/download"
    rm -rf "$dl" "$dest"
    mkdir -p "$dl" "$dest"
    # apt-get download runs as _apt when it can; a root-owned folder makes it
    # warn and fall back to root, which is harmless, so the warning is hidden.
    (cd "$dl" && apt-get download -q "libnode108=$rev" "libnode-dev=$rev" 2>&1 \
        | grep -v 'Download is performed unsandboxed' >&2 || true)
    local debs=("$dl"/*.deb)
    if [[ ${#debs[@]} -ne 2 || ! -f "${debs[0]}" ]]; then
        rm -rf "$dl"
        return 0
    fi
    for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$dest"; done
    rm -rf "$dl"
    unpacked_v8_version "$dest"
}

fetch_libnode() {
    local want="${LIBNODE_VERSION:-}"
    if [[ -f "$LIBNODE_STAMP" && ( -z "$want" || "$(cat "$LIBNODE_STAMP")" == "$want" ) &&
          "$(unpacked_v8_version "$LIBNODE_ROOT")" == "$LIBNODE_V8_VERSION" ]]; then
        return
    fi
    local revisions
    if [[ -n "$want" ]]; then
        revisions="$want"
    else
        revisions=$(served_libnode_revisions)
        if [[ -z "$revisions" ]]; then
            # A fresh machine has empty apt lists; refresh them once.
            log "apt lists know no libnode108; running apt-get update"
            if [[ $(id -u) -eq 0 ]]; then apt-get update -qq >&2; else sudo apt-get update -qq >&2; fi
            revisions=$(served_libnode_revisions)
        fi
    fi
    local rev v8 staging="$DEPS/libnode.staging"
    for rev in $revisions; do
        log "fetching V8 (Debian libnode108/libnode-dev $rev)"
        v8=$(fetch_libnode_revision "$rev" "$staging")
        if [[ -z "$v8" ]]; then
            log "could not download libnode108/libnode-dev $rev"
            continue
        fi
        if [[ "$v8" != "$LIBNODE_V8_VERSION" ]]; then
            log "libnode108 $rev carries V8 $v8, not $LIBNODE_V8_VERSION: skipped"
            continue
        fi
        rm -rf "$LIBNODE_ROOT"
        mv "$staging" "$LIBNODE_ROOT"
        echo "$rev" >"$LIBNODE_STAMP"
        log "V8 $v8 from libnode108 $rev"
        return
    done
    rm -rf "$staging"
    log "error: no libnode108 served here carries V8 $LIBNODE_V8_VERSION (tried: ${revisions:-none})"
    exit 1
}

# For the tests: every other revision the mirror serves with the same V8,
# unpacked under build/deps/libnode-alt/<revision> (a store written with one
# must open with the others: tests/.../LibnodeRevisionTests.cs). Offline or
# with a single revision served, there is nothing to unpack and that test
# has nothing to compare.
fetch_other_libnodes() {
    local current rev v8 alt="$DEPS/libnode-alt"
    current=$(cat "$LIBNODE_STAMP" 2>/dev/null || true)
    for rev in $(served_libnode_revisions); do
        [[ "$rev" == "$current" ]] && continue
        [[ -f "$alt/$rev/.version" ]] && continue
        log "fetching libnode108 $rev too, for the test of stores moving between revisions"
        v8=$(fetch_libnode_revision "$rev" "$alt/$rev.staging")
        if [[ "$v8" == "$LIBNODE_V8_VERSION" ]]; then
            rm -rf "${alt:?}/$rev"
            mv "$alt/$rev.staging" "$alt/$rev"
            echo "$rev" >"$alt/$rev/.version"
        else
            rm -rf "$alt/$rev.staging"
            if [[ -n "$v8" ]]; then log "libnode108 $rev carries V8 $v8: not a revision to test with"; fi
        fi
    done
    return 0
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
    gen_hash="$(cat "$RUNTIME_NPM_DIR/.lock" "$RUNTIME_VENDOR/generate.js" "$RUNTIME_VENDOR/globals.json" | sha256sum | cut -c1-64)"
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

history_bench() {
    log "running bench/history_bench.sh: --at, .history, .undo on a store of many turns"
    "$ROOT/bench/history_bench.sh" --kenshell "$BUILD/bin/kenshell" "$@"
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
        fetch_other_libnodes
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
            history) history_bench "${@:3}" ;;
            nodelib) "$ROOT/bench/nodelib/nodelib_bench.sh" "${@:3}" ;;
            # Both, one after the other (never at once: they would time each
            # other). Extra arguments go to kenv8-bench, as they always have.
            *) checkpoint_bench "${@:2}"; roundtrip_bench ;;
        esac
        ;;
    clean) rm -rf "$BUILD" ;;
    *) echo "usage: $0 [build|test|torture|conformance|bench|clean]" >&2; exit 2 ;;
esac
