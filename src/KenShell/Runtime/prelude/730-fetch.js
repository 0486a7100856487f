// ------------------------------------------------------------------ fetch
// fetch, Request, Response, Headers, AbortController/AbortSignal with
// Ken's guarantees: a request is an output of the turn that made it (the
// host sends it only once that turn is durable); its response is an input
// that arrives as a turn of its own (hook fetchSettle, logged with the
// response, like a delivered message), which settles the promise. A request
// whose turn committed but whose response never came (the shell was
// killed) is still pending in the heap: the host sends it again after the
// restart — at least once, with the same Idempotency-Key header each time,
// so a server can tell a repeat.
const fetchPending = new MapCtor(); // id -> { id, key, method, url, headers, body, redirect, resolve, reject }
let fetchNextId = 1;
let fetchQueueText;   // () -> JSON of the pending requests
let fetchSettleTurn;  // (json) -> settles one
{
const StringPrototypeToLowerCaseH = uncurry(String.prototype.toLowerCase);
const StringPrototypeTrimH = uncurry(String.prototype.trim);
const ArrayBufferIsViewH = ArrayBuffer.isView;
const Uint8ArrayH = Uint8Array;
const TypedArraySliceH = uncurry(ObjectGetPrototypeOf(Uint8Array.prototype).slice);
const SymbolIteratorH = Symbol.iterator;
const ErrorH = Error;
const TypeErrorH = TypeError;
const PromiseH = Promise;
const PromiseRejectH = Promise.reject;
const promiseReject = (e) => ReflectApply(PromiseRejectH, PromiseH, [e]);
const StringPrototypeStartsWith = uncurry(String.prototype.startsWith);
const DOMExceptionLike = function DOMException(message, name) {
  const err = new ErrorH(message);
  ObjectDefineProperty(err, 'name', { __proto__: null, value: name, writable: true, configurable: true });
  err.code = name === 'AbortError' ? 20 : name === 'TimeoutError' ? 23 : 0;
  return err;
};

// ---- Headers: names lower-cased, in insertion order, as undici keeps them
const kList = SymbolCtorH('headers list');
function SymbolCtorH(d) { return Symbol(d); }
function normName(name) { return StringPrototypeToLowerCaseH(`${name}`); }
function Headers(init) {
  if (!new.target) throw new TypeErrorH("Class constructor Headers cannot be invoked without 'new'");
  hidden(this, kList, []);
  if (init === undefined || init === null) return;
  if (init instanceof Headers) {
    const list = init[kList];
    for (let i = 0; i < list.length; i++) append(this[kList], [list[i][0], list[i][1]]);
  } else if (ArrayIsArray(init)) {
    for (let i = 0; i < init.length; i++) this.append(init[i][0], init[i][1]);
  } else if (typeof init === 'object') {
    const keys = ReflectOwnKeys(init);
    for (let i = 0; i < keys.length; i++) if (typeof keys[i] === 'string') this.append(keys[i], init[keys[i]]);
  }
}
function find(list, name) {
  for (let i = 0; i < list.length; i++) if (list[i][0] === name) return i;
  return -1;
}
Headers.prototype.append = function append_(name, value) {
  const n = normName(name);
  const v = StringPrototypeTrimH(`${value}`);
  const list = this[kList];
  const i = find(list, n);
  if (i >= 0) list[i][1] = `${list[i][1]}, ${v}`;
  else append(list, [n, v]);
};
Headers.prototype.set = function set(name, value) {
  const n = normName(name);
  const list = this[kList];
  const i = find(list, n);
  if (i >= 0) list[i][1] = StringPrototypeTrimH(`${value}`);
  else append(list, [n, StringPrototypeTrimH(`${value}`)]);
};
Headers.prototype.get = function get(name) {
  const list = this[kList];
  const i = find(list, normName(name));
  return i >= 0 ? list[i][1] : null;
};
Headers.prototype.has = function has(name) { return find(this[kList], normName(name)) >= 0; };
Headers.prototype.delete = function delete_(name) {
  const list = this[kList];
  const i = find(list, normName(name));
  if (i < 0) return;
  for (let j = i; j < list.length - 1; j++) list[j] = list[j + 1];
  list.length--;
};
function sortedList(headers) {
  const list = [];
  const src = headers[kList];
  for (let i = 0; i < src.length; i++) append(list, [src[i][0], src[i][1]]);
  for (let i = 1; i < list.length; i++) {
    for (let j = i; j > 0 && list[j - 1][0] > list[j][0]; j--) { const t = list[j]; list[j] = list[j - 1]; list[j - 1] = t; }
  }
  return list;
}
Headers.prototype.forEach = function forEach(callback, thisArg) {
  const list = sortedList(this);
  for (let i = 0; i < list.length; i++) ReflectApply(callback, thisArg, [list[i][1], list[i][0], this]);
};
function listIterator(list, pick) {
  let i = 0;
  return {
    next() { return i < list.length ? { value: pick(list[i++]), done: false } : { value: undefined, done: true }; },
    [SymbolIteratorH]() { return this; },
  };
}
Headers.prototype.entries = function entries() { return listIterator(sortedList(this), (e) => [e[0], e[1]]); };
Headers.prototype.keys = function keys() { return listIterator(sortedList(this), (e) => e[0]); };
Headers.prototype.values = function values() { return listIterator(sortedList(this), (e) => e[1]); };
Headers.prototype[SymbolIteratorH] = Headers.prototype.entries;
ObjectDefineProperty(Headers.prototype, SymbolToStringTag, { __proto__: null, value: 'Headers', configurable: true });

// ---- bodies
// A body and its default content type (a FormData's names its boundary,
// so the two are made together).
function extractBody(body) {
  if (formDataIs(body)) return formDataMultipart(body);
  return { __proto__: null, bytes: bodyBytes(body), type: defaultType(body) };
}
function bodyBytes(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return utf8Bytes(body);
  if (typeof body === 'object' && call(WeakMapGet, blobState, body) !== undefined) return TypedArraySliceH(blobData(body).bytes, 0);
  if (host.typeTag(body) === 'arraybuffer') return TypedArraySliceH(new Uint8ArrayH(body), 0);
  if (ArrayBufferIsViewH(body)) return TypedArraySliceH(new Uint8ArrayH(body.buffer, body.byteOffset, body.byteLength), 0);
  if (body !== null && typeof body === 'object' && typeof body.toString === 'function' && host.constructorName(body) === 'URLSearchParams') return utf8Bytes(`${body}`);
  return utf8Bytes(`${body}`);
}
function defaultType(body) {
  if (typeof body === 'string') return 'text/plain;charset=UTF-8';
  if (body !== null && typeof body === 'object' && host.constructorName(body) === 'URLSearchParams') return 'application/x-www-form-urlencoded;charset=UTF-8';
  if (body !== null && typeof body === 'object' && call(WeakMapGet, blobState, body) !== undefined) {
    const type = blobData(body).type;
    return type === '' ? null : type;
  }
  return null;
}
const kBody = SymbolCtorH('body');
const kUsed = SymbolCtorH('bodyUsed');
function consume(self) {
  if (self[kUsed]) return promiseReject(new TypeErrorH('Body is unusable: Body has already been read'));
  self[kUsed] = true;
  const b = self[kBody];
  return PromiseResolve(b === null ? new Uint8ArrayH(0) : b);
}
function addBodyMethods(proto) {
  proto.text = function text() { return PromisePrototypeThen(consume(this), (b) => utf8Text(b)); };
  proto.json = function json() { return PromisePrototypeThen(consume(this), (b) => JSONParse(utf8Text(b))); };
  proto.arrayBuffer = function arrayBuffer() {
    return PromisePrototypeThen(consume(this), (b) => { const out = TypedArraySliceH(b, 0); return out.buffer; });
  };
  // A Blob typed as the body's content-type (lower-cased, as undici).
  proto.blob = function blob() {
    const type = this.headers.get('content-type');
    return PromisePrototypeThen(consume(this), (b) => new WebBlob([b], { type: type === null ? '' : type }));
  };
  // urlencoded bodies only: a multipart body is refused (not parsed here).
  proto.formData = function formData() {
    const type = this.headers.get('content-type');
    const lower = type === null ? '' : StringPrototypeToLowerCaseH(type);
    return PromisePrototypeThen(consume(this), (b) => {
      if (StringPrototypeStartsWith(lower, 'application/x-www-form-urlencoded')) return formDataFromUrlencoded(b);
      if (StringPrototypeStartsWith(lower, 'multipart/form-data')) {
        throw new TypeErrorH('kenshell: Response.formData() does not parse multipart/form-data bodies (urlencoded only)');
      }
      throw new TypeErrorH('Content-Type was not one of "multipart/form-data" or "application/x-www-form-urlencoded".');
    });
  };
  ObjectDefineProperty(proto, 'bodyUsed', { __proto__: null, get() { return !!this[kUsed]; }, configurable: true });
}

// ---- Request
function parseURL(input) {
  const text = `${input}`;
  const lower = StringPrototypeToLowerCaseH(text);
  const scheme = StringPrototypeStartsWith(lower, 'http://') ? 7 : StringPrototypeStartsWith(lower, 'https://') ? 8 : 0;
  if (scheme === 0 || text.length <= scheme) {
    const err = new TypeErrorH(`Failed to parse URL from ${text}`);
    err.cause = new TypeErrorH('Invalid URL');
    ObjectDefineProperty(err.cause, 'code', { __proto__: null, value: 'ERR_INVALID_URL', enumerable: true, configurable: true, writable: true });
    err.cause.input = text;
    throw err;
  }
  return text;
}
function Request(input, init) {
  if (!new.target) throw new TypeErrorH("Class constructor Request cannot be invoked without 'new'");
  const base = input instanceof Request ? input : null;
  const options = init === undefined || init === null ? {} : init;
  this.url = base !== null ? base.url : parseURL(input);
  this.method = options.method !== undefined ? StringPrototypeToUpperCaseH(`${options.method}`) : base !== null ? base.method : 'GET';
  this.headers = new Headers(options.headers !== undefined ? options.headers : base !== null ? base.headers : undefined);
  this.redirect = options.redirect !== undefined ? `${options.redirect}` : base !== null ? base.redirect : 'follow';
  this.signal = options.signal !== undefined ? options.signal : base !== null ? base.signal : null;
  const body = options.body !== undefined ? options.body : null;
  if (body !== null && (this.method === 'GET' || this.method === 'HEAD')) throw new TypeErrorH('Request with GET/HEAD method cannot have body.');
  const extracted = extractBody(body);
  hidden(this, kBody, body !== null ? extracted.bytes : base !== null ? base[kBody] : null);
  hidden(this, kUsed, false);
  const type = extracted.type;
  if (type !== null && !this.headers.has('content-type')) this.headers.set('content-type', type);
}
const StringPrototypeToUpperCaseH = uncurry(String.prototype.toUpperCase);
addBodyMethods(Request.prototype);
Request.prototype.clone = function clone() {
  if (this[kUsed]) throw new TypeErrorH('Request.clone: Body has already been consumed.');
  return new Request(this);
};
ObjectDefineProperty(Request.prototype, SymbolToStringTag, { __proto__: null, value: 'Request', configurable: true });

// ---- Response
function Response(body, init) {
  if (!new.target) throw new TypeErrorH("Class constructor Response cannot be invoked without 'new'");
  const options = init === undefined || init === null ? {} : init;
  this.status = options.status !== undefined ? options.status | 0 : 200;
  this.statusText = options.statusText !== undefined ? `${options.statusText}` : '';
  this.headers = new Headers(options.headers);
  this.ok = this.status >= 200 && this.status < 300;
  this.redirected = false;
  this.type = 'default';
  this.url = '';
  const extracted = extractBody(body);
  hidden(this, kBody, body === undefined || body === null ? null : extracted.bytes);
  hidden(this, kUsed, false);
  const type = extracted.type;
  if (type !== null && !this.headers.has('content-type')) this.headers.set('content-type', type);
}
addBodyMethods(Response.prototype);
Response.prototype.clone = function clone() {
  if (this[kUsed]) throw new TypeErrorH('Response.clone: Body has already been consumed.');
  const copy = new Response(null, { status: this.status, statusText: this.statusText, headers: this.headers });
  copy[kBody] = this[kBody];
  copy.url = this.url;
  copy.redirected = this.redirected;
  copy.type = this.type;
  return copy;
};
Response.json = function json(data, init) {
  const r = new Response(JSONStringify(data), init);
  r.headers.set('content-type', 'application/json');
  return r;
};
Response.error = function error() {
  const r = new Response(null, { status: 0 });
  r.type = 'error';
  r.ok = false;
  return r;
};
ObjectDefineProperty(Response.prototype, SymbolToStringTag, { __proto__: null, value: 'Response', configurable: true });

// ---- AbortController / AbortSignal (what fetch needs: abort, reason,
// aborted, onabort and 'abort' listeners, throwIfAborted, timeout, abort())
const kListeners = SymbolCtorH('listeners');
function AbortSignal() { throw new TypeErrorH('Illegal constructor'); }
function newSignal() {
  const signal = ObjectCreate(AbortSignal.prototype);
  signal.aborted = false;
  signal.reason = undefined;
  signal.onabort = null;
  hidden(signal, kListeners, []);
  return signal;
}
function abortSignal(signal, reason) {
  if (signal.aborted) return;
  signal.aborted = true;
  signal.reason = reason === undefined ? DOMExceptionLike('This operation was aborted', 'AbortError') : reason;
  const list = signal[kListeners];
  const event = { type: 'abort', target: signal };
  if (typeof signal.onabort === 'function') ReflectApply(signal.onabort, signal, [event]);
  for (let i = 0; i < list.length; i++) ReflectApply(list[i], signal, [event]);
}
AbortSignal.prototype.addEventListener = function addEventListener(type, listener) {
  if (type === 'abort' && typeof listener === 'function') append(this[kListeners], listener);
};
AbortSignal.prototype.removeEventListener = function removeEventListener(type, listener) {
  const list = this[kListeners];
  for (let i = 0; i < list.length; i++) {
    if (list[i] === listener) { for (let j = i; j < list.length - 1; j++) list[j] = list[j + 1]; list.length--; return; }
  }
};
AbortSignal.prototype.throwIfAborted = function throwIfAborted() { if (this.aborted) throw this.reason; };
AbortSignal.abort = function abort(reason) { const s = newSignal(); abortSignal(s, reason); return s; };
AbortSignal.timeout = function timeout(ms) {
  const s = newSignal();
  globalThis.setTimeout(() => abortSignal(s, DOMExceptionLike('The operation was aborted due to timeout', 'TimeoutError')), ms);
  return s;
};
ObjectDefineProperty(AbortSignal.prototype, SymbolToStringTag, { __proto__: null, value: 'AbortSignal', configurable: true });
function AbortController() {
  if (!new.target) throw new TypeErrorH("Class constructor AbortController cannot be invoked without 'new'");
  this.signal = newSignal();
}
AbortController.prototype.abort = function abort(reason) { abortSignal(this.signal, reason); };
ObjectDefineProperty(AbortController.prototype, SymbolToStringTag, { __proto__: null, value: 'AbortController', configurable: true });

// ---- fetch
function fetch(input, init) {
  let request;
  try {
    request = new Request(input, init);
  } catch (e) {
    return promiseReject(e);
  }
  const signal = request.signal;
  if (signal !== null && typeof signal === 'object' && signal.aborted) return promiseReject(signal.reason);
  const id = fetchNextId++;
  let resolve;
  let reject;
  const promise = new PromiseH((res, rej) => { resolve = res; reject = rej; });
  const headers = [];
  const list = request.headers[kList];
  for (let i = 0; i < list.length; i++) append(headers, [list[i][0], list[i][1]]);
  call(MapSet, fetchPending, id, {
    __proto__: null, id, key: cryptoObject.randomUUID(), method: request.method, url: request.url, headers,
    body: request[kBody], redirect: request.redirect, resolve, reject,
  });
  if (signal !== null && typeof signal === 'object' && typeof signal.addEventListener === 'function') {
    signal.addEventListener('abort', () => {
      if (!call(MapHas, fetchPending, id)) return;
      call(MapDelete, fetchPending, id);
      reject(signal.reason);
    });
  }
  return promise;
}

fetchQueueText = function fetchQueueText() {
  const list = mapList(fetchPending, false);
  const out = [];
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    append(out, { __proto__: null, id: r.id, key: r.key, method: r.method, url: r.url, headers: r.headers,
      body: r.body === null ? null : toBase64(r.body), redirect: r.redirect });
  }
  return out.length === 0 ? '' : jsonList(out);
};
// The response (or the failure) of request `id`, as the host got it.
fetchSettleTurn = function fetchSettleTurn(json) {
  const m = JSONParse(json);
  const r = call(MapGet, fetchPending, m.id);
  if (r === undefined) return 0; // aborted meanwhile
  call(MapDelete, fetchPending, m.id);
  if (m.error !== undefined) {
    const err = new TypeErrorH('fetch failed');
    const cause = new ErrorH(m.error);
    if (m.code) cause.code = m.code;
    err.cause = cause;
    r.reject(err);
    return 1;
  }
  const response = new Response(null, { status: m.status, statusText: m.statusText, headers: m.headers });
  response[kBody] = fromBase64(m.body);
  response.url = m.url;
  response.redirected = !!m.redirected;
  response.type = 'basic';
  r.resolve(response);
  return 1;
};

if (typeof globalThis.fetch !== 'function') {
  hidden(globalThis, 'fetch', fetch);
  hidden(globalThis, 'Headers', Headers);
  hidden(globalThis, 'Request', Request);
  hidden(globalThis, 'Response', Response);
}
if (typeof globalThis.AbortController !== 'function') {
  hidden(globalThis, 'AbortController', AbortController);
  hidden(globalThis, 'AbortSignal', AbortSignal);
}
}
