'use strict';
// Test harness shared by check.js: loads src/KenShell/Runtime/inspect.js into
// a fresh vm context (like kenshell's bare V8 context) and supplies
// `internals` implemented with Node facilities (test-only).

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const util = require('util');
const { internalBinding } = require('internal/test/binding'); // needs --expose-internals
const binding = internalBinding('util');

const SRC = path.join(__dirname, '..', '..', 'src', 'KenShell', 'Runtime', 'inspect.js');

function typeTag(v) {
  const t = util.types;
  if ((typeof v !== 'object' || v === null) && typeof v !== 'function') return '';
  if (t.isProxy(v)) return 'proxy';
  if (t.isPromise(v)) return 'promise';
  if (t.isMap(v)) return 'map';
  if (t.isSet(v)) return 'set';
  if (t.isWeakMap(v)) return 'weakmap';
  if (t.isWeakSet(v)) return 'weakset';
  if (t.isMapIterator(v)) return 'mapiterator';
  if (t.isSetIterator(v)) return 'setiterator';
  if (t.isDate(v)) return 'date';
  if (t.isRegExp(v)) return 'regexp';
  if (t.isNativeError(v)) return 'error';
  if (t.isArrayBuffer(v)) return 'arraybuffer';
  if (t.isSharedArrayBuffer(v)) return 'sharedarraybuffer';
  if (t.isDataView(v)) return 'dataview';
  if (t.isTypedArray(v)) return 'typedarray';
  if (t.isGeneratorObject(v)) return 'generator';
  if (t.isAsyncFunction(v) && t.isGeneratorFunction(v)) return 'asyncgeneratorfunction';
  if (t.isAsyncFunction(v)) return 'asyncfunction';
  if (t.isGeneratorFunction(v)) return 'generatorfunction';
  if (t.isArgumentsObject(v)) return 'arguments';
  if (t.isNumberObject(v)) return 'Number';
  if (t.isStringObject(v)) return 'String';
  if (t.isBooleanObject(v)) return 'Boolean';
  if (t.isBigIntObject(v)) return 'BigInt';
  if (t.isSymbolObject(v)) return 'Symbol';
  if (t.isModuleNamespaceObject(v)) return 'module';
  if (t.isExternal(v)) return 'external';
  return '';
}

function makeInternals(withHandler) {
  const internals = {
    typeTag,
    proxyTarget(v) {
      if (!util.types.isProxy(v)) return undefined;
      const d = binding.getProxyDetails(v);
      return d === null ? null : d[0];
    },
    promiseState(p) {
      const d = binding.getPromiseDetails(p);
      return [d[0], d[1]];
    },
    constructorName(o) { return binding.getConstructorName(o); },
    previewEntries(o) {
      const r = binding.previewEntries(o, true);
      return r === undefined ? undefined : [r[0], r[1]];
    },
  };
  if (withHandler) {
    internals.proxyHandler = (v) => {
      const d = binding.getProxyDetails(v);
      return d === null ? null : d[1];
    };
  }
  return internals;
}

// Create a fresh context with the formatter loaded. Returns {context, api}.
function load(options = {}) {
  const context = vm.createContext({});
  const src = fs.readFileSync(SRC, 'utf8');
  // The host concatenates inspect.js inside a strict function; do the same.
  const factory = vm.runInContext(
    "(function (host) {\n'use strict';\n" + src + '\nreturn createInspect(host);\n})', context,
    { filename: 'kenshell:prelude' });
  const api = factory(makeInternals(options.withHandler !== false));
  return { context, api };
}

module.exports = { load, typeTag, SRC, vm, util };
