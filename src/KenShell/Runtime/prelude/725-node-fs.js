// --------------------------------------------------------------------- fs
// Node's `fs`, `fs/promises` (sync, callback and promise forms) with Ken's
// guarantees:
//  - reads are inputs: every answer from the disk (bytes, listing, stat,
//    or the error) comes through host.fsCall, recorded on the turn's tape,
//    so replay and recovery hand back what the turn saw;
//  - writes are outputs: writeFile, appendFile, mkdir, rm, unlink, rename,
//    copyFile are checked against the filesystem as the turn sees it (and
//    throw as Node would when they cannot succeed), then queued here as
//    intents; the host performs them once the turn is durable, in order,
//    idempotently (a whole file through a temporary file and rename, an
//    append as "these bytes at offset N"), and confirms them with a turn of
//    its own (fileWritesDone). A rolled-back turn's intents vanish with it;
//    a committed turn's are in the heap, so recovery finds and completes
//    the ones a crash interrupted.
//  - read your writes: until the host confirms an intent, the paths it
//    touches are answered from `overlay` (what they will be), not the disk.
// File descriptors are records over the whole-file operations (below).
// Not provided: streams, watch.
const fileIntents = [];       // { seq, op, path, ... } waiting to be performed
let fileIntentSeq = 0;        // the last seq given out
const fileWriteFailures = []; // { seq, op, path, error } reported after commit
let fileWritesPending;        // (after) -> JSON of the intents after that seq ('' if none)
let fileWritesDone;           // (through, failed) -> the host performed them
{
const decodeURIComponentF = decodeURIComponent;
const StringPrototypeSplitF = uncurry(String.prototype.split);
const StringPrototypeStartsWithF = uncurry(String.prototype.startsWith);
const StringPrototypeLastIndexOfF = uncurry(String.prototype.lastIndexOf);
const StringPrototypeToLowerCaseF = uncurry(String.prototype.toLowerCase);
const StringPrototypeIncludesF = uncurry(String.prototype.includes);
const TypedArraySliceF = uncurry(ObjectGetPrototypeOf(Uint8Array.prototype).slice);
const TypedArraySetF = uncurry(ObjectGetPrototypeOf(Uint8Array.prototype).set);
const ArrayBufferCtor = ArrayBuffer;
const Uint8ArrayCtor = Uint8Array;
const DateCtor = Date;
const ErrorCtorF = Error;
const SymbolCtor = Symbol;
const NumberIsIntegerF = Number.isInteger;
const StringFromCharCodeF = String.fromCharCode;
const ArrayBufferIsView = ArrayBuffer.isView;

const constants = {
  UV_FS_SYMLINK_DIR: 1, UV_FS_SYMLINK_JUNCTION: 2, O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2,
  UV_DIRENT_UNKNOWN: 0, UV_DIRENT_FILE: 1, UV_DIRENT_DIR: 2, UV_DIRENT_LINK: 3, UV_DIRENT_FIFO: 4,
  UV_DIRENT_SOCKET: 5, UV_DIRENT_CHAR: 6, UV_DIRENT_BLOCK: 7,
  S_IFMT: 0o170000, S_IFREG: 0o100000, S_IFDIR: 0o40000, S_IFCHR: 0o20000, S_IFBLK: 0o60000,
  S_IFIFO: 0o10000, S_IFLNK: 0o120000, S_IFSOCK: 0o140000,
  O_CREAT: 64, O_EXCL: 128, UV_FS_O_FILEMAP: 0, O_NOCTTY: 256, O_TRUNC: 512, O_APPEND: 1024,
  O_DIRECTORY: 65536, O_NOATIME: 262144, O_NOFOLLOW: 131072, O_SYNC: 1052672, O_DSYNC: 4096,
  O_DIRECT: 16384, O_NONBLOCK: 2048,
  S_IRWXU: 448, S_IRUSR: 256, S_IWUSR: 128, S_IXUSR: 64, S_IRWXG: 56, S_IRGRP: 32, S_IWGRP: 16,
  S_IXGRP: 8, S_IRWXO: 7, S_IROTH: 4, S_IWOTH: 2, S_IXOTH: 1,
  F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, UV_FS_COPYFILE_EXCL: 1, COPYFILE_EXCL: 1,
  UV_FS_COPYFILE_FICLONE: 2, COPYFILE_FICLONE: 2, UV_FS_COPYFILE_FICLONE_FORCE: 4, COPYFILE_FICLONE_FORCE: 4,
};

// libuv's wording of the errors Node shows (uv_strerror).
const UV_MESSAGES = {
  __proto__: null,
  ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'illegal operation on a directory',
  ENOTDIR: 'not a directory', EEXIST: 'file already exists', ENOTEMPTY: 'directory not empty',
  EPERM: 'operation not permitted', ELOOP: 'too many symbolic links encountered', ENAMETOOLONG: 'name too long',
  EINVAL: 'invalid argument', EXDEV: 'cross-device link not permitted', ENOSPC: 'no space left on device',
  EROFS: 'read-only file system', EBUSY: 'resource busy or locked', EMFILE: 'too many open files',
  EIO: 'i/o error', EBADF: 'bad file descriptor', EFBIG: 'file too large',
};
const ERRNO = { __proto__: null, ENOENT: -2, EACCES: -13, EISDIR: -21, ENOTDIR: -20, EEXIST: -17, ENOTEMPTY: -39, EPERM: -1, EINVAL: -22 };

// Node's uvException: "CODE: description, syscall 'path' -> 'dest'" with
// errno, code, syscall, path (and dest) as own properties, in that order.
function fsError(code, syscall, path, dest, errno, text) {
  const description = UV_MESSAGES[code] || (typeof text === 'string' ? StringPrototypeToLowerCaseF(text) : 'unknown error');
  let message = `${code}: ${description}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const err = new ErrorCtorF(message);
  err.errno = errno !== undefined ? errno : ERRNO[code];
  err.code = code;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  if (dest !== undefined) err.dest = dest;
  return err;
}
// An answer from host.fsCall that is an error ([code, errno, syscall, text]).
function hostError(answer, syscall, path, dest) {
  return fsError(answer[0], syscall || answer[2], path, dest, answer[1], answer[3]);
}
function tooLarge(path) {
  const err = new RangeErrorCtor(`File size is greater than 64 MiB, the most kenshell keeps in one turn's record: '${path}'`);
  err.code = 'ERR_FS_FILE_TOO_LARGE';
  return err;
}
function invalidArgValue(name, value, reason) {
  const err = new TypeErrorCtor(`The argument '${name}' ${reason}. Received ${inspect(value)}`);
  err.code = 'ERR_INVALID_ARG_VALUE';
  return err;
}

// ---- paths
function normalize(parts, out) {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '' || p === '.') continue;
    if (p === '..') { if (out.length > 0) out.length--; continue; }
    append(out, p);
  }
  return out;
}
function absolute(p) {
  const out = [];
  if (!StringPrototypeStartsWithF(p, '/')) normalize(StringPrototypeSplitF(host.fsQuery('cwd'), '/'), out);
  normalize(StringPrototypeSplitF(p, '/'), out);
  return '/' + ArrayPrototypeJoin(out, '/');
}
function dirname(p) {
  const i = StringPrototypeLastIndexOfF(p, '/');
  return i <= 0 ? '/' : StringPrototypeSlice(p, 0, i);
}
function basename(p) { return StringPrototypeSlice(p, StringPrototypeLastIndexOfF(p, '/') + 1); }

