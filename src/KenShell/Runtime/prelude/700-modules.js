// ---------------------------------------------------------------- modules
// CommonJS `require` as Node's: resolution (relative paths, node_modules up
// the tree, package.json main and exports), the module wrapper, the cache,
// cycles, JSON modules. Everything read from the disk goes through
// host.fsQuery, whose answers are recorded on the turn's tape: a module's
// source is an input of the turn that loaded it, kept in that turn's log
// record, so replay and recovery never read node_modules again.
// The section is a block: its captured built-ins and helpers are its own
// (no clash with names other sections capture); it publishes `require` and
// `module` on the global object.
//
// Node's built-in modules are provided by later sections, each calling
// defineBuiltinModule(name, factory) once at store creation (`name` without
// the node: prefix, e.g. 'path' or 'fs/promises'). The factory runs on the
// first require of the module (its exports are then kept, as Node keeps a
// built-in's); it may call requireBuiltin for the built-ins it uses. A
// built-in in Node's list that no section defines fails with
// ERR_UNKNOWN_BUILTIN_MODULE naming it.
const BUILTIN_FACTORIES = new MapCtor();
const BUILTIN_EXPORTS = new MapCtor();
function defineBuiltinModule(name, factory) {
  if (call(MapHas, BUILTIN_FACTORIES, name)) throw new TypeErrorCtor(`kenshell: built-in module '${name}' defined twice`);
  call(MapSet, BUILTIN_FACTORIES, name, factory);
}
// The exports of a built-in module (name without node:), or undefined when
// no section provides it.
function requireBuiltin(name) {
  if (call(MapHas, BUILTIN_EXPORTS, name)) {
    const exports = call(MapGet, BUILTIN_EXPORTS, name);
    if (exports === BUILTIN_LOADING) throw new TypeErrorCtor(`kenshell: built-in module '${name}' requires itself while loading`);
    return exports;
  }
  const factory = call(MapGet, BUILTIN_FACTORIES, name);
  if (factory === undefined) return undefined;
  call(MapSet, BUILTIN_EXPORTS, name, BUILTIN_LOADING);
  let ok = false;
  try {
    const exports = factory();
    call(MapSet, BUILTIN_EXPORTS, name, exports);
    ok = true;
    return exports;
  } finally {
    if (!ok) call(MapDelete, BUILTIN_EXPORTS, name);
  }
}
const BUILTIN_LOADING = { __proto__: null };
// What the ES module loader (790-esm.js) uses of this section, set at the
// end of the block below.
let cjsLoader = null;
// requireVendored(request): see the end of the block below.
let requireVendored;
{
const ObjectPrototypeHasOwnProperty = uncurry(Object.prototype.hasOwnProperty);
const StringPrototypeLastIndexOf = uncurry(String.prototype.lastIndexOf);
const StringPrototypeStartsWith = uncurry(String.prototype.startsWith);
const StringPrototypeIncludes = uncurry(String.prototype.includes);
const StringPrototypeSplit = uncurry(String.prototype.split);
const ErrorCtor = Error;

// Node's built-in modules (Node 20's require('module').builtinModules).
const NODE_BUILTINS = new MapCtor();
{
  const names = StringPrototypeSplit('_http_agent _http_client _http_common _http_incoming _http_outgoing ' +
    '_http_server _stream_duplex _stream_passthrough _stream_readable _stream_transform _stream_wrap ' +
    '_stream_writable _tls_common _tls_wrap assert assert/strict async_hooks buffer child_process cluster ' +
    'console constants crypto dgram diagnostics_channel dns dns/promises domain events fs fs/promises http ' +
    'http2 https inspector inspector/promises module net os path path/posix path/win32 perf_hooks process ' +
    'punycode querystring readline readline/promises repl stream stream/consumers stream/promises stream/web ' +
    'string_decoder sys timers timers/promises tls trace_events tty url util util/types v8 vm wasi ' +
    'worker_threads zlib', ' ');
  for (let i = 0; i < names.length; i++) call(MapSet, NODE_BUILTINS, names[i], true);
  // Only reachable with the node: prefix.
  call(MapSet, NODE_BUILTINS, 'test', 'prefixed');
  call(MapSet, NODE_BUILTINS, 'sea', 'prefixed');
}

// The loader's own frames are dropped from the errors it makes (the user's
// frames are what says where the require was).
function withoutRuntimeFrames(err) {
  const lines = StringPrototypeSplit(err.stack, '\n');
  const kept = [];
  for (let i = 0; i < lines.length; i++) {
    if (!StringPrototypeIncludes(lines[i], '(kenshell:prelude:')) append(kept, lines[i]);
  }
  ObjectDefineProperty(err, 'stack', { __proto__: null, value: ArrayPrototypeJoin(kept, '\n'), writable: true, configurable: true, enumerable: false });
  return err;
}
// An error thrown by a module while it loads passes through the loader:
// its stack loses the loader's frames (the module's and the caller's stay),
// as printing an uncaught error already does.
function hideLoaderFrames(e) {
  if (host.typeTag(e) !== 'error') return;
  const desc = ObjectGetOwnPropertyDescriptor(e, 'stack');
  if (desc === undefined || !desc.configurable) return;
  const stack = e.stack;
  if (typeof stack === 'string' && StringPrototypeIncludes(stack, '(kenshell:prelude:')) withoutRuntimeFrames(e);
}
function plainError(message, code) {
  const err = withoutRuntimeFrames(new ErrorCtor(message));
  err.code = code;
  return err;
}
// An error as Node makes its coded ones: the stack reads "Error [CODE]: ...",
// the name stays the constructor's, `code` is an own property.
function codedError(Ctor, code, message) {
  const err = new Ctor(message);
  ObjectDefineProperty(err, 'name', { __proto__: null, value: `${Ctor.name} [${code}]`, configurable: true, writable: true });
  withoutRuntimeFrames(err);
  delete err.name;
  ObjectDefineProperty(err, 'code', { __proto__: null, value: code, writable: true, enumerable: true, configurable: true });
  return err;
}

// ---- paths (POSIX)
function normalizeParts(parts, out) {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '' || p === '.') continue;
    if (p === '..') { if (out.length > 0) out.length--; continue; }
    append(out, p);
  }
  return out;
}
function pathResolve(from, to) {
  const out = [];
  if (!StringPrototypeStartsWith(to, '/')) normalizeParts(StringPrototypeSplit(from, '/'), out);
  normalizeParts(StringPrototypeSplit(to, '/'), out);
  return '/' + ArrayPrototypeJoin(out, '/');
}
function pathDirname(p) {
  const i = StringPrototypeLastIndexOf(p, '/');
  return i <= 0 ? '/' : StringPrototypeSlice(p, 0, i);
}
function pathBasename(p) {
  return StringPrototypeSlice(p, StringPrototypeLastIndexOf(p, '/') + 1);
}
function pathExtname(p) {
  const base = pathBasename(p);
  const i = StringPrototypeLastIndexOf(base, '.');
  return i <= 0 ? '' : StringPrototypeSlice(base, i);
}
// node_modules folders from `dir` up to the root, as Node's _nodeModulePaths.
function nodeModulePaths(dir) {
  const out = [];
  const parts = StringPrototypeSplit(dir, '/');
  for (let n = parts.length; n > 0; n--) {
    if (parts[n - 1] === 'node_modules') continue;
    const head = [];
    for (let i = 0; i < n; i++) append(head, parts[i]);
    const base = ArrayPrototypeJoin(head, '/');
    append(out, (base === '' ? '' : base) + '/node_modules');
  }
  return out;
}

