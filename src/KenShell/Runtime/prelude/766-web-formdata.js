// ---------------------------------------------------------------- FormData
// FormData (global in Node 18 and 20, undici's) as fetch bodies use it:
// entries of a name and a string or a file (a Blob with a name; a Blob
// appended without one is named "blob", as undici does). fetch encodes it
// as multipart/form-data (formDataMultipart, used by 730-fetch.js), and
// Response/Request.formData() parse an urlencoded body into one
// (formDataFromUrlencoded). Node 18 has no global File: the files are
// instances of a File class reachable only through FormData.
const formDataState = new WeakMapCtor();
let formDataMultipart;       // (formData) -> { bytes, type }
let formDataFromUrlencoded;  // (bytes) -> FormData
let formDataIs;              // (value) -> boolean
{
const StringPrototypeReplaceF = uncurry(String.prototype.replace);
const SymbolIteratorF = Symbol.iterator;
function entriesOf(fd) {
  const list = call(WeakMapGet, formDataState, fd);
  if (list === undefined) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type FormData');
  return list;
}
// A Blob carrying a file name and a time, as undici's File.
const fileState = new WeakMapCtor();
function fileData(file) {
  const d = call(WeakMapGet, fileState, file);
  if (d === undefined) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type File');
  return d;
}
class WebFile extends WebBlob {
  constructor(bits, name, options = undefined) {
    super(bits, options);
    call(WeakMapSet, fileState, this, {
      __proto__: null,
      name: `${name}`,
      lastModified: options !== undefined && options !== null && options.lastModified !== undefined ? +options.lastModified : DateNow(),
    });
  }
  get name() { return fileData(this).name; }
  get lastModified() { return fileData(this).lastModified; }
  [customInspectSymbol](depth, options) {
    const d = fileData(this);
    return inspectAs('File', { size: this.size, type: this.type, name: d.name, lastModified: d.lastModified }, depth, options);
  }
}
ObjectDefineProperty(WebFile, 'name', { __proto__: null, value: 'File', configurable: true });
ObjectDefineProperty(WebFile.prototype, SymbolToStringTag, { __proto__: null, value: 'File', configurable: true });
function entryValue(value, filename, argc) {
  if (value !== null && typeof value === 'object' && call(WeakMapGet, blobState, value) !== undefined) {
    if (value instanceof WebFile && filename === undefined) return value;
    const name = filename !== undefined ? `${filename}` : value instanceof WebFile ? value.name : 'blob';
    return new WebFile([value], name, { type: value.type });
  }
  if (argc > 2) throw new TypeErrorCtor("Failed to execute 'append' on 'FormData': parameter 2 is not of type 'Blob'");
  return `${value}`;
}
class WebFormData {
  constructor(form = undefined) {
    if (form !== undefined) throw new TypeErrorCtor("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
    call(WeakMapSet, formDataState, this, []);
  }
  append(name, value, filename = undefined) {
    const list = entriesOf(this);
    append(list, [`${name}`, entryValue(value, filename, arguments.length)]);
  }
  set(name, value, filename = undefined) {
    const list = entriesOf(this);
    const key = `${name}`;
    const entry = [key, entryValue(value, filename, arguments.length)];
    let out = 0;
    let placed = false;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] !== key) { list[out++] = list[i]; continue; }
      if (!placed) { list[out++] = entry; placed = true; }
    }
    list.length = out;
    if (!placed) append(list, entry);
  }
  get(name) {
    const list = entriesOf(this);
    const key = `${name}`;
    for (let i = 0; i < list.length; i++) if (list[i][0] === key) return list[i][1];
    return null;
  }
  getAll(name) {
    const list = entriesOf(this);
    const key = `${name}`;
    const out = [];
    for (let i = 0; i < list.length; i++) if (list[i][0] === key) append(out, list[i][1]);
    return out;
  }
  has(name) {
    const list = entriesOf(this);
    const key = `${name}`;
    for (let i = 0; i < list.length; i++) if (list[i][0] === key) return true;
    return false;
  }
  delete(name) {
    const list = entriesOf(this);
    const key = `${name}`;
    let out = 0;
    for (let i = 0; i < list.length; i++) if (list[i][0] !== key) list[out++] = list[i];
    list.length = out;
  }
  forEach(callback, thisArg = undefined) {
    const list = entriesOf(this);
    if (typeof callback !== 'function') throw new TypeErrorCtor("Failed to execute 'forEach' on 'FormData': parameter 1 is not of type 'Function'.");
    for (let i = 0; i < list.length; i++) ReflectApply(callback, thisArg, [list[i][1], list[i][0], this]);
  }
  entries() { return formDataIterator(entriesOf(this), 0); }
  keys() { return formDataIterator(entriesOf(this), 1); }
  values() { return formDataIterator(entriesOf(this), 2); }
  [SymbolIteratorF]() { return formDataIterator(entriesOf(this), 0); }
}
function formDataIterator(list, kind) {
  let i = 0;
  return {
    __proto__: null,
    next() {
      if (i >= list.length) return { value: undefined, done: true };
      const e = list[i++];
      return { value: kind === 0 ? [e[0], e[1]] : kind === 1 ? e[0] : e[1], done: false };
    },
    [SymbolIteratorF]() { return this; },
  };
}
ObjectDefineProperty(WebFormData, 'name', { __proto__: null, value: 'FormData', configurable: true });
ObjectDefineProperty(WebFormData.prototype, SymbolToStringTag, { __proto__: null, value: 'FormData', configurable: true });

