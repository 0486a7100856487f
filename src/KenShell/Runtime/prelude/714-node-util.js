// -------------------------------------------------------------- node:util
// inspect and format are kenshell's own formatter (inspect.js, Node's
// util.inspect re-implemented); types are V8's own answers (host.typeTag,
// as Node's come from V8); isDeepStrictEqual is the vendored `assert`'s
// comparison (Node's algorithm of Node 12, as bundlers ship it);
// promisify, callbackify, inherits, debuglog and the legacy is* checks are
// the vendored npm `util`, whose inspect/format/types are replaced by
// these before anything vendored (assert) reads them, so assertion messages
// print values as Node does.
let loadVendoredUtil;
{
const typedArrayTag = (v) => (host.typeTag(v) === 'typedarray' ? TypedArrayPrototypeGetSymbolToStringTag(v) : undefined);
const tagIs = (tag) => (v) => host.typeTag(v) === tag;
const utilTypes = {
  isExternal: tagIs('external'),
  isDate: tagIs('date'),
  isArgumentsObject: tagIs('arguments'),
  isBigIntObject: tagIs('BigInt'),
  isBooleanObject: tagIs('Boolean'),
  isNumberObject: tagIs('Number'),
  isStringObject: tagIs('String'),
  isSymbolObject: tagIs('Symbol'),
  isNativeError: tagIs('error'),
  isRegExp: tagIs('regexp'),
  isAsyncFunction: (v) => { const t = host.typeTag(v); return t === 'asyncfunction' || t === 'asyncgeneratorfunction'; },
  isGeneratorFunction: (v) => { const t = host.typeTag(v); return t === 'generatorfunction' || t === 'asyncgeneratorfunction'; },
  isGeneratorObject: tagIs('generator'),
  isPromise: tagIs('promise'),
  isMap: tagIs('map'),
  isSet: tagIs('set'),
  isMapIterator: tagIs('mapiterator'),
  isSetIterator: tagIs('setiterator'),
  isWeakMap: tagIs('weakmap'),
  isWeakSet: tagIs('weakset'),
  isArrayBuffer: tagIs('arraybuffer'),
  isDataView: tagIs('dataview'),
  isSharedArrayBuffer: tagIs('sharedarraybuffer'),
  isProxy: tagIs('proxy'),
  isModuleNamespaceObject: tagIs('module'),
  isAnyArrayBuffer: (v) => { const t = host.typeTag(v); return t === 'arraybuffer' || t === 'sharedarraybuffer'; },
  isBoxedPrimitive: (v) => {
    const t = host.typeTag(v);
    return t === 'Number' || t === 'String' || t === 'Boolean' || t === 'BigInt' || t === 'Symbol';
  },
  isArrayBufferView: (v) => { const t = host.typeTag(v); return t === 'typedarray' || t === 'dataview'; },
  isTypedArray: tagIs('typedarray'),
  isUint8Array: (v) => typedArrayTag(v) === 'Uint8Array',
  isUint8ClampedArray: (v) => typedArrayTag(v) === 'Uint8ClampedArray',
  isUint16Array: (v) => typedArrayTag(v) === 'Uint16Array',
  isUint32Array: (v) => typedArrayTag(v) === 'Uint32Array',
  isInt8Array: (v) => typedArrayTag(v) === 'Int8Array',
  isInt16Array: (v) => typedArrayTag(v) === 'Int16Array',
  isInt32Array: (v) => typedArrayTag(v) === 'Int32Array',
  isFloat32Array: (v) => typedArrayTag(v) === 'Float32Array',
  isFloat64Array: (v) => typedArrayTag(v) === 'Float64Array',
  isBigInt64Array: (v) => typedArrayTag(v) === 'BigInt64Array',
  isBigUint64Array: (v) => typedArrayTag(v) === 'BigUint64Array',
  isKeyObject: () => false,
  isCryptoKey: () => false,
};
{
  // Named as Node's are (util.types.isDate.name === 'isDate').
  const names = ObjectKeysOf(utilTypes);
  for (let i = 0; i < names.length; i++) {
    ObjectDefineProperty(utilTypes[names[i]], 'name', { __proto__: null, value: names[i], configurable: true });
  }
}
defineBuiltinModule('util/types', () => utilTypes);

// util.inspect: kenshell's formatter, with Node's legacy signature
// inspect(value, showHidden, depth, colors) and Node's attached tables.
const customInspect = SymbolFor('nodejs.util.inspect.custom');
const inspectDefaults = {
  showHidden: false, depth: 2, colors: false, customInspect: true, showProxy: false,
  maxArrayLength: 100, maxStringLength: 10000, breakLength: 128, compact: 3, sorted: false,
  getters: false, numericSeparator: false,
};
function utilInspect(value, opts) {
  let options = opts;
  if (typeof opts !== 'object' || opts === null) {
    options = { __proto__: null };
    if (typeof opts === 'boolean') options.showHidden = opts;
    const a = arguments;
    if (a.length > 2 && a[2] !== undefined) options.depth = a[2];
    if (a.length > 3 && a[3] !== undefined) options.colors = a[3];
  }
  return inspect(value, options);
}
ObjectDefineProperty(utilInspect, 'name', { __proto__: null, value: 'inspect', configurable: true });
utilInspect.custom = customInspect;
utilInspect.defaultOptions = inspectDefaults;
utilInspect.colors = ObjectAssignTo({ __proto__: null }, {
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], blink: [5, 25],
  inverse: [7, 27], hidden: [8, 28], strikethrough: [9, 29], doubleunderline: [21, 24],
  black: [30, 39], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39],
  cyan: [36, 39], white: [37, 39], bgBlack: [40, 49], bgRed: [41, 49], bgGreen: [42, 49],
  bgYellow: [43, 49], bgBlue: [44, 49], bgMagenta: [45, 49], bgCyan: [46, 49], bgWhite: [47, 49],
  framed: [51, 54], overlined: [53, 55], gray: [90, 39], redBright: [91, 39], greenBright: [92, 39],
  yellowBright: [93, 39], blueBright: [94, 39], magentaBright: [95, 39], cyanBright: [96, 39],
  whiteBright: [97, 39], bgGray: [100, 49], bgRedBright: [101, 49], bgGreenBright: [102, 49],
  bgYellowBright: [103, 49], bgBlueBright: [104, 49], bgMagentaBright: [105, 49],
  bgCyanBright: [106, 49], bgWhiteBright: [107, 49],
});
utilInspect.styles = ObjectAssignTo({ __proto__: null }, {
  special: 'cyan', number: 'yellow', bigint: 'yellow', boolean: 'yellow', undefined: 'grey',
  null: 'bold', string: 'green', symbol: 'green', date: 'magenta', regexp: 'red', module: 'underline',
});