// ---- vendored npm packages (section 705, VENDORED_SOURCES): a read-only
// virtual tree under VENDOR_ROOT, answered from the heap, never the disk
// nor the tape, so every heap has the same code whatever is installed.
const VENDOR_ROOT = '/kenshell:vendor';
let vendorDirs = null;
function vendorRelative(path) {
  if (path === VENDOR_ROOT) return '';
  if (!StringPrototypeStartsWith(path, VENDOR_ROOT + '/')) return null;
  // Normalized: 'buffer/' (the npm package rather than the built-in) ends
  // in a slash, and a folder's 'index' is then looked for after '//'.
  return ArrayPrototypeJoin(normalizeParts(StringPrototypeSplit(StringPrototypeSlice(path, VENDOR_ROOT.length + 1), '/'), []), '/');
}
function vendorStat(rel) {
  if (call(MapHas, VENDORED_SOURCES, rel)) return 'file';
  if (vendorDirs === null) {
    // Every folder holding a vendored file (built on first use, then kept
    // in the heap with the rest).
    vendorDirs = new MapCtor();
    call(MapSet, vendorDirs, '', true);
    const it = MapPrototypeEntries(VENDORED_SOURCES);
    for (let step = MapIteratorNext(it); !step.done; step = MapIteratorNext(it)) {
      let dir = step.value[0];
      for (let i = StringPrototypeLastIndexOf(dir, '/'); i > 0; i = StringPrototypeLastIndexOf(dir, '/')) {
        dir = StringPrototypeSlice(dir, 0, i);
        if (call(MapHas, vendorDirs, dir)) break;
        call(MapSet, vendorDirs, dir, true);
      }
    }
  }
  return call(MapHas, vendorDirs, rel) ? 'dir' : null;
}

