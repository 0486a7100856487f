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

// `process`: vendored code written for bundlers reads Node's `process`
// (process.env.NODE_DEBUG, process.emitWarning...), which bundlers provide
// as a module-scoped shim. So does kenshell: a file that reads it gets
// `var process = module.__kenshellProcess;` (the loader's shim) inserted
// after its directive prologue ('use strict' stays first), on the same
// line, so every line number stays as in the package.
const usesProcess = /\btypeof\s+process\b|(?<![.\w$])process\s*\./;
const acorn = require(require.resolve('acorn', { paths: [root] }));
for (const [rel, source] of files) {
  if (!/\.c?js$/.test(rel) || !usesProcess.test(source)) continue;
  const program = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
  let at = 0;
  for (const node of program.body) {
    if (node.type !== 'ExpressionStatement' || typeof node.directive !== 'string') break;
    at = node.end;
  }
  files.set(rel, source.slice(0, at) + (at === 0 ? '' : ' ') + 'var process = module.__kenshellProcess;' + source.slice(at));
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
  '// Path (under the virtual root /kenshell:vendor) -> source text, read by\n' +
  "// 700-modules.js's loader; each module compiles on its first require.\n" +
  'const VENDORED_PACKAGES = ' + JSON.stringify(packages) + ';\n' +
  'const VENDORED_SOURCES = new MapCtor();\n';
let bytes = 0;
for (const [rel, source] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
  bytes += source.length;
  out += `call(MapSet, VENDORED_SOURCES, ${JSON.stringify(rel)}, ${JSON.stringify(source)});\n`;
}
// Every character above ASCII as a \u escape (all of them are inside the
// string literals): V8 stores a script with any character above U+00FF
// two bytes per character, and the prelude's source is in every heap.
out = out.replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
fs.writeFileSync(outFile + '.tmp', out);
fs.renameSync(outFile + '.tmp', outFile);
console.error(`[vendor] ${files.size} files (${(bytes / 1024).toFixed(0)} KiB of source) from ` +
  `${packages.length} packages -> ${outFile}` +
  (unresolved.length ? `; optional requires left out: ${unresolved.join(', ')}` : ''));
