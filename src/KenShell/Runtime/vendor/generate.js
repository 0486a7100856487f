#!/usr/bin/env node
// Generates the prelude section 705 (vendored npm packages) from the
// packages `npm ci` installed next to package.json in build/runtime-npm:
//
//   node generate.js <install-dir> <output.js>
//
// The section defines VENDORED_SOURCES, a Map from a path under the virtual
// root /kenshell:vendor (e.g. 'node_modules/buffer/index.js') to the file's
// source text, and VENDORED_PACKAGES (name, version, licence of each). The
// CommonJS loader (700-modules.js) resolves and compiles vendored modules
// from that table, lazily on their first require: nothing is read from the
// disk at run time, so every heap carries the same code.
//
// Lean on purpose (the table is in every heap): only the files reachable
// from the entries listed in package.json's "kenshell.entries", following
// require('...') calls with string arguments, resolved by Node's own
// resolver (the one kenshell's loader follows), plus the package.json of
// each package holding such a file, cut down to the fields resolution
// reads.
'use strict';
const fs = require('fs');
const path = require('path');
const { builtinModules } = require('module');

// Resolution must pick what kenshell's loader picks: the conditions
// require/node/default. A Node with require(esm) (20.19+, 22.12+) also
// matches "module-sync" (e.g. get-intrinsic's dependencies would resolve to
// .mjs files kenshell cannot require), so run again without it.
if (process.features && process.features.require_module) {
  const { spawnSync } = require('child_process');
  const r = spawnSync(process.execPath, ['--no-experimental-require-module', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}

const [installDir, outFile] = process.argv.slice(2);
if (!installDir || !outFile) {
  console.error('usage: node generate.js <install-dir> <output.js>');
  process.exit(2);
}
const root = path.resolve(installDir);
const nodeModules = path.join(root, 'node_modules');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const entries = (manifest.kenshell && manifest.kenshell.entries) || Object.keys(manifest.dependencies);

const builtins = new Set(builtinModules);
const files = new Map();         // relative path -> source
const packageDirs = new Set();   // absolute package directories used
const queue = [];

function isBuiltinRequest(request) {
  // 'util' is Node's built-in (kenshell's, when required from a vendored
  // module too); 'util/' with the slash is the npm package, as bundlers
  // and Node both read it.
  const name = request.startsWith('node:') ? request.slice(5) : request;
  return builtins.has(name) && !request.endsWith('/');
}

// The package a file belongs to: the folder right under a node_modules
// (or under a node_modules/@scope).
function packageDirOf(file) {
  for (let dir = path.dirname(file); dir.startsWith(nodeModules + path.sep); dir = path.dirname(dir)) {
    const parent = path.dirname(dir);
    if (path.basename(parent) === 'node_modules') return dir;
    if (path.basename(parent).startsWith('@') && path.basename(path.dirname(parent)) === 'node_modules') return dir;
  }
  return null;
}

function add(file) {
  const rel = path.relative(root, file);
  if (files.has(rel)) return;
  if (rel.startsWith('..')) throw new Error(`${file} is outside ${root}`);
  const source = fs.readFileSync(file, 'utf8');
  files.set(rel, source);
  const pkgDir = packageDirOf(file);
  if (pkgDir !== null) packageDirs.add(pkgDir);
  if (file.endsWith('.js') || file.endsWith('.cjs')) queue.push(file);
}

for (const entry of entries) add(require.resolve(entry, { paths: [root] }));

const requireCall = /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
const unresolved = [];
while (queue.length > 0) {
  const file = queue.shift();
  const source = files.get(path.relative(root, file));
  for (const match of source.matchAll(requireCall)) {
    const request = match[2];
    if (isBuiltinRequest(request)) continue;
    let resolved;
    try {
      resolved = require.resolve(request, { paths: [path.dirname(file)] });
    } catch {
      // A guarded optional require (try/catch, a browser fallback): left
      // out; if it ever runs, kenshell's loader says MODULE_NOT_FOUND.
      unresolved.push(`${path.relative(root, file)}: ${request}`);
      continue;
    }
    if (!path.isAbsolute(resolved)) continue;  // a built-in
    add(resolved);
  }
}

// Globals: vendored code written for bundlers reads Node's `process`
// (process.env.NODE_DEBUG, process.emitWarning...), which bundlers provide
// as a module-scoped shim, and some reads web globals (whatwg-url makes a
// TextEncoder when it loads). So does kenshell: a file that names one gets
// `var process = module.__kenshell.process;` (and so on: the loader's
// values, captured when the store was created, so that a user who replaces
// the global does not break the built-in modules) inserted after its
// directive prologue ('use strict' stays first), on the same line, so that
// every line number stays as in the package.
// The same for the language's own globals (Object, Uint8Array, JSON...):
// Node's built-in modules keep working when a program replaces one of
// those, so kenshell's do too.
const injected = {
  process: /\btypeof\s+process\b|(?<![.\w$])process\s*\./,
};
for (const name of require('./globals.json')) injected[name] = new RegExp(`(?<![.\\w$])${name}\\b`);
const acorn = require(require.resolve('acorn', { paths: [root] }));
const parseOptions = { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true };
for (const [rel, source] of files) {
  if (!/\.c?js$/.test(rel)) continue;
  let names = Object.keys(injected).filter((name) => injected[name].test(source));
  if (names.length === 0) continue;
  let program;
  try {
    program = acorn.parse(source, parseOptions);
  } catch (e) {
    throw new Error(`${rel}: ${e.message}`);
  }
  // A name the file declares itself at its top level stays the file's.
  const own = new Set();
  for (const node of program.body) {
    if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') && node.id) own.add(node.id.name);
    if (node.type === 'VariableDeclaration') for (const d of node.declarations) if (d.id.type === 'Identifier') own.add(d.id.name);
  }
  names = names.filter((name) => !own.has(name));
  if (names.length === 0) continue;
  let at = 0;
  for (const node of program.body) {
    if (node.type !== 'ExpressionStatement' || typeof node.directive !== 'string') break;
    at = node.end;
  }
  const declaration = 'var ' + names.map((name) => `${name} = module.__kenshell.${name}`).join(', ') + ';';
  // (After a directive without its semicolon, one is added: same line.)
  const changed = source.slice(0, at) + (at === 0 ? '' : '; ') + declaration + source.slice(at);
  try {
    acorn.parse(changed, parseOptions);  // a clash with the file's own declarations fails the build here
  } catch (e) {
    throw new Error(`${rel}, with ${declaration}: ${e.message}`);
  }
  files.set(rel, changed);
}

// package.json files: the fields the loader's resolution reads.
const packages = [];
for (const dir of [...packageDirs].sort()) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const kept = {};
  for (const field of ['name', 'version', 'type', 'main', 'exports']) if (field in pkg) kept[field] = pkg[field];
  files.set(path.relative(root, path.join(dir, 'package.json')), JSON.stringify(kept));
  let license = pkg.license;
  if (license === undefined && Array.isArray(pkg.licenses)) license = pkg.licenses.map((l) => l.type).join(' OR ');
  if (license !== null && typeof license === 'object') license = license.type;
  packages.push({ path: path.relative(root, dir), name: pkg.name, version: pkg.version, license: license || 'UNKNOWN' });
}

let out = '// ---------------------------------------------------------------- vendored npm packages\n' +
  '// GENERATED by src/KenShell/Runtime/vendor/generate.js from the packages pinned in\n' +
  '// src/KenShell/Runtime/vendor/package-lock.json (build.sh); do not edit.\n' +
  '// Path (under the virtual root /kenshell:vendor) -> source text (or a\n' +
  '// function whose comment holds it: see generate.js), read by\n' +
  "// 700-modules.js's loader; each module compiles on its first require.\n" +
  'const VENDORED_PACKAGES = ' + JSON.stringify(packages) + ';\n' +
  'const VENDORED_SOURCES = new MapCtor();\n';
// Non-ASCII characters as \u escapes, where that keeps the program the
// same: in comments, string literals and regular expressions (in the
// packages vendored, all of them are there), and anywhere in JSON. A file
// with one elsewhere (a template literal, an identifier) is kept as it is.
function nonAsciiEscaped(rel, source) {
  if (!/[^\x00-\x7f]/.test(source)) return source;
  const escape = (text) => text.replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (rel.endsWith('.json')) return escape(source);
  // The tokens other than strings and regular expressions (comments are
  // not tokens) must be ASCII.
  for (const token of acorn.tokenizer(source, parseOptions)) {
    const label = token.type.label;
    if (label !== 'string' && label !== 'regexp' && /[^\x00-\x7f]/.test(source.slice(token.start, token.end))) return source;
  }
  return escape(source);
}
for (const [rel, source] of files) files.set(rel, nonAsciiEscaped(rel, source));

// Each source is the body of a block comment in a function that is never
// called: the loader takes it back with Function.prototype.toString, which
// V8 answers with a slice of the prelude's own source (no copy). As string
// literals, every source would be in the heap twice: in the prelude's
// source and as the literal. A '*/' inside is written '*\x01/'; a file
// with a \x01 or a non-ASCII character (which would make the whole
// prelude's source two bytes a character) stays a string literal.
let bytes = 0;
let asLiterals = 0;
for (const [rel, source] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
  bytes += source.length;
  let value;
  if (/[^\x00-\x7f]|\x01/.test(source) || rel.endsWith('package.json')) {
    value = JSON.stringify(source);
    asLiterals++;
  } else {
    value = `function () {/*${source.replace(/\*\//g, '*\x01/')}*/}`;
  }
  out += `call(MapSet, VENDORED_SOURCES, ${JSON.stringify(rel)}, ${value});\n`;
}
// Every character above ASCII as a \u escape (all of them are inside the
// string literals): V8 stores a script with any character above U+00FF
// two bytes per character, and the prelude's source is in every heap.
out = out.replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
fs.writeFileSync(outFile + '.tmp', out);
fs.renameSync(outFile + '.tmp', outFile);
console.error(`[vendor] ${files.size} files (${(bytes / 1024).toFixed(0)} KiB of source; ${asLiterals} as string literals) from ` +
  `${packages.length} packages -> ${outFile}` +
  (unresolved.length ? `; optional requires left out: ${unresolved.join(', ')}` : ''));