// A vendored file's text: a string, or a function whose block comment
// holds it (vendor/generate.js), taken as a slice of the prelude's source.
const FunctionPrototypeToString = uncurry(Function.prototype.toString);
function vendorText(value) {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  const source = FunctionPrototypeToString(value);
  const text = StringPrototypeSlice(source, StringPrototypeIndexOf(source, '/*') + 2, source.length - 3);
  return StringPrototypeIncludes(text, '*\x01/') ? ArrayPrototypeJoin(StringPrototypeSplit(text, '*\x01/'), '*/') : text;
}

// ---- the filesystem, through the tape. Within one outermost require call
// answers are cached (Node caches stat and package.json reads too); the
// cache is dropped when that call returns, so a later turn looks again.
let fsCache = null;
let requireDepth = 0;
function fsStat(path) {
  const rel = vendorRelative(path);
  if (rel !== null) return vendorStat(rel);
  const key = 's' + path;
  if (fsCache !== null && call(MapHas, fsCache, key)) return call(MapGet, fsCache, key);
  const answer = host.fsQuery('stat', path);
  if (fsCache !== null) call(MapSet, fsCache, key, answer);
  return answer;
}
function fsRead(path) {
  const rel = vendorRelative(path);
  if (rel !== null) return vendorText(call(MapGet, VENDORED_SOURCES, rel));
  return host.fsQuery('read', path);
}
function fsRealpath(path) {
  const rel = vendorRelative(path);
  if (rel !== null) return rel === '' ? VENDOR_ROOT : VENDOR_ROOT + '/' + rel;
  const key = 'r' + path;
  if (fsCache !== null && call(MapHas, fsCache, key)) return call(MapGet, fsCache, key);
  const answer = host.fsQuery('realpath', path) || path;
  if (fsCache !== null) call(MapSet, fsCache, key, answer);
  return answer;
}
// package.json of a directory: null when absent, the parsed object, or
// throws Node's error for invalid JSON.
function readPackage(dir) {
  const path = dir + '/package.json';
  const key = 'p' + path;
  if (fsCache !== null && call(MapHas, fsCache, key)) return call(MapGet, fsCache, key);
  const text = fsRead(path);
  let pkg = null;
  if (text !== null) {
    try {
      pkg = JSONParse(stripBOM(text));
    } catch (e) {
      throw plainError(`Invalid package config ${path}.`, 'ERR_INVALID_PACKAGE_CONFIG');
    }
    if (pkg === null || typeof pkg !== 'object') pkg = { __proto__: null };
  }
  if (fsCache !== null) call(MapSet, fsCache, key, pkg);
  return pkg;
}
function ownField(obj, name) {
  return obj !== null && typeof obj === 'object' && ObjectPrototypeHasOwnProperty(obj, name) ? obj[name] : undefined;
}
// The nearest package.json up from `dir` (Node's readPackageScope).
function packageScope(dir) {
  for (;;) {
    if (pathBasename(dir) === 'node_modules') return null;
    const pkg = readPackage(dir);
    if (pkg !== null) return { __proto__: null, dir, pkg };
    if (dir === '/') return null;
    dir = pathDirname(dir);
  }
}

function stripBOM(text) {
  return StringPrototypeCharCodeAt(text, 0) === 0xFEFF ? StringPrototypeSlice(text, 1) : text;
}

