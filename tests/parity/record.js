#!/usr/bin/env node
'use strict';
// Records what the real Node REPL prints for every input of
// tests/parity/corpus.txt into tests/fixtures/parity_outputs.txt.
//
//   node tests/parity/record.js
//
// Each session runs in a fresh `node -i` (non-TTY, stdout and stderr into
// one pipe, as a user sees them). Inputs are typed one at a time: an input
// is sent, and what Node prints until its next prompt plus a quiet period
// (timers, warnings and other output arriving after the prompt) is that
// input's output, prompts removed. ReplParityTests runs the same inputs
// through kenshell and compares.

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const QUIET_MS = 150;
const corpusFile = path.join(__dirname, 'corpus.txt');
const outFile = path.join(__dirname, '..', 'fixtures', 'parity_outputs.txt');

function readCorpus() {
  const sessions = [];
  for (const line of fs.readFileSync(corpusFile, 'utf8').split('\n')) {
    if (line.startsWith('## ')) sessions.push({ name: line.slice(3).trim(), inputs: [] });
    else if (line === '' || line.startsWith('# ')) continue;
    else {
      if (sessions.length === 0) throw new Error('input before the first session: ' + line);
      sessions[sessions.length - 1].inputs.push(line);
    }
  }
  return sessions;
}

function recordSession(session) {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'exec "$0" -i 2>&1', process.execPath], {
      env: { ...process.env, NODE_NO_READLINE: '1', NODE_DISABLE_COLORS: '1', TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buffer = '';
    let timer = null;
    let waiting = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (waiting) arm();
    });
    // Settles when the output ends with a prompt and nothing came for QUIET_MS.
    function arm() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (buffer.endsWith('... ')) {
          reject(new Error(`Node waits for more lines after an input of session ${session.name}; ` +
            'the corpus takes single-line inputs only: ' + JSON.stringify(buffer)));
          child.kill();
        } else if (/(^|\n)> [^]*$/.test(buffer) || buffer.endsWith('> ')) {
          const w = waiting;
          waiting = null;
          w();
        } else {
          arm();
        }
      }, QUIET_MS);
    }
    const settle = () => new Promise((r) => { waiting = r; arm(); });
    const outputs = [];
    (async () => {
      await settle();
      if (!buffer.startsWith('Welcome to Node.js')) throw new Error('no banner: ' + buffer);
      buffer = '';
      for (const input of session.inputs) {
        child.stdin.write(input + '\n');
        await settle();
        outputs.push(stripPrompt(buffer));
        buffer = '';
      }
      child.stdin.end();
      child.on('exit', () => resolve(outputs));
    })().catch(reject);
  });
}

// Node shows its prompt again after an error reported from a timer or
// a rejection, so every "> " at the start of a line is a prompt.
function stripPrompt(text) {
  if (!/(^|\n)> /.test(text)) throw new Error('no prompt in ' + JSON.stringify(text));
  return text.replace(/(^|\n)> /g, '$1');
}

(async () => {
  const sessions = readCorpus();
  let text = `# Node REPL outputs for tests/parity/corpus.txt, recorded from \`node -i\`
# (Node ${process.version}, non-TTY, stdout and stderr in one pipe) by
# tests/parity/record.js. Do not edit by hand: re-record.
#
# "=== <session>" starts a session; each case is "IN: <input>", then the
# exact text Node printed for it (prompts removed), then a line "----".
# Output that does not end with a newline is marked by a last line "\\ no newline".
`;
  let count = 0;
  for (const session of sessions) {
    const outputs = await recordSession(session);
    text += `=== ${session.name}\n`;
    session.inputs.forEach((input, i) => {
      let out = outputs[i];
      text += `IN: ${input}\n`;
      if (out !== '' && !out.endsWith('\n')) out += '\n\\ no newline\n';
      text += out + '----\n';
      count++;
    });
    process.stderr.write(`${session.name}: ${session.inputs.length} inputs\n`);
  }
  fs.writeFileSync(outFile, text);
  console.log(`wrote ${count} cases in ${sessions.length} sessions to ${path.relative(process.cwd(), outFile)}`);
})().catch((e) => { console.error(e); process.exit(1); });
