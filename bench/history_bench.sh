#!/usr/bin/env bash
# The kept history and time travel (issue #16), measured on a real store:
# a kenshell store of N turns (default 110,000) with the default checkpoint
# policy, then the time `kenshell ADDR --at TURN --eval x` takes for turns
# 10, 1,000, 10,000 and 100,000 turns back (nearest checkpoint on the way +
# replay), whether the store's files are byte-identical afterwards, and the
# time .history, .undo and a restart take on that store.
#
#   ./build.sh bench history [--turns N] [--dir DIR]
#   bench/history_bench.sh --kenshell build/bin/kenshell [--turns N] [--dir DIR]
set -euo pipefail

TURNS=110000
DIR=""
KENSHELL=""
while [ $# -gt 0 ]; do
    case "$1" in
        --turns) TURNS="$2"; shift 2 ;;
        --dir) DIR="$2"; shift 2 ;;
        --kenshell) KENSHELL="$2"; shift 2 ;;
        *) echo "usage: $0 --kenshell PATH [--turns N] [--dir DIR]" >&2; exit 2 ;;
    esac
done
[ -n "$KENSHELL" ] || { echo "--kenshell PATH is required" >&2; exit 2; }
if [ -z "$DIR" ]; then DIR=$(mktemp -d /tmp/kenshell-history-bench.XXXXXX); trap 'rm -rf "$DIR"' EXIT; fi
ADDR=127.0.0.1:7799
export KENSHELL_NO_NETWORK=1
cd "$DIR"

ms() { echo $(( ($2 - $1) / 1000000 )); }

echo "history bench: $TURNS turns in $DIR"
start=$(date +%s%N)
# Each turn changes the heap a little: x is the turn's number, o keeps a growing object.
awk -v n="$TURNS" 'BEGIN { print "var o = {}"; for (i = 2; i <= n; i++) printf "x = %d; o[\"k\" + (%d %% 500)] = %d\n", i, i, i }' |
    "$KENSHELL" "$ADDR" > /dev/null
end=$(date +%s%N)
echo "made the store: $TURNS durable turns in $(ms "$start" "$end") ms"
ckpts=$(ls ken_${ADDR}_ckpt_* | sed 's/.*ckpt_//' | sort -n | tr '\n' ' ')
logbytes=$(cat ken_${ADDR}_log_* | wc -c)
ckbytes=$(cat ken_${ADDR}_ckpt_* | wc -c)
echo "checkpoints kept: $ckpts($(( ckbytes / 1024 / 1024 )) MB); history: $(ls ken_${ADDR}_log_* | wc -l) segments, $(( logbytes / 1024 )) KiB"

fingerprint() { sha256sum ken_${ADDR}_* | sha256sum | cut -c1-16; }
before=$(fingerprint)
printf '%-12s %-10s %-10s %-22s %s\n' "turns back" "turn" "ms" "from" "x"
for back in 10 1000 10000 100000; do
    [ "$back" -lt "$TURNS" ] || continue
    turn=$(( TURNS - back ))
    start=$(date +%s%N)
    x=$("$KENSHELL" "$ADDR" --at "$turn" --eval x 2> at.err)
    end=$(date +%s%N)
    from=$(sed -n 's/.*(from \(.*\) turns replayed.*/\1/p' at.err)
    [ "$x" = "$turn" ] || { echo "wrong value at turn $turn: $x"; cat at.err; exit 1; }
    printf '%-12s %-10s %-10s %-22s %s\n' "$back" "$turn" "$(ms "$start" "$end")" "$from" "$x"
done
after=$(fingerprint)
if [ "$before" = "$after" ]; then echo "store files byte-identical after every --at: yes"; else echo "store files byte-identical after every --at: NO"; exit 1; fi

start=$(date +%s%N); echo '.history 10' | "$KENSHELL" "$ADDR" > /dev/null 2>&1; end=$(date +%s%N)
echo ".history 10 (start + read the whole history + exit): $(ms "$start" "$end") ms"
start=$(date +%s%N); echo 'x' | "$KENSHELL" "$ADDR" > /dev/null 2>&1; end=$(date +%s%N)
echo "restart + one turn + exit (for comparison): $(ms "$start" "$end") ms"
start=$(date +%s%N); printf '.undo\nx\n' | "$KENSHELL" "$ADDR" > undo.out 2>&1; end=$(date +%s%N)
echo ".undo + one turn (restart included): $(ms "$start" "$end") ms -> x = $(tail -1 undo.out)"
target=$(( TURNS - 100000 ))
if [ "$target" -gt 0 ]; then
    start=$(date +%s%N); printf ".rewind $target\nx\n" | "$KENSHELL" "$ADDR" > rewind.out 2>&1; end=$(date +%s%N)
    echo ".rewind $target (100,000 turns back) + one turn (restart included): $(ms "$start" "$end") ms -> x = $(tail -1 rewind.out)"
    start=$(date +%s%N); echo 'x' | "$KENSHELL" "$ADDR" > restart.out 2>&1; end=$(date +%s%N)
    echo "restart after it (recovery replays nothing of the rewind: its checkpoint): $(ms "$start" "$end") ms -> x = $(tail -1 restart.out)"
fi