// ---- resolution
const EXTENSIONS = ['.js', '.json', '.node'];
function tryFile(path) {
  return fsStat(path) === 'file' ? fsRealpath(path) : false;
}
function tryExtensions(base) {
  for (let i = 0; i < EXTENSIONS.length; i++) {
    const found = tryFile(base + EXTENSIONS[i]);
    if (found) return found;
  }
  return false;
}
function tryPackage(dir, request) {
  const pkg = readPackage(dir);
  const main = ownField(pkg, 'main');
  if (typeof main !== 'string' || main === '') return tryExtensions(dir + '/index');
  const target = pathResolve(dir, main);
  const found = tryFile(target) || tryExtensions(target) || tryExtensions(target + '/index') || tryExtensions(dir + '/index');
  if (found) return found;
  const err = plainError(`Cannot find module '${target}'. ` +
    'Please verify that the package.json has a valid "main" entry', 'MODULE_NOT_FOUND');
  err.path = dir + '/package.json';
  err.requestPath = request;
  throw err;
}
// A path without a trailing slash as a file, then with extensions, then as
// a directory (Node's Module._findPath for one candidate).
function tryPath(base, trailingSlash, request) {
  const kind = fsStat(base);
  let found = false;
  if (!trailingSlash) {
    if (kind === 'file') found = fsRealpath(base);
    if (!found) found = tryExtensions(base);
  }
  if (!found && kind === 'dir') found = tryPackage(base, request);
  return found;
}

const CONDITIONS = ['require', 'node', 'node-addons', 'default'];
// The ES module loader resolves with Node's import conditions.
const IMPORT_CONDITIONS = ['import', 'node', 'node-addons', 'default'];
let activeConditions = CONDITIONS;
function isCondition(key) {
  for (let i = 0; i < activeConditions.length; i++) if (activeConditions[i] === key) return true;
  return false;
}
function invalidTarget(pkgDir, subpath, target) {
  return codedError(ErrorCtor, 'ERR_INVALID_PACKAGE_TARGET',
    `Invalid "exports" target ${JSONStringify(target)} defined for '${subpath}' in the package config ${pkgDir}/package.json`);
}
// Node's resolvePackageTarget for the require conditions: a path, null (not
// exported), or undefined (no condition matched).
function packageTarget(pkgDir, subpath, target, patternMatch) {
  if (typeof target === 'string') {
    if (!StringPrototypeStartsWith(target, './')) throw invalidTarget(pkgDir, subpath, target);
    let resolved = target;
    if (patternMatch !== null) resolved = ArrayPrototypeJoin(StringPrototypeSplit(target, '*'), patternMatch);
    return pathResolve(pkgDir, resolved);
  }
  if (ArrayIsArray(target)) {
    if (target.length === 0) return null;
    let last;
    for (let i = 0; i < target.length; i++) {
      let r;
      try {
        r = packageTarget(pkgDir, subpath, target[i], patternMatch);
      } catch (e) {
        last = e;
        if (e !== null && typeof e === 'object' && e.code === 'ERR_INVALID_PACKAGE_TARGET') continue;
        throw e;
      }
      if (r === undefined) continue;
      if (r === null) { last = null; continue; }
      return r;
    }
    if (last === undefined || last === null) return last;
    throw last;
  }
  if (target !== null && typeof target === 'object') {
    const keys = ReflectOwnKeys(target);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (typeof key !== 'string' || !isCondition(key)) continue;
      const r = packageTarget(pkgDir, subpath, target[key], patternMatch);
      if (r === undefined) continue;
      return r;
    }
    return undefined;
  }
  if (target === null) return null;
  throw invalidTarget(pkgDir, subpath, target);
}
function notExported(pkgDir, subpath) {
  return codedError(ErrorCtor, 'ERR_PACKAGE_PATH_NOT_EXPORTED', subpath === '.'
    ? `No "exports" main defined in ${pkgDir}/package.json`
    : `Package subpath '${subpath}' is not defined by "exports" in ${pkgDir}/package.json`);
}
// Node's packageExportsResolve: `exports` of the package in pkgDir, for
// subpath ('.' or './x').
function exportsResolve(pkgDir, subpath, exportsField) {
  let map = exportsField;
  if (typeof map === 'string' || ArrayIsArray(map) || map === null || typeof map !== 'object') {
    map = { __proto__: null, '.': map };
  } else {
    const keys = ReflectOwnKeys(map);
    let dotted = false;
    for (let i = 0; i < keys.length; i++) {
      if (typeof keys[i] === 'string' && StringPrototypeStartsWith(keys[i], '.')) { dotted = true; break; }
    }
    if (!dotted) map = { __proto__: null, '.': map };
  }
  if (ObjectPrototypeHasOwnProperty(map, subpath) && !StringPrototypeIncludes(subpath, '*')) {
    const r = packageTarget(pkgDir, subpath, map[subpath], null);
    if (r === null || r === undefined) throw notExported(pkgDir, subpath);
    return r;
  }
  // Patterns ("./features/*.js"): the longest matching prefix wins.
  let bestKey = '';
  let bestMatch = '';
  const keys = ReflectOwnKeys(map);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== 'string') continue;
    const star = StringPrototypeIndexOf(key, '*');
    if (star < 0 || StringPrototypeIndexOf(key, '*', star + 1) >= 0) continue;
    const prefix = StringPrototypeSlice(key, 0, star);
    const suffix = StringPrototypeSlice(key, star + 1);
    if (!StringPrototypeStartsWith(subpath, prefix) || subpath === prefix) continue;
    if (suffix !== '' && (!StringPrototypeEndsWith(subpath, suffix) || subpath.length < key.length)) continue;
    if (bestKey === '' || prefix.length > StringPrototypeIndexOf(bestKey, '*')) {
      bestKey = key;
      bestMatch = StringPrototypeSlice(subpath, prefix.length, subpath.length - suffix.length);
    }
  }
  if (bestKey !== '') {
    const r = packageTarget(pkgDir, subpath, map[bestKey], bestMatch);
    if (r === null || r === undefined) throw notExported(pkgDir, subpath);
    return r;
  }
  throw notExported(pkgDir, subpath);
}
// A bare request in one node_modules folder, through the package's
// "exports" when it has one (Node's resolveExports).
function resolveExports(nmDir, request) {
  let nameEnd = StringPrototypeIndexOf(request, '/');
  if (StringPrototypeStartsWith(request, '@')) nameEnd = nameEnd < 0 ? -1 : StringPrototypeIndexOf(request, '/', nameEnd + 1);
  const name = nameEnd < 0 ? request : StringPrototypeSlice(request, 0, nameEnd);
  const pkgDir = nmDir + '/' + name;
  const pkg = readPackage(pkgDir);
  const exportsField = ownField(pkg, 'exports');
  if (exportsField === undefined || exportsField === null) return false;
  const subpath = '.' + (nameEnd < 0 ? '' : StringPrototypeSlice(request, nameEnd));
  const target = exportsResolve(pkgDir, subpath, exportsField);
  const found = tryFile(target);
  if (found) return found;
  throw plainError(`Cannot find module '${target}'`, 'MODULE_NOT_FOUND');
}

