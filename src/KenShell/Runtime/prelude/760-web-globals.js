// ------------------------------------------------------- web-platform globals
// What Node 18 and 20 have on the global object (no `self`: neither has
// one): TextEncoder/TextDecoder, atob/btoa, structuredClone (V8's
// serializer, as kenshell's messages use), DOMException,
// Event/EventTarget/CustomEvent, AbortController/AbortSignal, Blob.
// Written here after the WHATWG specs with captured built-ins. Descriptors
// as Node 20's: structuredClone, atob and btoa enumerable; the others not.
const customInspectSymbol = SymbolFor('nodejs.util.inspect.custom');
// Instance checks that user code cannot fool (brand checks, as the specs'
// "this is not a X" TypeErrors).
function brandError(name) { return new TypeErrorCtor(`Illegal invocation (not a ${name})`); }
// How the formatter shows a web object: its class name and the given
// fields, as Node's [util.inspect.custom] methods do.
function inspectAs(name, fields, depth, options) {
  if (depth < 0) return `[${name}]`;
  const nested = { __proto__: null };
  const keys = ObjectKeysOf(fields);
  for (let i = 0; i < keys.length; i++) nested[keys[i]] = fields[keys[i]];
  const shown = inspect(nested, { __proto__: null, depth: options !== undefined && options !== null && typeof options.depth === 'number' ? options.depth : 2, colors: options !== undefined && options !== null ? !!options.colors : false });
  return `${name} ${StringPrototypeStartsWith(shown, '[Object: null prototype] ') ? StringPrototypeSlice(shown, 25) : shown}`;
}

// ---- DOMException (WebIDL)
const DOMEXCEPTION_CODES = {
  __proto__: null,
  IndexSizeError: 1, DOMStringSizeError: 2, HierarchyRequestError: 3, WrongDocumentError: 4,
  InvalidCharacterError: 5, NoDataAllowedError: 6, NoModificationAllowedError: 7, NotFoundError: 8,
  NotSupportedError: 9, InUseAttributeError: 10, InvalidStateError: 11, SyntaxError: 12,
  InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15, ValidationError: 16,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};
const domExceptionData = new WeakMapCtor();
class WebDOMException {
  constructor(message = '', options = 'Error') {
    const error = ReflectConstruct(ErrorClass, [], new.target);
    let name = 'Error';
    let cause;
    let hasCause = false;
    if (options !== null && typeof options === 'object') {
      if ('name' in options) name = `${options.name}`;
      if ('cause' in options) { hasCause = true; cause = options.cause; }
    } else {
      name = `${options}`;
    }
    call(WeakMapSet, domExceptionData, error, { message: `${message}`, name });
    if (hasCause) ObjectDefineProperty(error, 'cause', { __proto__: null, value: cause, writable: true, configurable: true, enumerable: false });
    return error;
  }
  get name() {
    const d = call(WeakMapGet, domExceptionData, this);
    if (d === undefined) throw brandError('DOMException');
    return d.name;
  }
  get message() {
    const d = call(WeakMapGet, domExceptionData, this);
    if (d === undefined) throw brandError('DOMException');
    return d.message;
  }
  get code() {
    const d = call(WeakMapGet, domExceptionData, this);
    if (d === undefined) throw brandError('DOMException');
    return DOMEXCEPTION_CODES[d.name] || 0;
  }
}
ObjectSetPrototypeOf(WebDOMException.prototype, ErrorClass.prototype);
ObjectDefineProperty(WebDOMException, 'name', { __proto__: null, value: 'DOMException', configurable: true });
ObjectDefineProperty(WebDOMException.prototype, SymbolToStringTag, { __proto__: null, value: 'DOMException', configurable: true });
{
  const names = ObjectKeysOf(DOMEXCEPTION_CODES);
  for (let i = 0; i < names.length; i++) {
    // INDEX_SIZE_ERR ... on the constructor and the prototype, as WebIDL.
    const constant = {
      __proto__: null,
      IndexSizeError: 'INDEX_SIZE_ERR', DOMStringSizeError: 'DOMSTRING_SIZE_ERR', HierarchyRequestError: 'HIERARCHY_REQUEST_ERR',
      WrongDocumentError: 'WRONG_DOCUMENT_ERR', InvalidCharacterError: 'INVALID_CHARACTER_ERR', NoDataAllowedError: 'NO_DATA_ALLOWED_ERR',
      NoModificationAllowedError: 'NO_MODIFICATION_ALLOWED_ERR', NotFoundError: 'NOT_FOUND_ERR', NotSupportedError: 'NOT_SUPPORTED_ERR',
      InUseAttributeError: 'INUSE_ATTRIBUTE_ERR', InvalidStateError: 'INVALID_STATE_ERR', SyntaxError: 'SYNTAX_ERR',
      InvalidModificationError: 'INVALID_MODIFICATION_ERR', NamespaceError: 'NAMESPACE_ERR', InvalidAccessError: 'INVALID_ACCESS_ERR',
      ValidationError: 'VALIDATION_ERR', TypeMismatchError: 'TYPE_MISMATCH_ERR', SecurityError: 'SECURITY_ERR',
      NetworkError: 'NETWORK_ERR', AbortError: 'ABORT_ERR', URLMismatchError: 'URL_MISMATCH_ERR',
      QuotaExceededError: 'QUOTA_EXCEEDED_ERR', TimeoutError: 'TIMEOUT_ERR', InvalidNodeTypeError: 'INVALID_NODE_TYPE_ERR',
      DataCloneError: 'DATA_CLONE_ERR',
    }[names[i]];
    const desc = { __proto__: null, value: DOMEXCEPTION_CODES[names[i]], enumerable: true, writable: false, configurable: false };
    ObjectDefineProperty(WebDOMException, constant, desc);
    ObjectDefineProperty(WebDOMException.prototype, constant, desc);
  }
}
function domException(message, name) { return new WebDOMException(message, name); }