function utilFormat(...args) { return formatLog(args, { __proto__: null }); }
function utilFormatWithOptions(inspectOptions, ...args) {
  if (inspectOptions === null || typeof inspectOptions !== 'object') {
    throw invalidArgType('inspectOptions', 'of type object', inspectOptions);
  }
  return formatLog(args, inspectOptions);
}

// Node's deprecate: the warning once, on the first call, on stderr after
// the turn's output (as kenshell's other warnings).
const warnedCodes = new MapCtor();
function utilDeprecate(fn, msg, code) {
  if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn);
  let warned = false;
  function deprecated(...args) {
    if (!warned && !(code !== undefined && call(MapHas, warnedCodes, code))) {
      warned = true;
      if (code !== undefined) call(MapSet, warnedCodes, code, true);
      pendingWarnings[pendingWarnings.length] = `${code !== undefined ? `[${code}] ` : ''}DeprecationWarning: ${msg}`;
    }
    return new.target ? ReflectConstruct(fn, args, new.target) : ReflectApply(fn, this, args);
  }
  ObjectSetPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated;
}

// Node's stripVTControlCharacters pattern (ansi-regex).
const ansiPattern = new RegExp('[\\u001B\\u009B][[\\]()#;?]*' +
  '(?:(?:(?:(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]+)*' +
  '|[a-zA-Z\\d]+(?:;[-a-zA-Z\\d\\/\\#&.:=?%@~_]*)*)?' +
  '(?:\\u0007|\\u001B\\u005C|\\u009C))' +
  '|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?' +
  '[\\dA-PR-TZcf-ntqry=><~]))', 'g');

let vendoredUtilPatched = false;
loadVendoredUtil = function loadVendoredUtil() {
  const npm = requireVendored('util/');
  if (!vendoredUtilPatched) {
    npm.inspect = utilInspect;
    npm.format = utilFormat;
    npm.types = ObjectAssignTo({}, utilTypes, { isWebAssemblyCompiledModule: () => false });
    vendoredUtilPatched = true;
  }
  return npm;
};

defineBuiltinModule('util', () => {
  const npm = loadVendoredUtil();
  const comparisons = requireVendored('assert/build/internal/util/comparisons.js');
  const util = {
    _extend: npm._extend,
    callbackify: npm.callbackify,
    debug: npm.debuglog,
    debuglog: npm.debuglog,
    deprecate: utilDeprecate,
    format: utilFormat,
    formatWithOptions: utilFormatWithOptions,
    inherits: npm.inherits,
    inspect: utilInspect,
    isArray: ArrayIsArray,
    isBoolean: npm.isBoolean,
    isBuffer: (v) => requireBuiltin('buffer').Buffer.isBuffer(v),
    isDeepStrictEqual(a, b) { return comparisons.isDeepStrictEqual(a, b); },
    isNull: npm.isNull,
    isNullOrUndefined: npm.isNullOrUndefined,
    isNumber: npm.isNumber,
    isString: npm.isString,
    isSymbol: npm.isSymbol,
    isUndefined: npm.isUndefined,
    isRegExp: utilTypes.isRegExp,
    isObject: npm.isObject,
    isDate: utilTypes.isDate,
    isError: (e) => utilTypes.isNativeError(e) || e instanceof ErrorClass,
    isFunction: npm.isFunction,
    isPrimitive: npm.isPrimitive,
    log: npm.log,
    promisify: npm.promisify,
    stripVTControlCharacters(str) {
      if (typeof str !== 'string') throw invalidArgType('str', 'of type string', str);
      return StringPrototypeReplace(str, ansiPattern, '');
    },
    toUSVString(str) {
      const s = `${str}`;
      let out = '';
      for (let i = 0; i < s.length; i++) {
        const c = StringPrototypeCharCodeAt(s, i);
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
          const d = StringPrototypeCharCodeAt(s, i + 1);
          if (d >= 0xDC00 && d <= 0xDFFF) { out += StringFromCharCode(c, d); i++; continue; }
        }
        out += c >= 0xD800 && c <= 0xDFFF ? '\ufffd' : StringFromCharCode(c);
      }
      return out;
    },
    types: utilTypes,
    TextDecoder: WebTextDecoder,
    TextEncoder: WebTextEncoder,
  };
  return util;
});
}