function isRelative(request) {
  return request === '.' || request === '..' || StringPrototypeStartsWith(request, './') ||
    StringPrototypeStartsWith(request, '../') || StringPrototypeStartsWith(request, '/');
}
function requireStackOf(parent) {
  const stack = [];
  for (let m = parent; m; m = m.parent) append(stack, m.filename || m.id);
  return stack;
}
function notFound(request, parent) {
  const stack = requireStackOf(parent);
  let message = `Cannot find module '${request}'`;
  if (stack.length > 0) message += '\nRequire stack:\n- ' + ArrayPrototypeJoin(stack, '\n- ');
  const err = plainError(message, 'MODULE_NOT_FOUND');
  err.requireStack = stack;
  return err;
}
function builtinName(request) {
  if (StringPrototypeStartsWith(request, 'node:')) return StringPrototypeSlice(request, 5);
  return call(MapGet, NODE_BUILTINS, request) === true ? request : null;
}
function builtinError(request) {
  const name = builtinName(request);
  if (StringPrototypeStartsWith(request, 'node:') && call(MapGet, NODE_BUILTINS, name) === undefined) {
    return codedError(ErrorCtor, 'ERR_UNKNOWN_BUILTIN_MODULE', `No such built-in module: ${request}`);
  }
  return codedError(ErrorCtor, 'ERR_UNKNOWN_BUILTIN_MODULE',
    `Node's built-in module '${name}' is not provided by kenshell yet (require('${request}'))`);
}

// request from a module (or the prompt) -> absolute filename.
function resolveFilename(request, parent, fromDir) {
  if (builtinName(request) !== null) throw builtinError(request);
  const trailingSlash = StringPrototypeEndsWith(request, '/') || request === '.' || request === '..' ||
    StringPrototypeEndsWith(request, '/.') || StringPrototypeEndsWith(request, '/..');
  if (isRelative(request)) {
    const found = tryPath(pathResolve(fromDir, request), trailingSlash, request);
    if (found) return found;
    throw notFound(request, parent);
  }
  const dirs = nodeModulePaths(fromDir);
  // A vendored module resolves within the vendored tree only.
  const vendored = vendorRelative(fromDir) !== null;
  for (let i = 0; i < dirs.length; i++) {
    if (vendored && vendorRelative(dirs[i]) === null) continue;
    if (fsStat(dirs[i]) !== 'dir') continue;
    const viaExports = resolveExports(dirs[i], request);
    if (viaExports) return viaExports;
    const found = tryPath(dirs[i] + '/' + request, trailingSlash, request);
    if (found) return found;
  }
  throw notFound(request, parent);
}

