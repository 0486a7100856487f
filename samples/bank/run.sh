#!/usr/bin/env bash
# Three kenshell banks transfer money to each other with messages while
# this script kills them with kill -9 and restarts them. At the end the
# money must all still be there: no credit lost, none applied twice.
#
#   samples/bank/run.sh            # ~20 s of chaos, then the audit
#   DURATION=60 TRANSFER_MS=5 samples/bank/run.sh
#   KENSHELL_NET_FAULTS="loss=0.2,dup=0.1,reorder=0.2,seed=7" samples/bank/run.sh
#
# Exit status 0 if the grand total equals the opening total and every
# ledger agrees, 1 otherwise. Uses bash and coreutils only.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KENSHELL=${KENSHELL:-$ROOT/build/bin/kenshell}
DURATION=${DURATION:-20}          # seconds of random kills
TRANSFER_MS=${TRANSFER_MS:-10}    # each bank's setInterval period
ADDRS=(127.0.0.1:7301 127.0.0.1:7302 127.0.0.1:7303)
OPENING_TOTAL=9000                # 3 banks x 3 accounts x 1000 (bank.js)

if [ ! -x "$KENSHELL" ]; then
  echo "no kenshell at $KENSHELL: build it first (./build.sh)" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kenshell-bank.XXXXXX")
STORE=$WORK/store
mkdir -p "$STORE"
PIDS=(0 0 0)
KILLS=(0 0 0)
FDS=(0 0 0)
TAG=0
OK=1

log()  { printf '[%5.1fs] %s\n' "$(( $(date +%s%N) / 1000000 - START_MS ))e-3" "$*"; }
die()  { echo "run.sh: $*" >&2; OK=0; finish; }

# Each shell reads its inputs from a FIFO that this script holds open
# read-write, so the shell never sees end of input (and a restarted shell
# reads from the same FIFO). Its stdout and stderr are appended to files.
start_shell() {
  local i=$1
  (
    # the shell must not hold the write ends of the FIFOs, or it would
    # never see end of input when this script closes them
    for fd in "${FDS[@]}"; do [ "$fd" != 0 ] && eval "exec $fd>&-"; done
    exec "$KENSHELL" "${ADDRS[$i]}" --dir "$STORE" <"$WORK/in.$i" >>"$WORK/out.$i" 2>>"$WORK/err.$i"
  ) &
  PIDS[$i]=$!
}

kill_shell() {
  local i=$1
  kill -9 "${PIDS[$i]}" 2>/dev/null
  wait "${PIDS[$i]}" 2>/dev/null
  KILLS[$i]=$(( KILLS[$i] + 1 ))
}

send() { printf '%s\n' "$2" >&"${FDS[$1]}"; }

# Wait until shell i's stdout has a line starting with $2 (up to $3 s).
wait_line() {
  local i=$1 prefix=$2 deadline=$(( $(date +%s) + ${3:-30} ))
  until grep -q "^$prefix" "$WORK/out.$i" 2>/dev/null; do
    kill -0 "${PIDS[$i]}" 2>/dev/null || die "shell ${ADDRS[$i]} exited (see $WORK/err.$i)"
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out waiting for '$prefix' from ${ADDRS[$i]}"
    sleep 0.05
  done
}

