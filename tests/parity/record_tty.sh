#!/bin/sh
# Records what Node's REPL shows at a terminal (colours included, as tmux
# capture-pane -e renders them) for the inputs below, into
# tests/fixtures/console_tty.txt; ConsoleTerminalTests shows the same inputs
# to kenshell in tmux and compares.
#   sh tests/parity/record_tty.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../fixtures/console_tty.txt"
session="record-tty-$$"
{
  echo "# Node $(node -v) REPL at a terminal (tmux 120x40, TERM=xterm-256color), recorded by"
  echo "# tests/parity/record_tty.sh: 'IN: ' input, then the screen lines it printed"
  echo "# (capture-pane -e), then '----'. Do not edit by hand."
} > "$out"
while IFS= read -r input; do
  tmux new-session -d -s "$session" -x 120 -y 40 "env TERM=xterm-256color node"
  sleep 1.5
  tmux send-keys -t "$session" -l "$input"
  tmux send-keys -t "$session" Enter
  sleep 1.5
  echo "IN: $input" >> "$out"
  # The lines after the echoed input, up to the next prompt.
  # (Colour codes left out when looking for them: tmux carries the colour
  # state over to the next line, so a prompt line can start with one.)
  tmux capture-pane -e -p -t "$session" | awk -v inp="> $input" '
    { plain = $0; gsub(/\033\[[0-9;]*m/, "", plain) }
    found && plain ~ /^> *$/ { exit }
    found { print }
    index(plain, inp) == 1 { found = 1 }' >> "$out"
  echo "----" >> "$out"
  tmux kill-session -t "$session"
done <<'INPUTS'
console.log({ a: 1, s: 'x', n: null, u: undefined, f() {} }, 'plain', 5)
console.table([{ a: 1, b: 'two' }, { a: 3 }])
console.dir({ deep: { er: [1n, Symbol('s')] } })
console.group('G'); console.log([true, /re/g]); console.groupEnd()
[42, 'text', null, new Date(0)]
INPUTS
echo "wrote $out"
