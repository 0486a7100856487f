#!/usr/bin/env python3
"""What a durable file write costs a turn (issue #15).

Runs a real kenshell (./kenshell, built) over pipes, N turns each of:
a plain assignment, fs.writeFileSync of 1 KiB, fs.appendFileSync of a line,
fs.readFileSync of 1 KiB; prints the mean wall time per turn of each (the
whole run divided by N, start-up included but amortised). Each kind runs on
a fresh store in a temporary directory.

    python3 bench/files/fs_turns.py [N]      (default 500)
"""
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KENSHELL = os.path.join(ROOT, "kenshell")


def run(directory, lines):
    start = time.monotonic()
    result = subprocess.run([KENSHELL, "127.0.0.1:7999", "--dir", directory], input=("\n".join(lines) + "\n").encode(),
                            capture_output=True, cwd=directory, env={**os.environ, "KENSHELL_NO_NETWORK": "1"})
    if result.returncode != 0:
        sys.exit(f"kenshell failed: {result.stderr.decode()}")
    return time.monotonic() - start


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    kinds = [
        ("plain turn", "0", lambda i: f"x = {i}"),
        ("writeFileSync 1 KiB", "const fs = require('fs'); 0", lambda i: f"fs.writeFileSync('f{i % 50}.txt', 'x'.repeat(1024)); {i}"),
        ("appendFileSync a line", "const fs = require('fs'); 0", lambda i: f"fs.appendFileSync('log.txt', 'line {i}\\n'); {i}"),
        ("readFileSync 1 KiB", "const fs = require('fs'); fs.writeFileSync('r.txt', 'x'.repeat(1024)); 0",
         lambda i: "fs.readFileSync('r.txt', 'utf8').length"),
    ]
    print(f"{n} turns per kind, piped, one fresh store each")
    for name, setup, step in kinds:
        with tempfile.TemporaryDirectory() as directory:
            run(directory, [setup])
            elapsed = run(directory, [step(i) for i in range(n)])
            print(f"  {name:24s} {elapsed * 1000 / n:7.2f} ms per turn")


if __name__ == "__main__":
    main()