// ---- modules
function Module(id, parent) {
  this.id = id;
  this.path = pathDirname(id);
  this.exports = {};
  this.filename = null;
  this.loaded = false;
  this.children = [];
  this.paths = [];
  ObjectDefineProperty(this, 'parent', { __proto__: null, value: parent, writable: true, configurable: true, enumerable: false });
}
Module.prototype.require = function require(id) { return requireFrom(this, id); };

// The cache, keyed by filename (require.cache); the resolution cache
// (from-directory + request -> filename) lets a require of a loaded module
// answer without looking at the disk.
const moduleCache = { __proto__: null };
// Vendored modules are kenshell's, as Node's built-ins are Node's: they are
// not in require.cache.
const vendorModuleCache = { __proto__: null };
function cacheFor(filename) {
  return vendorRelative(filename) !== null ? vendorModuleCache : moduleCache;
}
const resolveCache = new MapCtor();

// At the prompt: Node's REPL module.
const replModule = { id: '<repl>', path: '.', exports: {}, filename: null, loaded: false, children: [], paths: [] };
ObjectDefineProperty(replModule, 'parent', { __proto__: null, value: undefined, writable: true, configurable: true, enumerable: false });

// The file run as `kenshell ADDR FILE.js` (its full path), or null at the
// prompt and for --eval: a per-process answer, recorded on the tape.
function programPath() {
  const main = host.processInfo('main');
  return typeof main === 'string' && main !== '' ? main : null;
}
// Where the global `require` resolves from: the program's own folder while
// a file runs (as `node FILE.js` resolves from the file), else the working
// directory (as Node's REPL).
function replFromDir() {
  const main = programPath();
  return main !== null ? pathDirname(main) : host.fsQuery('cwd');
}
function fromDirOf(module) {
  return module === replModule ? replFromDir() : module.path;
}

function checkId(id) {
  if (typeof id !== 'string') throw invalidArgType('id', 'of type string', id);
  if (id === '') {
    throw codedError(TypeErrorCtor, 'ERR_INVALID_ARG_VALUE', "The argument 'id' must be a non-empty string. Received ''");
  }
}

function resolveFrom(module, request) {
  const fromDir = fromDirOf(module);
  if (module === replModule) replModule.paths = nodeModulePaths(fromDir + '/repl');
  const key = fromDir + '\0' + request;
  const known = call(MapGet, resolveCache, key);
  if (known !== undefined && cacheFor(known)[known] !== undefined) return known;
  const filename = resolveFilename(request, module, fromDir);
  call(MapSet, resolveCache, key, filename);
  return filename;
}

function requireFrom(parent, request) {
  checkId(request);
  // Built-ins first, as Node: require('fs') is the built-in even where a
  // node_modules/fs exists.
  const builtin = builtinName(request);
  if (builtin !== null && call(MapGet, NODE_BUILTINS, builtin) !== undefined) {
    const exports = requireBuiltin(builtin);
    if (exports === undefined) throw builtinError(request);
    return exports;
  }
  if (requireDepth === 0) fsCache = new MapCtor();
  requireDepth++;
  try {
    const filename = resolveFrom(parent, request);
    const cache = cacheFor(filename);
    const cached = cache[filename];
    if (cached !== undefined) {
      addChild(parent, cached);
      return cached.exports;
    }
    const module = new Module(filename, parent);
    module.filename = filename;
    // Vendored code reads its `process` (and the few globals it uses) from
    // here (vendor/generate.js).
    if (cache === vendorModuleCache) hidden(module, '__kenshell', vendorGlobals);
    module.paths = nodeModulePaths(module.path);
    cache[filename] = module;
    addChild(parent, module);
    let ok = false;
    try {
      loadModule(module, filename, parent);
      ok = true;
    } catch (e) {
      hideLoaderFrames(e);
      throw e;
    } finally {
      if (!ok) {
        delete cache[filename];
        const children = parent.children;
        if (ArrayIsArray(children) && children.length > 0 && children[children.length - 1] === module) children.length--;
      }
    }
    module.loaded = true;
    return module.exports;
  } finally {
    requireDepth--;
    if (requireDepth === 0) fsCache = null;
  }
}