// A path argument as Node takes it: a string, a Buffer/Uint8Array (UTF-8),
// or a file: URL. Returns [shown, absolute]: errors name the path as given.
function pathArg(value, name = 'path') {
  let p = value;
  if (p !== null && typeof p === 'object' && host.typeTag(p) === 'typedarray') p = utf8Text(p);
  else if (p !== null && typeof p === 'object' && typeof p.href === 'string' && p.protocol === 'file:') p = decodeURIComponentF(p.pathname);
  if (typeof p !== 'string') throw invalidArgType(name, 'of type string or an instance of Buffer or URL', value);
  if (StringPrototypeIncludesF(p, '\u0000')) throw invalidArgValue(name, p, 'must be a string, Uint8Array, or URL without null bytes');
  return [p, absolute(p)];
}

// ---- encodings
function normalizeEncoding(encoding) {
  if (encoding === undefined || encoding === null || encoding === 'buffer') return null;
  const e = typeof encoding === 'string' ? StringPrototypeToLowerCaseF(encoding) : '';
  switch (e) {
    case 'utf8': case 'utf-8': return 'utf8';
    case 'latin1': case 'binary': return 'latin1';
    case 'ascii': return 'ascii';
    case 'hex': return 'hex';
    case 'base64': return 'base64';
    case 'base64url': return 'base64url';
    case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
  }
  const err = new TypeErrorCtor(`The argument 'encoding' is invalid encoding. Received '${encoding}'`);
  err.code = 'ERR_INVALID_ARG_VALUE';
  throw err;
}
const HEX = '0123456789abcdef';
function decode(bytes, encoding) {
  switch (encoding) {
    case 'utf8': return utf8Text(bytes);
    case 'latin1': case 'ascii': {
      let out = '';
      for (let i = 0; i < bytes.length; i++) out += StringFromCharCodeF(encoding === 'ascii' ? bytes[i] & 0x7F : bytes[i]);
      return out;
    }
    case 'hex': {
      let out = '';
      for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
      return out;
    }
    case 'base64': return toBase64(bytes);
    case 'base64url': {
      const b = toBase64(bytes);
      let out = '';
      for (let i = 0; i < b.length; i++) { const c = b[i]; if (c === '=') break; out += c === '+' ? '-' : c === '/' ? '_' : c; }
      return out;
    }
    case 'utf16le': {
      let out = '';
      for (let i = 0; i + 1 < bytes.length; i += 2) out += StringFromCharCodeF(bytes[i] | (bytes[i + 1] << 8));
      return out;
    }
  }
  return utf8Text(bytes);
}
function encode(text, encoding) {
  switch (encoding) {
    case 'latin1': case 'ascii': {
      const out = new Uint8ArrayCtor(text.length);
      for (let i = 0; i < text.length; i++) out[i] = StringPrototypeCharCodeAt(text, i) & 0xFF;
      return out;
    }
    case 'hex': {
      const out = new Uint8ArrayCtor(text.length >> 1);
      for (let i = 0; i < out.length; i++) {
        const hi = StringPrototypeIndexOf(HEX, StringPrototypeToLowerCaseF(text[2 * i]));
        const lo = StringPrototypeIndexOf(HEX, StringPrototypeToLowerCaseF(text[2 * i + 1]));
        if (hi < 0 || lo < 0) return TypedArraySliceF(out, 0, i);
        out[i] = hi * 16 + lo;
      }
      return out;
    }
    case 'base64': case 'base64url': {
      let clean = '';
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '-') clean += '+';
        else if (c === '_') clean += '/';
        else if (c !== '=' && c !== '\n' && c !== '\r' && c !== ' ') clean += c;
      }
      while (clean.length % 4 !== 0) clean += '=';
      return fromBase64(clean);
    }
    case 'utf16le': {
      const out = new Uint8ArrayCtor(text.length * 2);
      for (let i = 0; i < text.length; i++) {
        const c = StringPrototypeCharCodeAt(text, i);
        out[2 * i] = c & 0xFF;
        out[2 * i + 1] = c >> 8;
      }
      return out;
    }
  }
  return utf8Bytes(text);
}
// Bytes as the caller gets them: a Buffer when the `buffer` built-in is
// there (looked up at call time), else a Uint8Array; or a string.
function result(bytes, encoding) {
  if (encoding !== null) return decode(bytes, encoding);
  const bufferModule = requireBuiltin('buffer');
  const BufferCtor = bufferModule !== undefined && bufferModule !== null ? bufferModule.Buffer : undefined;
  if (typeof BufferCtor === 'function' && typeof BufferCtor.from === 'function') {
    return BufferCtor.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  return bytes;
}
// What a write was given, as bytes of its own (a copy: the caller may change
// its buffer after the call).
function dataBytes(data, encoding, name = 'data') {
  if (typeof data === 'string') return encode(data, encoding === null ? 'utf8' : encoding);
  if (data !== null && typeof data === 'object' && ArrayBufferIsView(data)) {
    const view = new Uint8ArrayCtor(data.buffer, data.byteOffset, data.byteLength);
    return TypedArraySliceF(view, 0, view.length);
  }
  throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', data);
}
function optionsOf(options, defaults) {
  if (options === undefined || options === null || typeof options === 'function') return defaults;
  if (typeof options === 'string') return { __proto__: null, ...defaults, encoding: options };
  if (typeof options !== 'object') throw invalidArgType('options', 'one of type string or an instance of Object', options);
  const out = { __proto__: null };
  const keys = ReflectOwnKeys(defaults);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = options[keys[i]] !== undefined ? options[keys[i]] : defaults[keys[i]];
  return out;
}

// ---- what the turn sees: the overlay of intents not yet confirmed, then
// the disk (through the tape).
// path -> { seq, kind: 'file' (data) | 'append' (base, tail) | 'dir' (fresh,
// alias) | 'absent' }
const overlay = new MapCtor();
// The overlay's answer for `abs`: an entry, { kind: 'notdir' } when an
// ancestor is a file, { kind: 'disk', path } to read elsewhere on disk (a
// renamed directory), or null for the disk itself.
function view(abs) {
  const own = call(MapGet, overlay, abs);
  if (own !== undefined) return own;
  let rest = '';
  for (let p = abs; p !== '/';) {
    rest = '/' + basename(p) + rest;
    p = dirname(p);
    const e = call(MapGet, overlay, p);
    if (e === undefined) continue;
    if (e.kind === 'absent') return e;
    if (e.kind === 'file' || e.kind === 'append') return { __proto__: null, kind: 'notdir' };
    if (e.kind === 'dir') {
      if (e.alias !== undefined) return { __proto__: null, kind: 'disk', path: e.alias + rest };
      if (e.fresh) return { __proto__: null, kind: 'absent' };
      return null;
    }
  }
  return null;
}
function diskPath(abs, v) { return v !== null && v.kind === 'disk' ? v.path : abs; }

const S_IFREG = 0o100000;
const S_IFDIR = 0o40000;
function Stats(fields) {
  this.dev = fields.dev; this.mode = fields.mode; this.nlink = fields.nlink; this.uid = fields.uid;
  this.gid = fields.gid; this.rdev = fields.rdev; this.blksize = fields.blksize; this.ino = fields.ino;
  this.size = fields.size; this.blocks = fields.blocks; this.atimeMs = fields.atimeMs;
  this.mtimeMs = fields.mtimeMs; this.ctimeMs = fields.ctimeMs; this.birthtimeMs = fields.birthtimeMs;
  this.atime = new DateCtor(fields.atimeMs); this.mtime = new DateCtor(fields.mtimeMs);
  this.ctime = new DateCtor(fields.ctimeMs); this.birthtime = new DateCtor(fields.birthtimeMs);
}
function modeIs(stats, type) { return (stats.mode & 0o170000) === type; }
Stats.prototype.isFile = function isFile() { return modeIs(this, S_IFREG); };
Stats.prototype.isDirectory = function isDirectory() { return modeIs(this, S_IFDIR); };
Stats.prototype.isSymbolicLink = function isSymbolicLink() { return modeIs(this, 0o120000); };
Stats.prototype.isFIFO = function isFIFO() { return modeIs(this, 0o10000); };
Stats.prototype.isSocket = function isSocket() { return modeIs(this, 0o140000); };
Stats.prototype.isCharacterDevice = function isCharacterDevice() { return modeIs(this, 0o20000); };
Stats.prototype.isBlockDevice = function isBlockDevice() { return modeIs(this, 0o60000); };

const kType = SymbolCtor('type');
function Dirent(name, type) { this.name = name; this[kType] = type; }
Dirent.prototype.isFile = function isFile() { return this[kType] === 1; };
Dirent.prototype.isDirectory = function isDirectory() { return this[kType] === 2; };
Dirent.prototype.isSymbolicLink = function isSymbolicLink() { return this[kType] === 3; };
Dirent.prototype.isFIFO = function isFIFO() { return this[kType] === 4; };
Dirent.prototype.isSocket = function isSocket() { return this[kType] === 5; };
Dirent.prototype.isCharacterDevice = function isCharacterDevice() { return this[kType] === 6; };
Dirent.prototype.isBlockDevice = function isBlockDevice() { return this[kType] === 7; };

// A Stats for what only the overlay knows (the file does not exist yet).
function pendingStats(mode, size) {
  const now = DateNow();
  return new Stats({ __proto__: null, dev: 0, mode, nlink: 1, uid: 0, gid: 0, rdev: 0, blksize: 4096, ino: 0,
    size, blocks: MathFloor((size + 511) / 512), atimeMs: now, mtimeMs: now, ctimeMs: now, birthtimeMs: now });
}

// stat/lstat as the turn sees it: a Stats, or throws Node's error.
function statOf(shown, abs, syscall) {
  const v = view(abs);
  if (v !== null && v.kind !== 'disk') {
    if (v.kind === 'absent') throw fsError('ENOENT', syscall, shown);
    if (v.kind === 'notdir') throw fsError('ENOTDIR', syscall, shown);
    if (v.kind === 'file') return pendingStats(v.mode === undefined ? 0o100644 : (S_IFREG | v.mode), v.data.length);
    if (v.kind === 'dir' && v.alias === undefined) return pendingStats(0o40755, 4096);
    if (v.kind === 'append') {
      const answer = host.fsCall(syscall, abs, 0);
      if (ArrayIsArray(answer)) return pendingStats(0o100644, v.base + v.tail.length);
      const s = new Stats(JSONParse(answer));
      s.size = v.base + v.tail.length;
      return s;
    }
  }
  const path = v !== null && v.kind === 'dir' ? v.alias : diskPath(abs, v);
  const answer = host.fsCall(syscall, path, 0);
  if (ArrayIsArray(answer)) throw hostError(answer, syscall, shown);
  return new Stats(JSONParse(answer));
}
// 'file' | 'dir' | 'other' | null (missing), without throwing.
function kindOf(abs) {
  let s;
  try {
    s = statOf(abs, abs, 'stat');
  } catch (e) {
    if (e !== null && typeof e === 'object' && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return null;
    throw e;
  }
  return modeIs(s, S_IFDIR) ? 'dir' : modeIs(s, S_IFREG) ? 'file' : 'other';
}

function readBytes(shown, abs) {
  const v = view(abs);
  if (v !== null && v.kind !== 'disk') {
    if (v.kind === 'absent') throw fsError('ENOENT', 'open', shown);
    if (v.kind === 'notdir') throw fsError('ENOTDIR', 'open', shown);
    if (v.kind === 'dir') throw fsError('EISDIR', 'read');
    if (v.kind === 'file') return TypedArraySliceF(v.data, 0, v.data.length);
    // append: what the disk has (up to where the append goes), then the tail
    const answer = host.fsCall('readFile', abs, 0);
    if (answer === -1) throw tooLarge(shown);
    const disk = ArrayIsArray(answer) ? new Uint8ArrayCtor(0) : new Uint8ArrayCtor(answer);
    const out = new Uint8ArrayCtor(v.base + v.tail.length);
    TypedArraySetF(out, disk.length > v.base ? TypedArraySliceF(disk, 0, v.base) : disk, 0);
    TypedArraySetF(out, v.tail, v.base);
    return out;
  }
  const answer = host.fsCall('readFile', diskPath(abs, v), 0);
  if (answer === -1) throw tooLarge(shown);
  // Node names no path for a read that failed (a directory).
  if (ArrayIsArray(answer)) throw hostError(answer, undefined, answer[2] === 'read' ? undefined : shown);
  return new Uint8ArrayCtor(answer);
}

function readdirOf(shown, abs, withFileTypes) {
  const v = view(abs);
  let names = [];
  if (v !== null && v.kind !== 'disk' && !(v.kind === 'dir' && !v.fresh)) {
    if (v.kind === 'absent') throw fsError('ENOENT', 'scandir', shown);
    if (v.kind === 'notdir' || v.kind === 'file' || v.kind === 'append') throw fsError('ENOTDIR', 'scandir', shown);
    if (v.kind === 'dir' && v.alias !== undefined) names = diskListing(shown, v.alias);
  } else if (v !== null && v.kind === 'dir') {
    // A directory a pending mkdir makes: what is on disk already, if anything.
    const answer = host.fsCall('readdir', abs, 0);
    names = ArrayIsArray(answer) ? [] : JSONParse(answer);
  } else {
    names = diskListing(shown, diskPath(abs, v));
  }
  // What pending intents add and remove directly under abs.
  const entries = mapList(overlay, true);
  for (let i = 0; i < entries.length; i++) {
    const { 0: path, 1: e } = [entries[i][0], entries[i][1]];
    if (path === '/' || dirname(path) !== abs) continue;
    const name = basename(path);
    const kept = [];
    for (let j = 0; j < names.length; j++) if (names[j][0] !== name) append(kept, names[j]);
    if (e.kind !== 'absent') append(kept, [name, e.kind === 'dir' ? 2 : 1]);
    names = kept;
  }
  const out = [];
  for (let i = 0; i < names.length; i++) append(out, withFileTypes ? new Dirent(names[i][0], names[i][1]) : names[i][0]);
  return out;
}
function diskListing(shown, path) {
  const answer = host.fsCall('readdir', path, 0);
  if (ArrayIsArray(answer)) throw hostError(answer, 'scandir', shown);
  return JSONParse(answer);
}

// ---- intents
function addIntent(intent, path, entry) {
  intent.seq = ++fileIntentSeq;
  append(fileIntents, intent);
  if (path !== undefined) {
    entry.seq = intent.seq;
    call(MapSet, overlay, path, entry);
  }
}
// A file write's checks, as the open(2) Node would make: the parent must be
// a directory we may write, the target must not be a directory.
function checkWritable(shown, abs, syscall) {
  const parent = dirname(abs);
  const parentKind = kindOf(parent);
  if (parentKind === null) {
    // ENOTDIR when some ancestor is a file, else ENOENT (as open says).
    throw fsError(ancestorIsFile(parent) ? 'ENOTDIR' : 'ENOENT', syscall, shown);
  }
  if (parentKind !== 'dir') throw fsError('ENOTDIR', syscall, shown);
  const kind = kindOf(abs);
  if (kind === 'dir') throw fsError('EISDIR', syscall, shown);
  const pv = view(parent);
  if (kind !== null) {
    if (view(abs) === null) {
      const answer = host.fsCall('access', abs, 2);
      if (ArrayIsArray(answer)) throw hostError(answer, syscall, shown);
    }
  } else if (pv === null || pv.kind === 'disk') {
    const answer = host.fsCall('access', diskPath(parent, pv), 3);
    if (ArrayIsArray(answer)) throw hostError(answer, syscall, shown);
  }
  return kind;
}
function ancestorIsFile(p) {
  for (; p !== '/'; p = dirname(p)) {
    const k = kindOf(p);
    if (k === 'file' || k === 'other') return true;
    if (k === 'dir') return false;
  }
  return false;
}
function sizeOf(abs) {
  const v = view(abs);
  if (v !== null && v.kind === 'file') return v.data.length;
  if (v !== null && v.kind === 'append') return v.base + v.tail.length;
  if (v !== null && v.kind === 'absent') return 0;
  const answer = host.fsCall('stat', diskPath(abs, v), 0);
  return ArrayIsArray(answer) ? 0 : JSONParse(answer).size;
}
function modeArg(mode, fallback) {
  if (mode === undefined || mode === null) return fallback;
  if (typeof mode === 'string') return NumberParseInt(mode, 8);
  if (!NumberIsIntegerF(mode)) throw invalidArgType('mode', 'of type number', mode);
  return mode & 0o7777;
}
const NumberParseInt = Number.parseInt;

function writeFile(file, data, options, appendMode) {
  const opts = optionsOf(options, { __proto__: null, encoding: 'utf8', mode: 0o666, flag: appendMode ? 'a' : 'w' });
  const { 0: shown, 1: abs } = pathArg(file, 'path');
  const bytes = dataBytes(data, normalizeEncoding(opts.encoding) || 'utf8');
  const flag = `${opts.flag}`;
  const append = flag[0] === 'a';
  const exclusive = StringPrototypeIncludesF(flag, 'x');
  const existing = checkWritable(shown, abs, 'open');
  if (exclusive && existing !== null) throw fsError('EEXIST', 'open', shown);
  const mode = modeArg(opts.mode, 0o666) & ~0o022;
  if (append) {
    const v = view(abs);
    const offset = sizeOf(abs);
    addIntent({ __proto__: null, op: 'append', path: abs, offset, data: bytes, mode }, undefined, undefined);
    if (v !== null && v.kind === 'file') {
      const all = new Uint8ArrayCtor(v.data.length + bytes.length);
      TypedArraySetF(all, v.data, 0);
      TypedArraySetF(all, bytes, v.data.length);
      call(MapSet, overlay, abs, { __proto__: null, kind: 'file', data: all, mode: v.mode, seq: fileIntentSeq });
    } else if (v !== null && v.kind === 'append') {
      const tail = new Uint8ArrayCtor(v.tail.length + bytes.length);
      TypedArraySetF(tail, v.tail, 0);
      TypedArraySetF(tail, bytes, v.tail.length);
      call(MapSet, overlay, abs, { __proto__: null, kind: 'append', base: v.base, tail, seq: fileIntentSeq });
    } else if (existing === null) {
      call(MapSet, overlay, abs, { __proto__: null, kind: 'file', data: bytes, mode, seq: fileIntentSeq });
    } else {
      call(MapSet, overlay, abs, { __proto__: null, kind: 'append', base: offset, tail: bytes, seq: fileIntentSeq });
    }
    return;
  }
  addIntent({ __proto__: null, op: 'write', path: abs, data: bytes, mode: existing === null ? mode : -1 }, abs,
    { __proto__: null, kind: 'file', data: bytes, mode: existing === null ? mode : undefined });
}

function mkdir(path, options) {
  let recursive = false;
  let mode = 0o777;
  if (typeof options === 'number' || typeof options === 'string') mode = modeArg(options, 0o777);
  else if (options !== undefined && options !== null) {
    recursive = !!options.recursive;
    mode = modeArg(options.mode, 0o777);
  }
  const { 0: shown, 1: abs } = pathArg(path);
  const kind = kindOf(abs);
  if (kind !== null) {
    if (recursive && kind === 'dir') return undefined;
    throw fsError('EEXIST', 'mkdir', shown);
  }
  // The directories to create, outermost first.
  const created = [];
  let p = abs;
  for (;;) {
    append(created, p);
    const parent = dirname(p);
    const parentKind = kindOf(parent);
    if (parentKind === 'dir') break;
    if (parentKind !== null || !recursive) throw fsError(parentKind !== null || ancestorIsFile(parent) ? 'ENOTDIR' : 'ENOENT', 'mkdir', shown);
    p = parent;
  }
  const parentView = view(dirname(created[created.length - 1]));
  if (parentView === null || parentView.kind === 'disk') {
    const answer = host.fsCall('access', diskPath(dirname(created[created.length - 1]), parentView), 3);
    if (ArrayIsArray(answer)) throw hostError(answer, 'mkdir', shown);
  }
  addIntent({ __proto__: null, op: 'mkdir', path: abs, recursive, mode: mode & ~0o022 }, undefined, undefined);
  for (let i = created.length - 1; i >= 0; i--) {
    const before = call(MapGet, overlay, created[i]);
    call(MapSet, overlay, created[i], { __proto__: null, kind: 'dir', fresh: before !== undefined && before.kind === 'absent', seq: fileIntentSeq });
  }
  if (!recursive) return undefined;
  // The first directory made, as Node gives it: the path as given, less
  // the components below it.
  let first = shown;
  while (first.length > 1 && StringPrototypeEndsWith(first, '/')) first = StringPrototypeSlice(first, 0, first.length - 1);
  for (let i = 0; i < created.length - 1; i++) {
    const cut = StringPrototypeLastIndexOfF(first, '/');
    first = cut <= 0 ? (cut === 0 ? '/' : '.') : StringPrototypeSlice(first, 0, cut);
  }
  return first;
}

// Marks abs and everything the overlay has under it as gone.
function forget(abs) {
  const entries = mapList(overlay, true);
  const prefix = abs === '/' ? '/' : abs + '/';
  for (let i = 0; i < entries.length; i++) {
    if (StringPrototypeStartsWithF(entries[i][0], prefix)) call(MapDelete, overlay, entries[i][0]);
  }
  call(MapSet, overlay, abs, { __proto__: null, kind: 'absent', seq: fileIntentSeq });
}

function rm(path, options) {
  const { 0: shown, 1: abs } = pathArg(path);
  const recursive = options !== undefined && options !== null && !!options.recursive;
  const force = options !== undefined && options !== null && !!options.force;
  const kind = kindOf(abs);
  if (kind === null) {
    if (force) return;
    throw fsError('ENOENT', 'lstat', shown);
  }
  if (kind === 'dir' && !recursive) {
    const err = new ErrorCtorF(`Path is a directory: rm returned EISDIR (is a directory) ${shown}`);
    ObjectDefineProperty(err, 'name', { __proto__: null, value: 'SystemError [ERR_FS_EISDIR]', configurable: true, writable: true });
    err.stack; // eslint-disable-line no-unused-expressions -- formats the stack with that name
    delete err.name;
    ObjectDefineProperty(err, 'name', { __proto__: null, value: 'SystemError', configurable: true, writable: true });
    err.code = 'ERR_FS_EISDIR';
    err.info = { code: 'EISDIR', message: 'is a directory', path: shown, syscall: 'rm', errno: 21 };
    err.errno = 21;
    err.syscall = 'rm';
    err.path = shown;
    throw err;
  }
  checkParentWritable(shown, abs, 'rm');
  addIntent({ __proto__: null, op: 'rm', path: abs, recursive }, undefined, undefined);
  forget(abs);
}
function checkParentWritable(shown, abs, syscall) {
  const parent = dirname(abs);
  const pv = view(parent);
  if (pv === null || pv.kind === 'disk') {
    const answer = host.fsCall('access', diskPath(parent, pv), 3);
    if (ArrayIsArray(answer)) throw hostError(answer, syscall, shown);
  }
}
function unlink(path) {
  const { 0: shown, 1: abs } = pathArg(path);
  const kind = kindOf(abs);
  if (kind === null) throw fsError('ENOENT', 'unlink', shown);
  if (kind === 'dir') throw fsError('EISDIR', 'unlink', shown);
  checkParentWritable(shown, abs, 'unlink');
  addIntent({ __proto__: null, op: 'unlink', path: abs }, undefined, undefined);
  forget(abs);
}
function rmdir(path, options) {
  const { 0: shown, 1: abs } = pathArg(path);
  const kind = kindOf(abs);
  if (kind === null) throw fsError('ENOENT', 'rmdir', shown);
  if (kind !== 'dir') throw fsError('ENOTDIR', 'rmdir', shown);
  const recursive = options !== undefined && options !== null && !!options.recursive;
  if (!recursive && readdirOf(shown, abs, false).length > 0) throw fsError('ENOTEMPTY', 'rmdir', shown);
  checkParentWritable(shown, abs, 'rmdir');
  addIntent({ __proto__: null, op: 'rm', path: abs, recursive: true }, undefined, undefined);
  forget(abs);
}
function rename(oldPath, newPath) {
  const { 0: oldShown, 1: oldAbs } = pathArg(oldPath, 'oldPath');
  const { 0: newShown, 1: newAbs } = pathArg(newPath, 'newPath');
  const kind = kindOf(oldAbs);
  if (kind === null) throw fsError('ENOENT', 'rename', oldShown, newShown);
  const parentKind = kindOf(dirname(newAbs));
  if (parentKind === null) throw fsError('ENOENT', 'rename', oldShown, newShown);
  if (parentKind !== 'dir') throw fsError('ENOTDIR', 'rename', oldShown, newShown);
  const target = kindOf(newAbs);
  if (kind === 'dir' && target !== null && target !== 'dir') throw fsError('ENOTDIR', 'rename', oldShown, newShown);
  if (kind !== 'dir' && target === 'dir') throw fsError('EISDIR', 'rename', oldShown, newShown);
  if (kind === 'dir' && StringPrototypeStartsWithF(newAbs + '/', oldAbs + '/') && newAbs !== oldAbs) throw fsError('EINVAL', 'rename', oldShown, newShown);
  if (oldAbs === newAbs) return;
  checkParentWritable(oldShown, oldAbs, 'rename');
  checkParentWritable(oldShown, newAbs, 'rename');
  let entry;
  const moved = [];
  if (kind === 'dir') {
    const v = view(oldAbs);
    const source = v !== null && v.kind === 'dir' && v.alias !== undefined ? v.alias : diskPath(oldAbs, v);
    // A directory made in a pending intent has nothing on disk to show.
    const onlyPending = v !== null && v.kind === 'dir' && v.alias === undefined && v.fresh;
    entry = { __proto__: null, kind: 'dir', fresh: true, alias: onlyPending ? undefined : source };
    // What the overlay holds under the old path moves with it.
    const entries = mapList(overlay, true);
    const prefix = oldAbs + '/';
    for (let i = 0; i < entries.length; i++) {
      if (StringPrototypeStartsWithF(entries[i][0], prefix)) {
        append(moved, [newAbs + '/' + StringPrototypeSlice(entries[i][0], prefix.length), entries[i][1]]);
      }
    }
  } else {
    entry = { __proto__: null, kind: 'file', data: readBytes(oldShown, oldAbs) };
  }
  addIntent({ __proto__: null, op: 'rename', path: oldAbs, to: newAbs }, undefined, undefined);
  forget(oldAbs);
  forget(newAbs);
  entry.seq = fileIntentSeq;
  call(MapSet, overlay, newAbs, entry);
  for (let i = 0; i < moved.length; i++) call(MapSet, overlay, moved[i][0], moved[i][1]);
}
function copyFile(src, dest, mode) {
  const { 0: srcShown, 1: srcAbs } = pathArg(src, 'src');
  const { 0: destShown, 1: destAbs } = pathArg(dest, 'dest');
  let bytes;
  try {
    bytes = readBytes(srcShown, srcAbs);
  } catch (e) {
    if (e !== null && typeof e === 'object' && typeof e.code === 'string' && e.syscall !== undefined) {
      throw fsError(e.code, 'copyfile', srcShown, destShown);
    }
    throw e;
  }
  let existing;
  try {
    existing = checkWritable(destShown, destAbs, 'copyfile');
  } catch (e) {
    if (e !== null && typeof e === 'object' && typeof e.code === 'string' && e.syscall === 'copyfile') {
      throw fsError(e.code, 'copyfile', srcShown, destShown);
    }
    throw e;
  }
  if ((mode & 1) !== 0 && existing !== null) throw fsError('EEXIST', 'copyfile', srcShown, destShown);
  addIntent({ __proto__: null, op: 'write', path: destAbs, data: bytes, mode: existing === null ? 0o644 : -1 }, destAbs,
    { __proto__: null, kind: 'file', data: bytes, mode: existing === null ? 0o644 : undefined });
}

// ---- the API
const fs = {
  constants,
  existsSync(path) {
    let abs;
    try { abs = pathArg(path)[1]; } catch { return false; }
    return kindOf(abs) !== null;
  },
  readFileSync(path, options) {
    const opts = optionsOf(options, { __proto__: null, encoding: null, flag: 'r' });
    const encoding = normalizeEncoding(opts.encoding);
    const { 0: shown, 1: abs } = pathArg(path);
    return result(readBytes(shown, abs), encoding);
  },
  readdirSync(path, options) {
    const opts = optionsOf(options, { __proto__: null, encoding: 'utf8', withFileTypes: false });
    const { 0: shown, 1: abs } = pathArg(path);
    return readdirOf(shown, abs, !!opts.withFileTypes);
  },
  statSync(path, options) {
    const { 0: shown, 1: abs } = pathArg(path);
    try {
      return statOf(shown, abs, 'stat');
    } catch (e) {
      if (options !== undefined && options !== null && options.throwIfNoEntry === false && e !== null && typeof e === 'object' && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
      throw e;
    }
  },
  lstatSync(path, options) {
    const { 0: shown, 1: abs } = pathArg(path);
    try {
      return statOf(shown, abs, 'lstat');
    } catch (e) {
      if (options !== undefined && options !== null && options.throwIfNoEntry === false && e !== null && typeof e === 'object' && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
      throw e;
    }
  },
  accessSync(path, mode) {
    const { 0: shown, 1: abs } = pathArg(path);
    const v = view(abs);
    if (v !== null && v.kind !== 'disk') {
      if (v.kind === 'absent') throw fsError('ENOENT', 'access', shown);
      if (v.kind === 'notdir') throw fsError('ENOTDIR', 'access', shown);
      return;
    }
    const answer = host.fsCall('access', diskPath(abs, v), mode === undefined ? 0 : mode | 0);
    if (ArrayIsArray(answer)) throw hostError(answer, 'access', shown);
  },
  realpathSync(path, options) {
    const { 0: shown, 1: abs } = pathArg(path);
    const v = view(abs);
    if (v !== null && v.kind !== 'disk') {
      if (v.kind === 'absent') throw fsError('ENOENT', 'lstat', abs);
      if (v.kind === 'notdir') throw fsError('ENOTDIR', 'lstat', abs);
      return abs;
    }
    const answer = host.fsCall('realpath', diskPath(abs, v), 0);
    if (ArrayIsArray(answer)) throw hostError(answer, 'lstat', abs);
    const opts = optionsOf(options, { __proto__: null, encoding: 'utf8' });
    return normalizeEncoding(opts.encoding) === null ? result(utf8Bytes(answer), null) : answer;
  },
  writeFileSync(path, data, options) { writeFile(path, data, options, false); },
  appendFileSync(path, data, options) { writeFile(path, data, options, true); },
  mkdirSync(path, options) { return mkdir(path, options); },
  rmSync(path, options) { rm(path, options); },
  rmdirSync(path, options) { rmdir(path, options); },
  unlinkSync(path) { unlink(path); },
  renameSync(oldPath, newPath) { rename(oldPath, newPath); },
  copyFileSync(src, dest, mode) { copyFile(src, dest, mode === undefined ? 0 : mode | 0); },
  Stats,
  Dirent,
};
fs.realpathSync.native = fs.realpathSync;

// The callback forms: the work is done (and its effects queued) now, in the
// calling turn; the callback runs in a microtask of that turn, as an I/O
// completion would run later in Node.
// ---- file descriptors, over the whole-file operations above: a
// descriptor is a record in the heap (path, flags, position). Every read
// is a recorded whole-file read (readFileSync's); every write is an
// output as the whole-file ones are: an append-mode descriptor appends,
// any other writes the whole file again with the bytes placed at the
// position (simple and exactly-once, but each write costs the file's size).
const fdTable = new MapCtor();
let fdNext = 20;
const FD_FLAGS = { __proto__: null, r: 1, 'r+': 3, rs: 1, 'rs+': 3, w: 2, wx: 2, 'w+': 3, 'wx+': 3, a: 2, ax: 2, 'a+': 3, 'ax+': 3, as: 2, 'as+': 3 };
function fdEntry(fd, syscall) {
  const entry = typeof fd === 'number' ? call(MapGet, fdTable, fd) : undefined;
  if (typeof fd !== 'number' || fd !== MathFloorF(fd)) throw invalidArgType('fd', 'of type number', fd);
  if (entry === undefined) throw fsError('EBADF', syscall, undefined, undefined, -9, 'bad file descriptor');
  return entry;
}
const MathFloorF = Math.floor;
function outOfRange(name, range, value) {
  const err = new RangeErrorCtor(`The value of "${name}" is out of range. It must be ${range}. Received ${value}`);
  err.code = 'ERR_OUT_OF_RANGE';
  return err;
}
fs.openSync = function openSync(path, flags = 'r', mode = 0o666) {
  const { 0: shown, 1: abs } = pathArg(path);
  const flag = flags === undefined || flags === null ? 'r' : flags;
  if (typeof flag !== 'string' || FD_FLAGS[flag] === undefined) {
    throw invalidArgValue('flags', flag, typeof flag === 'number' ? 'is not supported by kenshell (use a string flag)' : 'is invalid');
  }
  const access = FD_FLAGS[flag];
  if (flag[0] === 'r') {
    readBytes(shown, abs); // ENOENT, EISDIR... as an open would (a recorded read)
  } else if (flag[0] === 'a') {
    writeFile(shown, new Uint8ArrayCtor(0), { flag, mode }, true);
  } else {
    writeFile(shown, new Uint8ArrayCtor(0), { flag, mode }, false);
  }
  const fd = fdNext++;
  call(MapSet, fdTable, fd, { __proto__: null, path: shown, abs, flag, readable: (access & 1) !== 0, writable: (access & 2) !== 0, append: flag[0] === 'a', position: 0 });
  return fd;
};
fs.closeSync = function closeSync(fd) {
  fdEntry(fd, 'close');
  call(MapDelete, fdTable, fd);
};
fs.fstatSync = function fstatSync(fd) {
  const entry = fdEntry(fd, 'fstat');
  return fs.statSync(entry.path);
};
function bufferArg(buffer) {
  if (buffer === null || typeof buffer !== 'object' || !ArrayBufferIsViewF(buffer)) {
    throw invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer);
  }
  return new Uint8ArrayCtor(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
const ArrayBufferIsViewF = ArrayBuffer.isView;
fs.readSync = function readSync(fd, buffer, offsetOrOptions, length, position) {
  const entry = fdEntry(fd, 'read');
  const target = bufferArg(buffer);
  let offset = offsetOrOptions;
  if (offsetOrOptions !== null && typeof offsetOrOptions === 'object') {
    ({ offset = 0, length = target.length - offset, position = null } = offsetOrOptions);
  }
  if (offset === undefined) offset = 0;
  if (length === undefined) length = target.length - offset;
  if (offset < 0 || offset > target.length) throw outOfRange('offset', `>= 0 && <= ${target.length}`, offset);
  if (length < 0 || offset + length > target.length) throw outOfRange('length', `>= 0 && <= ${target.length - offset}`, length);
  if (!entry.readable) throw fsError('EBADF', 'read', undefined, undefined, -9, 'bad file descriptor');
  const data = readBytes(entry.path, entry.abs);
  const from = position === null || position === undefined || position < 0 ? entry.position : +position;
  const n = MathMaxF(0, MathMinF(length, data.length - from));
  if (n > 0) TypedArraySetF(target, TypedArrayPrototypeSliceF(data, from, from + n), offset);
  if (position === null || position === undefined || position < 0) entry.position += n;
  return n;
};
const MathMaxF = Math.max;
const MathMinF = Math.min;
const TypedArrayPrototypeSliceF = uncurry(ObjectGetPrototypeOf(Uint8Array.prototype).slice);
fs.writeSync = function writeSync(fd, data, offsetOrPosition, lengthOrEncoding, position) {
  const entry = fdEntry(fd, 'write');
  let bytes;
  let at;
  if (typeof data === 'string') {
    bytes = dataBytes(data, normalizeEncoding(lengthOrEncoding) || 'utf8');
    at = offsetOrPosition;
  } else {
    const all = bufferArg(data);
    const offset = offsetOrPosition === undefined || offsetOrPosition === null ? 0 : offsetOrPosition;
    const length = lengthOrEncoding === undefined || lengthOrEncoding === null ? all.length - offset : lengthOrEncoding;
    if (offset < 0 || offset > all.length) throw outOfRange('offset', `>= 0 && <= ${all.length}`, offset);
    if (length < 0 || offset + length > all.length) throw outOfRange('length', `>= 0 && <= ${all.length - offset}`, length);
    bytes = TypedArrayPrototypeSliceF(all, offset, offset + length);
    at = position;
  }
  if (!entry.writable) throw fsError('EBADF', 'write', undefined, undefined, -9, 'bad file descriptor');
  if (entry.append) {
    writeFile(entry.path, bytes, { flag: 'a' }, true);
    return bytes.length;
  }
  const explicit = typeof at === 'number' && at >= 0;
  const start = explicit ? at : entry.position;
  const old = readBytes(entry.path, entry.abs);
  const out = new Uint8ArrayCtor(MathMaxF(old.length, start + bytes.length));
  TypedArraySetF(out, old, 0);
  TypedArraySetF(out, bytes, start);
  writeFile(entry.path, out, { flag: 'r+' }, false);
  if (!explicit) entry.position = start + bytes.length;
  return bytes.length;
};
function later(fn, args) { PromisePrototypeThen(PromiseResolve(undefined), () => ReflectApply(fn, undefined, args)); }
const ASYNC = [
  ['readFile', 'readFileSync'], ['readdir', 'readdirSync'], ['stat', 'statSync'], ['lstat', 'lstatSync'],
  ['access', 'accessSync'], ['realpath', 'realpathSync'], ['writeFile', 'writeFileSync'],
  ['appendFile', 'appendFileSync'], ['mkdir', 'mkdirSync'], ['rm', 'rmSync'], ['rmdir', 'rmdirSync'],
  ['unlink', 'unlinkSync'], ['rename', 'renameSync'], ['copyFile', 'copyFileSync'],
  ['open', 'openSync'], ['close', 'closeSync'], ['fstat', 'fstatSync'],
];
const promises = { constants };
for (let i = 0; i < ASYNC.length; i++) {
  const name = ASYNC[i][0];
  const sync = fs[ASYNC[i][1]];
  const callbackForm = {
    [name](...args) {
      let callback = args.length > 0 ? args[args.length - 1] : undefined;
      if (typeof callback !== 'function') throw invalidArgType('cb', 'of type function', callback);
      args.length--;
      let value;
      try {
        value = ReflectApply(sync, fs, args);
      } catch (e) {
        later(callback, [e]);
        return;
      }
      later(callback, [null, value]);
    },
  }[name];
  fs[name] = callbackForm;
  promises[name] = {
    async [name](...args) { return ReflectApply(sync, fs, args); },
  }[name];
}
// fs/promises opens FileHandles, which kenshell does not have.
delete promises.open;
delete promises.close;
delete promises.fstat;
fs.realpath.native = fs.realpath;
fs.exists = function exists(path, callback) {
  const found = fs.existsSync(path);
  if (typeof callback === 'function') later(callback, [found]);
};
fs.promises = promises;
defineBuiltinModule('fs', () => fs);
defineBuiltinModule('fs/promises', () => promises);

// ---- the host's side (900-hooks): what waits, and what was done.
// Intents after `after` (a seq), as JSON with base64 data.
fileWritesPending = function fileWritesPending(after) {
  const list = [];
  for (let i = 0; i < fileIntents.length; i++) {
    const it = fileIntents[i];
    if (it.seq <= after) continue;
    append(list, { __proto__: null, seq: it.seq, op: it.op, path: it.path, to: it.to, offset: it.offset,
      recursive: it.recursive, mode: it.mode, data: it.data === undefined ? undefined : toBase64(it.data) });
  }
  return list.length === 0 ? '' : jsonList(list);
};
// The host performed every intent up to `through`; `failed` lists those
// that could not be done ({ seq, error }).
fileWritesDone = function fileWritesDone(through, failed) {
  const kept = [];
  for (let i = 0; i < fileIntents.length; i++) {
    const it = fileIntents[i];
    if (it.seq > through) { append(kept, it); continue; }
    for (let j = 0; j < failed.length; j++) {
      if (failed[j].seq === it.seq) {
        append(fileWriteFailures, { __proto__: null, seq: it.seq, op: it.op, path: it.path, error: `${failed[j].error}` });
      }
    }
  }
  fileIntents.length = 0;
  for (let i = 0; i < kept.length; i++) append(fileIntents, kept[i]);
  while (fileWriteFailures.length > 20) ArrayPrototypeShift(fileWriteFailures);
  const entries = mapList(overlay, true);
  for (let i = 0; i < entries.length; i++) {
    if (entries[i][1].seq <= through) call(MapDelete, overlay, entries[i][0]);
  }
  return 1;
};
}
