#!/usr/bin/env node
'use strict';
// Generates tests/fixtures/repl_outputs.txt by running the REAL Node REPL
// (`node -i`, non-TTY, stdin piped) over the inputs below and recording what
// it printed for each input.
//
//   node tests/inspect/make_fixtures.js
//
// Inputs avoid: Node-only globals (process, Buffer, require), promises (the
// Node REPL shows async-hook symbols on them), error *values* whose stack
// would show Node internals, timing/addresses, and messages that changed
// between V8 10.2 (Node 18) and V8 11.3 (Node 20) (e.g. "Unexpected
// identifier 'x'", JSON.parse messages).

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const inputs = [
  // primitives
  '1 + 1',
  "'hello'",
  '"it\'s"',
  "'both \\' and \"'",
  '-0',
  'NaN',
  '10n ** 20n',
  "Symbol('s')",
  'undefined',
  'null',
  'true',
  '0.1 + 0.2',
  "'tab\\there'",
  "'line one\\nline two\\nline three, which is long enough to make the whole string exceed eighty'",
  "'x'.repeat(100)",
  // variables across inputs
  'let y = 10',
  'y * 2',
  'var z = { n: y }',
  'z',
  // arrays
  '[1, 2, 3]',
  '[1, , 3]',
  'new Array(3)',
  'Array.from({ length: 120 }, (_, i) => i)',
  'Array.from({ length: 10 }, (_, i) => i * 100)',
  "['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape']",
  '[[1, [2, [3, [4]]]]]',
  "Array.from({ length: 4 }, (_, i) => ({ id: i, name: 'item' + i, tags: ['a', 'b'] }))",
  // objects
  '({ a: 1, b: { c: { d: { e: 1 } } } })',
  'var o = { name: "loop" }; o.self = o; o',
  'class Account { constructor() { this.balance = 100; this.owner = "ann" } }',
  'new Account()',
  'Object.create(null)',
  "Object.assign(Object.create(null), { k: 'v' })",
  '({ get x() { return 1 }, set y(v) {}, get z() { return 1 }, set z(v) {} })',
  "({ [Symbol('k')]: 1, 'a-b': 2, valid_id: 3 })",
  "Object.defineProperty({ shown: 1 }, 'hidden', { value: 2 })",
  "({ [Symbol.toStringTag]: 'Custom' })",
  'Object.fromEntries(Array.from({ length: 26 }, (_, i) => [String.fromCharCode(97 + i), i]))',
  "({ description: 'a fairly long string value that will not fit on the same line', n: 1 })",
  // functions and classes
  'function f() {}',
  'f',
  '(function () {})',
  '() => 1',
  'class B extends Account {}',
  'B',
  'class {}',
  'async function af() {}',
  'af',
  'function* g() {}',
  'g',
  'f.bind(null)',
  "Object.assign(function withProps() {}, { a: 1 })",
  'Math.max',
  // collections
  "new Map([['a', 1], ['b', { c: 2 }]])",
  "new Set([1, 'two', [3]])",
  'new Map()',
  'new WeakMap()',
  'new WeakSet()',
  'new Map([[1, 2]]).entries()',
  'new Set([1, 2]).values()',
  "new Map([['nested', new Map([['deeper', new Map([['deepest', new Map()]])]])]])",
  // dates, regexps, typed arrays, boxed
  'new Date(0)',
  'new Date(NaN)',
  '/ab+c/gi',
  'Object.assign(/x/, { extra: true })',
  'new Uint8Array([1, 2, 3])',
  'new Float64Array(8)',
  'new ArrayBuffer(4)',
  'new DataView(new ArrayBuffer(2))',
  'new Number(3)',
  "new String('boxed')",
  'Object(5n)',
  // proxies, generators, arguments
  'new Proxy({ a: 1 }, {})',
  'new Proxy([1, 2], { get() { return 1 } })',
  '(function* () {})()',
  '(function () { return arguments })(1, 2)',
  // error values without stack frames
  "var err = new Error('no stack'); err.stack = err.stack.split('\\n')[0]; err",
  "var c = new Error('outer', { cause: 'why' }); c.stack = 'Error: outer'; c",
  // console.log
  "console.log('a', 1, { b: 2 })",
  "console.log('%s is %d', 'x', 5)",
  "console.log('%i %f %j', 42.9, '1.5', { a: [1] })",
  "console.log('%o', [1, { a: 2 }])",
  "console.log('%O', { a: { b: { c: { d: 1 } } } })",
  "console.log('100%', 'done', '%%')",
  "console.log('%c styled', 'color: red')",
  "console.log([1, 2], 'str', null, undefined)",
  'console.log()',
  'console.log(new Map([[{ k: 1 }, new Set([1])]]))',
  "console.log('%s', [1, [2, [3]]], Symbol('q'))",
  // thrown values
  "throw new Error('boom')",
  "throw new TypeError('bad type')",
  "function thrower() { throw new RangeError('deep') }",
  'thrower()',
  'throw 42',
  "throw 'a string'",
  'throw { code: 1 }',
  'throw null',
  "var e = new Error('with props'); e.code = 'E_CODE'; throw e",
  "function t2() { var e = new Error('p'); e.code = 1; throw e }",
  't2()',
  'class V extends Error {}',
  "throw new V('sub')",
  "throw new Error('x'.repeat(75))",
  'undefinedVariable',
  'null.prop',
  "[1].map(() => { throw new Error('in callback') })",
  // syntax errors
  'let x = ;',
  'foo(1 2)',
  'let let = 1',
  'var 123abc',
  '  let w = 1 +;',
  '\tlet t = @',
];

function run() {
  const r = spawnSync(process.execPath, ['-i'], {
    input: inputs.join('\n') + '\n',
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_READLINE: '1', NODE_DISABLE_COLORS: '1', TERM: 'dumb' },
  });
  let out = r.stdout;
  const first = out.indexOf('> ');
  if (first === -1) throw new Error('no prompt in output:\n' + out);
  out = out.slice(first + 2);
  const parts = out.split('\n> ');
  const last = parts.pop();
  if (last !== '' && last !== '> ') throw new Error('unexpected tail: ' + JSON.stringify(last));
  if (parts.length !== inputs.length) {
    throw new Error(`got ${parts.length} outputs for ${inputs.length} inputs:\n${out}`);
  }
  return parts;
}

const outputs = run();
let text = `# kenshell REPL fixtures, recorded from the real Node REPL (\`node -i\`, non-TTY,
# Node ${process.version}) by tests/inspect/make_fixtures.js. Do not edit by hand.
#
# Format: '#' lines before the first case are comments. Each case is
#   IN: <one line of JavaScript>
#   <exact text the REPL printed for it, prompts stripped, no trailing newline>
#   ----
# Cases are fed in order to ONE session (later inputs use earlier variables);
# stack frames name the script REPL<n>, n = 1-based index of the case.
`;
for (let i = 0; i < inputs.length; i++) {
  if (inputs[i].includes('\n')) throw new Error('inputs must be single lines');
  text += `IN: ${inputs[i]}\n${outputs[i]}\n----\n`;
}
const file = path.join(__dirname, '..', 'fixtures', 'repl_outputs.txt');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, text);
console.log(`wrote ${inputs.length} cases to ${path.relative(process.cwd(), file)}`);