function addChild(parent, child) {
  const children = parent.children;
  if (!ArrayIsArray(children)) return;
  for (let i = 0; i < children.length; i++) if (children[i] === child) return;
  append(children, child);
}

// Node 20's ERR_REQUIRE_ESM, word for word (including its "in null" when
// the parent is the prompt, which has no filename).
function requireEsmError(filename, parent, scope, hasEsmSyntax) {
  const parentPath = parent && parent.filename ? parent.filename : null;
  let message = `require() of ES Module ${filename}${parentPath ? ` from ${parentPath}` : ''} not supported.`;
  if (scope === null) {
    message += `\nInstead change the require of ${filename} to a dynamic import() which is available in all CommonJS modules.`;
    return codedError(ErrorCtor, 'ERR_REQUIRE_ESM', message);
  }
  const base = parentPath && pathBasename(filename) === pathBasename(parentPath) ? filename : pathBasename(filename);
  if (hasEsmSyntax) {
    message += `\nInstead change the require of ${base} in ${parentPath} to a dynamic import() which is available in all CommonJS modules.`;
  } else {
    message += `\n${base} is treated as an ES module file as it is a .js file whose nearest parent package.json ` +
      'contains "type": "module" which declares all .js files in that package scope as ES modules.\n' +
      `Instead either rename ${base} to end in .cjs, change the requiring code to use dynamic import() which is ` +
      'available in all CommonJS modules, or change "type": "module" to "type": "commonjs" in ' +
      `${scope.dir}/package.json to treat all .js files as CommonJS (using .cjs if you must).`;
  }
  return codedError(ErrorCtor, 'ERR_REQUIRE_ESM', message);
}
// Whether a source uses import/export statements (Node parses it as a
// module with acorn; here: V8's complaint when it is compiled as a script).
function hasEsmSyntax(source) {
  const compiled = host.compileFunction(source, '');
  if (!ArrayIsArray(compiled)) return false;
  const e = compiled[0];
  const message = host.typeTag(e) === 'error' ? `${e.message}` : '';
  return StringPrototypeIncludes(message, 'import') || StringPrototypeIncludes(message, 'export');
}

function loadModule(module, filename, parent) {
  const ext = pathExtname(filename);
  if (ext === '.mjs') throw requireEsmError(filename, parent, null, false);
  if (ext === '.node') {
    throw codedError(ErrorCtor, 'ERR_DLOPEN_FAILED', `${filename}: kenshell cannot load native addons (.node files)`);
  }
  const text = fsRead(filename);
  if (text === null) throw notFound(filename, parent);
  if (ext === '.json') {
    try {
      module.exports = JSONParse(stripBOM(text));
    } catch (e) {
      if (e !== null && typeof e === 'object') e.message = filename + ': ' + e.message;
      throw e;
    }
    return;
  }
  if (ext !== '.cjs') {
    const scope = packageScope(pathDirname(filename));
    if (scope !== null && ownField(scope.pkg, 'type') === 'module') {
      throw requireEsmError(filename, parent, scope, hasEsmSyntax(stripShebang(stripBOM(text))));
    }
  }
  compileAndRun(module, stripShebang(stripBOM(text)), filename);
}

function stripShebang(text) {
  return StringPrototypeStartsWith(text, '#!') ? '//' + StringPrototypeSlice(text, 2) : text;
}