# One report round: every bank prints its ledger and a REPORT line.
report_round() {
  TAG=$(( TAG + 1 ))
  local i
  for i in 0 1 2; do send "$i" "bank.report($TAG)"; done
  for i in 0 1 2; do wait_line "$i" "REPORT $TAG " 30; done
}
field() { grep -h "^REPORT $TAG ${ADDRS[$1]} " "$WORK/out.$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }

finish() {
  local i
  for i in 0 1 2; do
    [ "${FDS[$i]}" != 0 ] && exec {FDS[$i]}>&-        # end of input: the shell exits
  done
  for i in 0 1 2; do
    [ "${PIDS[$i]}" != 0 ] || continue
    for _ in $(seq 50); do kill -0 "${PIDS[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${PIDS[$i]}" 2>/dev/null; wait "${PIDS[$i]}" 2>/dev/null
  done
  if [ "$OK" = 1 ] && [ -z "${KEEP:-}" ]; then
    rm -rf "$WORK"
  else
    echo "stores and logs kept in $WORK" >&2
  fi
  [ "$OK" = 1 ] && exit 0 || exit 1
}
trap 'OK=0; finish' INT TERM

START_MS=$(( $(date +%s%N) / 1000000 ))

# 1. Start the three shells and feed each the setup file (once: the stores are new).
for i in 0 1 2; do
  mkfifo "$WORK/in.$i"
  exec {FDS[$i]}<>"$WORK/in.$i"
  start_shell "$i"
  cat "$HERE/bank.js" >&"${FDS[$i]}"
done
for i in 0 1 2; do wait_line "$i" "READY " 60; done
log "three banks open, opening total $OPENING_TOTAL (store: $STORE)"

# 2. Each bank starts making random transfers on a persistent setInterval.
for i in 0 1 2; do send "$i" "bank.start($TRANSFER_MS)"; done
for i in 0 1 2; do wait_line "$i" "'transfers every" 30; done
log "transfers running every $TRANSFER_MS ms in each bank"

# 3. Chaos: every 0.3-1.2 s kill -9 a random bank (sometimes two) and restart it.
END_MS=$(( START_MS + DURATION * 1000 + $(( $(date +%s%N) / 1000000 - START_MS )) ))
while [ $(( $(date +%s%N) / 1000000 )) -lt "$END_MS" ]; do
  ms=$(( 300 + RANDOM % 900 )); sleep "$(( ms / 1000 )).$(printf %03d $(( ms % 1000 )))"
  victims=$(( RANDOM % 3 ))
  [ $(( RANDOM % 4 )) = 0 ] && victims="$victims $(( (victims + 1 + RANDOM % 2) % 3 ))"
  for i in $victims; do kill_shell "$i"; done
  log "kill -9 $(for i in $victims; do printf '%s ' "${ADDRS[$i]}"; done)and restart"
  for i in $victims; do start_shell "$i"; done
done

# 4. Stop the transfers (the shells are all up again) and wait until no
#    message is unacknowledged anywhere.
for i in 0 1 2; do send "$i" "bank.stop()"; done
for i in 0 1 2; do wait_line "$i" "'stopped'" 60; done
log "transfers stopped; waiting for ken.pending() to be empty everywhere"
deadline=$(( $(date +%s) + 120 ))
while :; do
  report_round
  p=$(( $(field 0 pending) + $(field 1 pending) + $(field 2 pending) ))
  [ "$p" = 0 ] && break
  [ "$(date +%s)" -lt "$deadline" ] || die "messages still unacknowledged after 120 s"
  sleep 0.3
done
# Nothing sends any more, and every credit has been applied (a message is
# acknowledged only once its delivering turn is durable): one more round
# reads the final totals.
report_round

# 5. The audit.
echo
echo "bank             total  kills  msgs-out  msgs-in  local  pending  anomalies"
grand=0
for i in 0 1 2; do
  a=${ADDRS[$i]}
  t=$(field "$i" total)
  sent=$(grep -h "^SENT $TAG $a " "$WORK/out.$i" | cut -d' ' -f5 | paste -sd+ | sed 's/^$/0/')
  recv=$(grep -h "^RECV $TAG [^ ]* $a " "$WORK/out.$i" | cut -d' ' -f5 | paste -sd+ | sed 's/^$/0/')
  printf "%-15s %6d  %5d  %8d  %7d  %5d  %7d  %9d\n" "$a" "$t" "${KILLS[$i]}" "$(( sent ))" "$(( recv ))" \
    "$(field "$i" local)" "$(field "$i" pending)" "$(field "$i" anomalies)"
  grand=$(( grand + t ))
  [ "$(field "$i" anomalies)" = 0 ] || OK=0
done
grep -h "^ANOMALY $TAG " "$WORK"/out.* && OK=0
echo "grand total $grand (opening total $OPENING_TOTAL)"
[ "$grand" = "$OPENING_TOTAL" ] || { echo "MONEY $( [ "$grand" -lt "$OPENING_TOTAL" ] && echo LOST || echo CREATED ): $(( grand - OPENING_TOTAL ))"; OK=0; }

# Every sender's ledger must match its receiver's: same count, same amount.
grep -h "^SENT $TAG " "$WORK"/out.* | cut -d' ' -f3- | sort >"$WORK/sent.txt"
grep -h "^RECV $TAG " "$WORK"/out.* | cut -d' ' -f3- | sort >"$WORK/recv.txt"
if diff "$WORK/sent.txt" "$WORK/recv.txt" >"$WORK/ledger.diff"; then
  echo "ledgers agree: every credit sent was applied exactly once ($(wc -l <"$WORK/sent.txt") sender->receiver pairs)"
else
  echo "LEDGERS DISAGREE (< sent by sender, > received by receiver: from to count amount):"
  cat "$WORK/ledger.diff"; OK=0
fi
recoveries=$(cat "$WORK"/err.* | grep -c "restored turn" || true)
echo "kill -9s: $(( KILLS[0] + KILLS[1] + KILLS[2] )); recoveries reported on stderr (kenshell: restored turn ...): $recoveries"
[ "$OK" = 1 ] && echo "OK" || echo "FAILED"
finish