// ---- atob / btoa (HTML's forgiving-base64)
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function webBtoa(data) {
  if (arguments.length === 0) throw nodeError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The "data" argument must be specified');
  const input = `${data}`;
  let out = '';
  for (let i = 0; i < input.length; i += 3) {
    const a = StringPrototypeCharCodeAt(input, i);
    const b = i + 1 < input.length ? StringPrototypeCharCodeAt(input, i + 1) : 0;
    const c = i + 2 < input.length ? StringPrototypeCharCodeAt(input, i + 2) : 0;
    if (a > 255 || b > 255 || c > 255) throw domException('Invalid character', 'InvalidCharacterError');
    out += BASE64[a >> 2] + BASE64[((a & 3) << 4) | (b >> 4)] +
      (i + 1 < input.length ? BASE64[((b & 15) << 2) | (c >> 6)] : '=') +
      (i + 2 < input.length ? BASE64[c & 63] : '=');
  }
  return out;
}
function webAtob(input) {
  if (arguments.length === 0) throw nodeError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The "input" argument must be specified');
  const text = `${input}`;
  let data = '';
  for (let i = 0; i < text.length; i++) {
    const c = StringPrototypeCharCodeAt(text, i);
    if (c === 0x09 || c === 0x0A || c === 0x0C || c === 0x0D || c === 0x20) continue;
    data += text[i];
  }
  if (data.length % 4 === 0) {
    if (StringPrototypeEndsWith(data, '==')) data = StringPrototypeSlice(data, 0, -2);
    else if (StringPrototypeEndsWith(data, '=')) data = StringPrototypeSlice(data, 0, -1);
  }
  if (data.length % 4 === 1) throw domException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    const v = StringPrototypeIndexOf(BASE64, data[i]);
    if (v < 0) throw domException('Invalid character', 'InvalidCharacterError');
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += StringFromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// ---- structuredClone (V8's serializer: the structured clone algorithm)
function structuredClone(value, options) {
  if (arguments.length === 0) throw nodeError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The "value" argument must be specified');
  if (options !== undefined && options !== null && typeof options === 'object' && options.transfer !== undefined) {
    const transfer = options.transfer;
    if (transfer !== null && typeof transfer === 'object' && transfer.length > 0) {
      throw domException('kenshell: structuredClone cannot transfer objects yet', 'DataCloneError');
    }
  }
  let bytes;
  try {
    bytes = host.serialize(value);
  } catch (e) {
    if (host.typeTag(e) === 'error' && StringPrototypeIncludes(`${e.message}`, 'could not be cloned')) {
      throw domException(e.message, 'DataCloneError');
    }
    throw e;
  }
  return host.deserialize(bytes);
}

// ---- TextEncoder / TextDecoder (UTF-8; TextDecoder also UTF-16LE and latin1)
class WebTextEncoder {
  get encoding() { return 'utf-8'; }
  encode(input = '') { return utf8Encode(input); }
  encodeInto(src, dest) {
    const bytes = utf8Encode(src);
    const str = `${src}`;
    if (host.typeTag(dest) !== 'typedarray' || TypedArrayPrototypeGetSymbolToStringTag(dest) !== 'Uint8Array') {
      throw invalidArgType('dest', 'an instance of Uint8Array', dest);
    }
    // Whole characters only: count what fits.
    let read = 0;
    let written = 0;
    const room = TypedArrayPrototypeGetLength(dest);
    for (let i = 0; i < str.length;) {
      const c = StringPrototypeCodePointAt(str, i);
      const units = c > 0xFFFF ? 2 : 1;
      const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (written + size > room) break;
      for (let j = 0; j < size; j++) dest[written + j] = bytes[written + j];
      written += size;
      read += units;
      i += units;
    }
    return { read, written };
  }
  [customInspectSymbol](depth, options) { return inspectAs('TextEncoder', { encoding: 'utf-8' }, depth, options); }
}
ObjectDefineProperty(WebTextEncoder, 'name', { __proto__: null, value: 'TextEncoder', configurable: true });
ObjectDefineProperty(WebTextEncoder.prototype, SymbolToStringTag, { __proto__: null, value: 'TextEncoder', configurable: true });

const ENCODING_LABELS = {
  __proto__: null,
  'utf-8': 'utf-8', utf8: 'utf-8', 'unicode-1-1-utf-8': 'utf-8',
  'utf-16le': 'utf-16le', 'utf-16': 'utf-16le', ucs2: 'utf-16le', 'ucs-2': 'utf-16le',
  latin1: 'windows-1252', 'iso-8859-1': 'windows-1252', 'windows-1252': 'windows-1252', ascii: 'windows-1252',
  'us-ascii': 'windows-1252', l1: 'windows-1252', 'iso8859-1': 'windows-1252', cp1252: 'windows-1252',
};
// windows-1252's 0x80-0x9F (the Encoding Standard's latin1).
const CP1252 = [0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F,
  0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178];
const textDecoderState = new WeakMapCtor();
class WebTextDecoder {
  constructor(encoding = 'utf-8', options = undefined) {
    const label = StringPrototypeToLowerCase(StringPrototypeTrim(`${encoding}`));
    const name = ENCODING_LABELS[label];
    if (name === undefined) {
      throw nodeError(RangeErrorClass, 'ERR_ENCODING_NOT_SUPPORTED', `The "${encoding}" encoding is not supported`);
    }
    if (options !== undefined && options !== null && typeof options !== 'object') {
      throw invalidArgType('options', 'of type object', options);
    }
    call(WeakMapSet, textDecoderState, this, {
      encoding: name,
      fatal: !!(options && options.fatal),
      ignoreBOM: !!(options && options.ignoreBOM),
      pending: null,
      bomSeen: false,
    });
  }
  get encoding() { return state(this).encoding; }
  get fatal() { return state(this).fatal; }
  get ignoreBOM() { return state(this).ignoreBOM; }
  decode(input = undefined, options = undefined) {
    const s = state(this);
    let bytes = input === undefined ? new Uint8ArrayCtor(0) : bytesOf(input);
    if (bytes === undefined) {
      throw invalidArgType('input', 'an instance of ArrayBuffer or ArrayBufferView', input);
    }
    const stream = !!(options && options.stream);
    if (s.pending !== null) {
      const joined = new Uint8ArrayCtor(s.pending.length + bytes.length);
      TypedArrayPrototypeSet(joined, s.pending, 0);
      TypedArrayPrototypeSet(joined, bytes, s.pending.length);
      bytes = joined;
      s.pending = null;
    }
    let text;
    if (s.encoding === 'utf-8') {
      let start = 0;
      if (!s.ignoreBOM && !s.bomSeen && bytes.length >= 3 && bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF) start = 3;
      if (stream && !s.bomSeen && bytes.length < 3 && bytes.length > 0 && bytes[0] === 0xEF) {
        s.pending = TypedArrayPrototypeSlice(bytes);
        return '';
      }
      const r = utf8Decode(bytes, start, bytes.length, s.fatal, stream);
      if (stream) {
        text = r[0];
        if (r[1] < bytes.length) s.pending = TypedArrayPrototypeSlice(bytes, r[1]);
      } else {
        text = r;
      }
    } else if (s.encoding === 'utf-16le') {
      let end = bytes.length;
      if (end % 2 === 1) {
        if (stream) { s.pending = TypedArrayPrototypeSlice(bytes, end - 1); end--; }
        else if (s.fatal) throw nodeError(TypeErrorCtor, 'ERR_ENCODING_INVALID_ENCODED_DATA', 'The encoded data was not valid for encoding utf-16le');
      }
      const units = new Uint16ArrayCtor(MathTrunc((bytes.length + 1) / 2));
      let n = 0;
      let i = 0;
      if (!s.ignoreBOM && !s.bomSeen && end >= 2 && bytes[0] === 0xFF && bytes[1] === 0xFE) i = 2;
      for (; i + 1 < end; i += 2) units[n++] = bytes[i] | (bytes[i + 1] << 8);
      if (!stream && end % 2 === 1) units[n++] = 0xFFFD;
      text = codeUnitsToString(units, n);
    } else {
      const units = new Uint16ArrayCtor(bytes.length);
      for (let i = 0; i < bytes.length; i++) units[i] = bytes[i] >= 0x80 && bytes[i] < 0xA0 ? CP1252[bytes[i] - 0x80] : bytes[i];
      text = codeUnitsToString(units, bytes.length);
    }
    s.bomSeen = stream && (s.bomSeen || bytes.length > 0);
    if (!stream) { s.bomSeen = false; s.pending = null; }
    return text;
  }
  [customInspectSymbol](depth, options) {
    const s = state(this);
    return inspectAs('TextDecoder', { encoding: s.encoding, fatal: s.fatal, ignoreBOM: s.ignoreBOM }, depth, options);
  }
}
function state(decoder) {
  const s = call(WeakMapGet, textDecoderState, decoder);
  if (s === undefined) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type TextDecoder');
  return s;
}
ObjectDefineProperty(WebTextDecoder, 'name', { __proto__: null, value: 'TextDecoder', configurable: true });
ObjectDefineProperty(WebTextDecoder.prototype, SymbolToStringTag, { __proto__: null, value: 'TextDecoder', configurable: true });

// ---- Event, CustomEvent, EventTarget (DOM Standard, without a tree: an
// event's path is its target alone, as in Node)
const eventState = new WeakMapCtor();
const eventTimeOrigin = performanceObject.now;
function eventData(event) {
  const d = call(WeakMapGet, eventState, event);
  if (d === undefined) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type Event');
  return d;
}
class WebEvent {
  constructor(type, options = undefined) {
    if (arguments.length === 0) throw nodeError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The "type" argument must be specified');
    if (options !== undefined && options !== null && typeof options !== 'object') {
      throw invalidArgType('options', 'of type object', options);
    }
    call(WeakMapSet, eventState, this, {
      type: `${type}`,
      bubbles: !!(options && options.bubbles),
      cancelable: !!(options && options.cancelable),
      composed: !!(options && options.composed),
      defaultPrevented: false,
      timeStamp: call(eventTimeOrigin, performanceObject),
      target: null,
      currentTarget: null,
      stop: false,
      stopImmediate: false,
      inPassive: false,
      dispatching: false,
      isTrusted: false,
    });
  }
  get type() { return eventData(this).type; }
  get target() { return eventData(this).target; }
  get srcElement() { return eventData(this).target; }
  get currentTarget() { return eventData(this).currentTarget; }
  get bubbles() { return eventData(this).bubbles; }
  get cancelable() { return eventData(this).cancelable; }
  get composed() { return eventData(this).composed; }
  get defaultPrevented() { const d = eventData(this); return d.cancelable && d.defaultPrevented; }
  get returnValue() { const d = eventData(this); return !(d.cancelable && d.defaultPrevented); }
  set returnValue(v) { if (!v) this.preventDefault(); }
  get timeStamp() { return eventData(this).timeStamp; }
  get eventPhase() { return eventData(this).dispatching ? 2 : 0; }
  get isTrusted() { return eventData(this).isTrusted; }
  get cancelBubble() { return eventData(this).stop; }
  set cancelBubble(v) { if (v) eventData(this).stop = true; }
  composedPath() { const d = eventData(this); return d.dispatching ? [d.currentTarget] : []; }
  preventDefault() { const d = eventData(this); if (!d.inPassive) d.defaultPrevented = true; }
  stopPropagation() { eventData(this).stop = true; }
  stopImmediatePropagation() { const d = eventData(this); d.stop = true; d.stopImmediate = true; }
  [customInspectSymbol](depth, options) {
    const d = eventData(this);
    return inspectAs(this.constructor && typeof this.constructor.name === 'string' ? this.constructor.name : 'Event',
      { type: d.type, defaultPrevented: d.cancelable && d.defaultPrevented, cancelable: d.cancelable, timeStamp: d.timeStamp },
      depth, options);
  }
}
{
  const constants = ['NONE', 'CAPTURING_PHASE', 'AT_TARGET', 'BUBBLING_PHASE'];
  for (let i = 0; i < 4; i++) {
    const desc = { __proto__: null, value: i, enumerable: true, writable: false, configurable: false };
    ObjectDefineProperty(WebEvent, constants[i], desc);
    ObjectDefineProperty(WebEvent.prototype, constants[i], desc);
  }
}
ObjectDefineProperty(WebEvent, 'name', { __proto__: null, value: 'Event', configurable: true });
ObjectDefineProperty(WebEvent.prototype, SymbolToStringTag, { __proto__: null, value: 'Event', configurable: true });

const customEventDetail = new WeakMapCtor();
class WebCustomEvent extends WebEvent {
  constructor(type, options = undefined) {
    if (arguments.length === 0) throw nodeError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The "type" argument must be specified');
    super(type, options);
    call(WeakMapSet, customEventDetail, this, options !== undefined && options !== null && options.detail !== undefined ? options.detail : null);
  }
  get detail() {
    if (!call(WeakMapHas, customEventDetail, this)) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type CustomEvent');
    return call(WeakMapGet, customEventDetail, this);
  }
}
ObjectDefineProperty(WebCustomEvent, 'name', { __proto__: null, value: 'CustomEvent', configurable: true });
ObjectDefineProperty(WebCustomEvent.prototype, SymbolToStringTag, { __proto__: null, value: 'CustomEvent', configurable: true });

const eventTargetListenersMap = new WeakMapCtor();
function listenersOf(target) {
  let map = call(WeakMapGet, eventTargetListenersMap, target);
  if (map === undefined) {
    if (!(target instanceof WebEventTarget)) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type EventTarget');
    map = new MapCtor();
    call(WeakMapSet, eventTargetListenersMap, target, map);
  }
  return map;
}
function eventTargetListeners(target, type) {
  const list = call(MapGet, listenersOf(target), `${type}`);
  const out = [];
  if (list !== undefined) for (let i = 0; i < list.length; i++) if (!list[i].removed) append(out, list[i].callback);
  return out;
}
function flattenOptions(options) {
  if (typeof options === 'boolean') return { capture: options, once: false, passive: false, signal: undefined };
  if (options === undefined || options === null) return { capture: false, once: false, passive: false, signal: undefined };
  return { capture: !!options.capture, once: !!options.once, passive: !!options.passive, signal: options.signal };
}
class WebEventTarget {
  constructor() { call(WeakMapSet, eventTargetListenersMap, this, new MapCtor()); }
  addEventListener(type, callback, options = undefined) {
    if (arguments.length < 2) throw nodeError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The "type" and "listener" arguments must be specified');
    const map = listenersOf(this);
    const o = flattenOptions(options);
    if (callback === null || callback === undefined) return;
    if (typeof callback !== 'function' && typeof callback !== 'object') return;
    if (o.signal !== undefined && o.signal !== null) {
      if (!(o.signal instanceof WebAbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', o.signal);
      if (o.signal.aborted) return;
    }
    const key = `${type}`;
    let list = call(MapGet, map, key);
    if (list === undefined) { list = []; call(MapSet, map, key, list); }
    for (let i = 0; i < list.length; i++) if (list[i].callback === callback && list[i].capture === o.capture) return;
    const entry = { callback, capture: o.capture, once: o.once, passive: o.passive, removed: false };
    append(list, entry);
    if (o.signal !== undefined && o.signal !== null) {
      const target = this;
      o.signal.addEventListener('abort', () => { target.removeEventListener(key, callback, { capture: o.capture }); }, { once: true });
    }
  }
  removeEventListener(type, callback, options = undefined) {
    const map = listenersOf(this);
    const capture = flattenOptions(options).capture;
    const list = call(MapGet, map, `${type}`);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      if (list[i].callback === callback && list[i].capture === capture) {
        list[i].removed = true;
        ArrayPrototypeSplice(list, i, 1);
        return;
      }
    }
  }
  dispatchEvent(event) {
    if (!(event instanceof WebEvent)) throw invalidArgType('event', 'an instance of Event', event);
    const d = eventData(event);
    if (d.dispatching) throw domException('The event is already being dispatched', 'InvalidStateError');
    const map = listenersOf(this);
    d.target = this;
    d.currentTarget = this;
    d.dispatching = true;
    const list = call(MapGet, map, d.type);
    try {
      if (list !== undefined) {
        const snapshot = ArrayPrototypeSlice(list);
        for (let i = 0; i < snapshot.length; i++) {
          const entry = snapshot[i];
          if (entry.removed) continue;
          if (entry.once) this.removeEventListener(d.type, entry.callback, { capture: entry.capture });
          d.inPassive = entry.passive;
          try {
            const cb = entry.callback;
            if (typeof cb === 'function') ReflectApply(cb, this, [event]);
            else if (cb !== null && typeof cb.handleEvent === 'function') ReflectApply(cb.handleEvent, cb, [event]);
          } catch (e) {
            // As Node: an exception in a listener is reported as uncaught,
            // after dispatch goes on to the next listener.
            PromisePrototypeThen(PromiseResolve(), () => { throw e; });
          }
          d.inPassive = false;
          if (d.stopImmediate) break;
        }
      }
    } finally {
      d.dispatching = false;
      d.currentTarget = null;
      d.stop = false;
      d.stopImmediate = false;
    }
    return !(d.cancelable && d.defaultPrevented);
  }
  [customInspectSymbol](depth, options) {
    return `${this.constructor && typeof this.constructor.name === 'string' ? this.constructor.name : 'EventTarget'} {}`;
  }
}
ObjectDefineProperty(WebEventTarget, 'name', { __proto__: null, value: 'EventTarget', configurable: true });
ObjectDefineProperty(WebEventTarget.prototype, SymbolToStringTag, { __proto__: null, value: 'EventTarget', configurable: true });

// ---- AbortController / AbortSignal (DOM Standard)
const abortState = new WeakMapCtor();
let creatingSignal = false;
function abortData(signal) {
  const d = call(WeakMapGet, abortState, signal);
  if (d === undefined) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type AbortSignal');
  return d;
}
function newSignal() {
  creatingSignal = true;
  try { return new WebAbortSignal(); } finally { creatingSignal = false; }
}
function signalAbort(signal, reason) {
  const d = abortData(signal);
  if (d.aborted) return;
  d.aborted = true;
  d.reason = reason === undefined ? domException('This operation was aborted', 'AbortError') : reason;
  signal.dispatchEvent(new WebEvent('abort'));
  const dependents = d.dependents;
  d.dependents = [];
  for (let i = 0; i < dependents.length; i++) signalAbort(dependents[i], d.reason);
}
class WebAbortSignal extends WebEventTarget {
  constructor() {
    if (!creatingSignal) throw new TypeErrorCtor('Illegal constructor');
    super();
    call(WeakMapSet, abortState, this, { aborted: false, reason: undefined, onabort: null, onabortListener: null, dependents: [] });
  }
  get aborted() { return abortData(this).aborted; }
  get reason() { return abortData(this).reason; }
  get onabort() { return abortData(this).onabort; }
  set onabort(handler) {
    const d = abortData(this);
    if (d.onabortListener !== null) this.removeEventListener('abort', d.onabortListener);
    d.onabort = typeof handler === 'function' ? handler : null;
    d.onabortListener = null;
    if (d.onabort !== null) {
      const signal = this;
      d.onabortListener = (event) => ReflectApply(d.onabort, signal, [event]);
      this.addEventListener('abort', d.onabortListener);
    }
  }
  throwIfAborted() {
    const d = abortData(this);
    if (d.aborted) throw d.reason;
  }
  static abort(reason = undefined) {
    const signal = newSignal();
    signalAbort(signal, reason);
    return signal;
  }
  static timeout(delay) {
    if (typeof delay !== 'number' || !(delay >= 0) || delay !== MathTrunc(delay) || delay > 9007199254740991) {
      throw invalidArgType('delay', 'of type number', delay);
    }
    const signal = newSignal();
    timeoutSetTimeout(() => {
      signalAbort(signal, domException('The operation was aborted due to timeout', 'TimeoutError'));
    }, delay);
    return signal;
  }
  static any(signals) {
    const signal = newSignal();
    for (let i = 0; i < signals.length; i++) {
      if (!(signals[i] instanceof WebAbortSignal)) throw invalidArgType(`signals[${i}]`, 'an instance of AbortSignal', signals[i]);
      if (signals[i].aborted) { signalAbort(signal, signals[i].reason); return signal; }
    }
    for (let i = 0; i < signals.length; i++) append(abortData(signals[i]).dependents, signal);
    return signal;
  }
  [customInspectSymbol](depth, options) {
    return inspectAs('AbortSignal', { aborted: abortData(this).aborted }, depth, options);
  }
}
const timeoutSetTimeout = globalThis.setTimeout;
ObjectDefineProperty(WebAbortSignal, 'name', { __proto__: null, value: 'AbortSignal', configurable: true });
ObjectDefineProperty(WebAbortSignal.prototype, SymbolToStringTag, { __proto__: null, value: 'AbortSignal', configurable: true });

const controllerSignal = new WeakMapCtor();
class WebAbortController {
  constructor() { call(WeakMapSet, controllerSignal, this, newSignal()); }
  get signal() {
    const s = call(WeakMapGet, controllerSignal, this);
    if (s === undefined) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type AbortController');
    return s;
  }
  abort(reason = undefined) { signalAbort(this.signal, reason); }
  [customInspectSymbol](depth, options) {
    return inspectAs('AbortController', { signal: this.signal }, depth, options);
  }
}
ObjectDefineProperty(WebAbortController, 'name', { __proto__: null, value: 'AbortController', configurable: true });
ObjectDefineProperty(WebAbortController.prototype, SymbolToStringTag, { __proto__: null, value: 'AbortController', configurable: true });

// ---- Blob (File API): immutable bytes with a type
const blobState = new WeakMapCtor();
function blobData(blob) {
  const d = call(WeakMapGet, blobState, blob);
  if (d === undefined) throw nodeError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type Blob');
  return d;
}
function normalizedType(type) {
  const t = `${type}`;
  for (let i = 0; i < t.length; i++) {
    const c = StringPrototypeCharCodeAt(t, i);
    if (c < 0x20 || c > 0x7E) return '';
  }
  return StringPrototypeToLowerCase(t);
}
class WebBlob {
  constructor(sources = [], options = undefined) {
    if (sources === null || typeof sources !== 'object' || typeof sources[SymbolIterator] !== 'function') {
      throw invalidArgType('sources', 'a sequence', sources);
    }
    const parts = [];
    for (const part of sources) {
      let bytes;
      if (part instanceof WebBlob) bytes = blobData(part).bytes;
      else if (typeof part === 'string') bytes = utf8Encode(part);
      else {
        bytes = bytesOf(part);
        bytes = bytes === undefined ? utf8Encode(`${part}`) : TypedArrayPrototypeSlice(bytes);
      }
      append(parts, bytes);
    }
    let total = 0;
    for (let i = 0; i < parts.length; i++) total += parts[i].length;
    const bytes = new Uint8ArrayCtor(total);
    let at = 0;
    for (let i = 0; i < parts.length; i++) { TypedArrayPrototypeSet(bytes, parts[i], at); at += parts[i].length; }
    const type = options !== undefined && options !== null && options.type !== undefined ? normalizedType(options.type) : '';
    call(WeakMapSet, blobState, this, { bytes, type });
  }
  get size() { return blobData(this).bytes.length; }
  get type() { return blobData(this).type; }
  slice(start = 0, end = undefined, contentType = '') {
    const d = blobData(this);
    const size = d.bytes.length;
    let s = +start || 0;
    let e = end === undefined ? size : +end || 0;
    s = s < 0 ? MathMaxOf(size + s, 0) : MathMin(s, size);
    e = e < 0 ? MathMaxOf(size + e, 0) : MathMin(e, size);
    const blob = new WebBlob([]);
    call(WeakMapSet, blobState, blob, { bytes: TypedArrayPrototypeSlice(d.bytes, s, MathMaxOf(s, e)), type: normalizedType(contentType) });
    return blob;
  }
  text() {
    try { return PromiseResolve(utf8Decode(blobData(this).bytes, 0, blobData(this).bytes.length, false, false)); } catch (e) { return PromiseReject(e); }
  }
  arrayBuffer() {
    try {
      const bytes = blobData(this).bytes;
      return PromiseResolve(ArrayBufferPrototypeSlice(TypedArrayPrototypeGetBuffer(bytes), 0));
    } catch (e) {
      return PromiseReject(e);
    }
  }
  [customInspectSymbol](depth, options) {
    const d = blobData(this);
    return inspectAs('Blob', { size: d.bytes.length, type: d.type }, depth, options);
  }
}
ObjectDefineProperty(WebBlob, 'name', { __proto__: null, value: 'Blob', configurable: true });
ObjectDefineProperty(WebBlob.prototype, SymbolToStringTag, { __proto__: null, value: 'Blob', configurable: true });

// ---- on the global object, in Node 20's order and with its descriptors
ObjectDefineProperty(globalThis, 'structuredClone', { __proto__: null, value: structuredClone, writable: true, enumerable: true, configurable: true });
lazyGlobal('atob', () => webAtob, true);
lazyGlobal('btoa', () => webBtoa, true);
hidden(globalThis, 'DOMException', WebDOMException);
hidden(globalThis, 'TextEncoder', WebTextEncoder);
hidden(globalThis, 'TextDecoder', WebTextDecoder);
hidden(globalThis, 'Event', WebEvent);
hidden(globalThis, 'EventTarget', WebEventTarget);
hidden(globalThis, 'CustomEvent', WebCustomEvent);
hidden(globalThis, 'AbortController', WebAbortController);
hidden(globalThis, 'AbortSignal', WebAbortSignal);
hidden(globalThis, 'Blob', WebBlob);