function makeRequire(module) {
  const require = function require(id) { return requireFrom(module, id); };
  function resolve(request, options) {
    checkId(request);
    const builtin = builtinName(request);
    if (builtin !== null && call(MapGet, NODE_BUILTINS, builtin) !== undefined) return request;
    if (options !== undefined && options !== null && options.paths !== undefined) {
      // Node's options.paths: look from each of the given directories.
      const paths = options.paths;
      for (let i = 0; i < paths.length; i++) {
        try {
          return resolveFilename(request, module, pathResolve(fromDirOf(module), paths[i]));
        } catch (e) {
          if (e === null || typeof e !== 'object' || e.code !== 'MODULE_NOT_FOUND') throw e;
        }
      }
      throw notFound(request, module);
    }
    if (requireDepth === 0) fsCache = new MapCtor();
    requireDepth++;
    try {
      return resolveFrom(module, request);
    } finally {
      requireDepth--;
      if (requireDepth === 0) fsCache = null;
    }
  }
  resolve.paths = function paths(request) {
    checkId(request);
    if (builtinName(request) !== null) return null;
    const fromDir = fromDirOf(module);
    return isRelative(request) ? [fromDir] : nodeModulePaths(fromDir);
  };
  require.resolve = resolve;
  // In a program (`kenshell ADDR FILE.js`) require.main is the program's
  // `module`, so the idiom `require.main === module` holds in the file, as
  // in `node FILE.js`; at the prompt it is undefined, as in Node's REPL.
  ObjectDefineProperty(require, 'main', {
    __proto__: null, enumerable: true, configurable: true,
    get() { return programPath() !== null ? replModule : undefined; },
    set(value) { ObjectDefineProperty(require, 'main', { __proto__: null, value, writable: true, enumerable: true, configurable: true }); },
  });
  require.extensions = { __proto__: null, '.js': moduleExtension, '.json': moduleExtension, '.node': moduleExtension };
  require.cache = moduleCache;
  return require;
}
// require.extensions entries exist (libraries look for them); loading
// through them is kenshell's own loader whatever they are replaced with.
function moduleExtension(module, filename) {
  loadModule(module, filename, module.parent);
}

function compileAndRun(module, source, filename) {
  // Compiled as Node compiles it: a function of the wrapper's parameters,
  // in a script named after the file (stack traces name it, with the
  // file's own lines and columns).
  const compiled = host.compileFunction(source, filename);
  if (ArrayIsArray(compiled)) throw syntaxErrorIn(filename, compiled);
  const require = makeRequire(module);
  ReflectApply(compiled, module.exports, [module.exports, require, module, filename, module.path]);
}

// A module's syntax error, with its stack decorated as Node decorates it:
// file:line, the line, a caret under the offending token.
function syntaxErrorIn(filename, compiled) {
  const error = compiled[0];
  if (host.typeTag(error) !== 'error' || typeof error.stack !== 'string') return error;
  withoutRuntimeFrames(error);
  let caret = '';
  for (let i = 0; i < compiled[3]; i++) caret += ' ';
  const width = compiled[4] > compiled[3] ? compiled[4] - compiled[3] : 1;
  for (let i = 0; i < width; i++) caret += '^';
  ObjectDefineProperty(error, 'stack', {
    __proto__: null,
    value: `${filename}:${compiled[1]}\n${compiled[2]}\n${caret}\n\n${error.stack}`,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return error;
}

cjsLoader = {
  __proto__: null,
  fsStat, fsRead, fsRealpath, readPackage, packageScope, ownField, stripBOM, stripShebang,
  pathResolve, pathDirname, pathBasename, pathExtname, nodeModulePaths,
  codedError, plainError, hideLoaderFrames, withoutRuntimeFrames, syntaxErrorIn,
  builtinName, builtinError, isBuiltin: (name) => call(MapGet, NODE_BUILTINS, name) !== undefined,
  requireFrom, replModule, makeRequire, Module, replFromDir,
  // A package request resolved as `require` would, but with the import
  // conditions of "exports".
  resolveImport(request, parent, fromDir) {
    activeConditions = IMPORT_CONDITIONS;
    try {
      return resolveFilename(request, parent, fromDir);
    } finally {
      activeConditions = CONDITIONS;
    }
  },
  // Answers from the disk are cached for the length of one outermost
  // load, as for require.
  enter() { if (requireDepth === 0) fsCache = new MapCtor(); requireDepth++; },
  leave() { requireDepth--; if (requireDepth === 0) fsCache = null; },
};
// The exports of a vendored package's module (request as from a module at
// the vendored tree's root, e.g. 'buffer/' or 'acorn'), loaded on first use.
const vendorModule = new Module(VENDOR_ROOT + '/index.js', null);
vendorModule.filename = vendorModule.id;
requireVendored = function requireVendored(request) { return requireFrom(vendorModule, request); };

const replRequire = makeRequire(replModule);
ObjectDefineProperty(globalThis, 'require', { __proto__: null, value: replRequire, writable: true, enumerable: false, configurable: true });
ObjectDefineProperty(globalThis, 'module', { __proto__: null, value: replModule, writable: true, enumerable: false, configurable: true });
}