formDataIs = (value) => value !== null && typeof value === 'object' && call(WeakMapGet, formDataState, value) !== undefined;

// multipart/form-data as undici writes it (its boundary shape, names with
// \n, \r and " escaped, string values with CRLF line breaks).
const escapeName = (text) => StringPrototypeReplaceF(StringPrototypeReplaceF(StringPrototypeReplaceF(text, /\n/g, '%0A'), /\r/g, '%0D'), /"/g, '%22');
const normalizeBreaks = (text) => StringPrototypeReplaceF(text, /\r?\n|\r/g, '\r\n');
formDataMultipart = function formDataMultipart(fd) {
  const list = entriesOf(fd);
  let digits = '';
  const random = cryptoObject.getRandomValues(new Uint8ArrayCtor(11));
  for (let i = 0; i < 11; i++) digits += `${random[i] % 10}`;
  const boundary = `----formdata-undici-0${digits}`;
  const parts = [];
  for (let i = 0; i < list.length; i++) {
    const name = escapeName(normalizeBreaks(list[i][0]));
    const value = list[i][1];
    if (typeof value === 'string') {
      append(parts, utf8Bytes(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${normalizeBreaks(value)}\r\n`));
    } else {
      append(parts, utf8Bytes(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${escapeName(value.name)}"\r\n` +
        `Content-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`));
      append(parts, blobData(value).bytes);
      append(parts, utf8Bytes('\r\n'));
    }
  }
  append(parts, utf8Bytes(`--${boundary}--\r\n`));
  let total = 0;
  for (let i = 0; i < parts.length; i++) total += parts[i].length;
  const bytes = new Uint8ArrayCtor(total);
  let at = 0;
  for (let i = 0; i < parts.length; i++) { TypedArrayPrototypeSet(bytes, parts[i], at); at += parts[i].length; }
  return { __proto__: null, bytes, type: `multipart/form-data; boundary=${boundary}` };
};

// application/x-www-form-urlencoded parsing (the URL Standard's: '+' is a
// space, percent escapes are bytes, malformed ones are kept as they are).
function hexValue(c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
function percentDecode(bytes, start, end) {
  const out = new Uint8ArrayCtor(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b === 0x2B) { out[n++] = 0x20; continue; }
    if (b === 0x25 && i + 2 < end) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) { out[n++] = hi * 16 + lo; i += 2; continue; }
    }
    out[n++] = b;
  }
  return utf8Text(TypedArrayPrototypeSlice(out, 0, n));
}
formDataFromUrlencoded = function formDataFromUrlencoded(bytes) {
  const fd = new WebFormData();
  const list = entriesOf(fd);
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x26) continue;
    if (i > start) {
      let eq = start;
      while (eq < i && bytes[eq] !== 0x3D) eq++;
      append(list, [percentDecode(bytes, start, eq), eq < i ? percentDecode(bytes, eq + 1, i) : '']);
    }
    start = i + 1;
  }
  return fd;
};

hidden(globalThis, 'FormData', WebFormData);
}
