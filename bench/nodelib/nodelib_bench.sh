#!/usr/bin/env bash
# What Node's built-in modules and the vendored npm packages cost
# (README "Vendored npm packages"): store creation and restart (CPU time of
# `kenshell ADDR -e 1`, which is less disturbed by a busy machine than the
# wall clock), the size of a new store's first checkpoint, and the time of
# each module's first use in a new store (performance.now around it).
#
#   bench/nodelib/nodelib_bench.sh [KENSHELL_BINARY [RUNS]]
#
# Pass another build's binary (e.g. one without the vendored packages) to
# compare. Prints medians over RUNS runs (default 8).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${1:-$ROOT/build/bin/kenshell}"
RUNS="${2:-8}"
ADDR=127.0.0.1:7999
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else print a[int((NR + 1) / 2)]}'; }
cpu_ms() { awk '{printf "%d\n", ($1 + $2) * 1000}' "$1"; }

create=(); restart=(); ckpt=(); firsts=()
for ((i = 0; i < RUNS; i++)); do
    dir="$(mktemp -d /tmp/kenshell-nodelib-bench.XXXXXX)"
    (cd "$dir" && /usr/bin/time -o t1 -f '%U %S' "$BIN" "$ADDR" -e 1 >/dev/null 2>&1)
    (cd "$dir" && /usr/bin/time -o t2 -f '%U %S' "$BIN" "$ADDR" -e 1 >/dev/null 2>&1)
    create+=("$(cpu_ms "$dir/t1")"); restart+=("$(cpu_ms "$dir/t2")")
    ckpt+=("$(stat -c %s "$dir/ken_${ADDR}_ckpt_0")")
    rm -rf "$dir"
    dir="$(mktemp -d /tmp/kenshell-nodelib-bench.XXXXXX)"
    firsts+=("$(cd "$dir" && echo "const ms = []; let t = performance.now(); const lap = () => { const n = performance.now(); ms.push(n - t); t = n; }; require('buffer'); lap(); require('util'); lap(); require('events'); lap(); require('path'); lap(); require('assert'); lap(); new URL('http://x'); lap(); require('crypto').createHash('sha256'); lap(); ms.join(' ')" \
        | "$BIN" "$ADDR" 2>/dev/null | tail -1 | tr -d "'")")
    rm -rf "$dir"
done
echo "kenshell: $BIN ($RUNS runs, medians)"
echo "  store creation (kenshell ADDR -e 1):  $(printf '%s\n' "${create[@]}" | median) ms CPU"
echo "  restart (kenshell ADDR -e 1 again):   $(printf '%s\n' "${restart[@]}" | median) ms CPU"
echo "  first checkpoint of a new store:      $(printf '%s\n' "${ckpt[@]}" | median) bytes"
names=(buffer util events path assert URL crypto)
for ((k = 0; k < ${#names[@]}; k++)); do
    col=$((k + 1))
    echo "  first use of ${names[$k]}: $(printf '%s\n' "${firsts[@]}" | awk -v c=$col '{print $c}' | median) ms"
done
