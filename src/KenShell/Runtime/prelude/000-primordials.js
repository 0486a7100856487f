// kenshell runtime prelude. Runs once, inside `function (host) { ... }`,
// when a store is created; everything it defines lives in the heap and is
// saved with it. `host` holds the native host functions (see
// native/src/host_functions.cc). Returns the hooks the engine calls.
//
// Rules for this file: capture every built-in used at run time now (users
// patch built-in prototypes, and that must not break printing), and keep
// every piece of state in the heap, never in the host.

const inspectExtras = createInspect(host);
const { inspect, formatUncaught, formatSyntaxError, formatLog, replStack } = inspectExtras;

const STDOUT = 1;
const STDERR = 2;
const ObjectDefineProperty = Object.defineProperty;
const ObjectCreate = Object.create;
const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectFreeze = Object.freeze;
const ReflectApply = Reflect.apply;
const ReflectConstruct = Reflect.construct;
const ReflectOwnKeys = Reflect.ownKeys;
const ReflectDefineProperty = Reflect.defineProperty;
const MapCtor = Map;
const MapGet = Map.prototype.get;
const MapSet = Map.prototype.set;
const MapHas = Map.prototype.has;
const MapDelete = Map.prototype.delete;
const WeakMapCtor = WeakMap;
const WeakMapGet = WeakMap.prototype.get;
const WeakMapSet = WeakMap.prototype.set;
const WeakMapHas = WeakMap.prototype.has;
const WeakMapDelete = WeakMap.prototype.delete;
const StringSplit = String.prototype.split;
const ArrayJoin = Array.prototype.join;
const MathFloor = Math.floor;
const TypeErrorCtor = TypeError;
const call = (fn, self, ...args) => ReflectApply(fn, self, args);
const hidden = (obj, key, value) =>
  ObjectDefineProperty(obj, key, { __proto__: null, value, writable: true, configurable: true, enumerable: false });

// More captured built-ins, uncurried as Node's primordials are: what the
// runtime runs between and around turns (the hooks, timers, messaging)
// uses only these, never a prototype method looked up at run time, an
// array iterator (for-of, spread, destructuring), or an object literal's
// prototype chain (descriptors and JSON records have none). A user who
// deletes Array.prototype[Symbol.iterator], replaces Promise.prototype.then
// or JSON, or puts setters on Object.prototype breaks their own code only.
const FunctionPrototypeCall = Function.prototype.call;
const FunctionPrototypeBind = Function.prototype.bind;
const uncurry = (fn) => ReflectApply(FunctionPrototypeBind, FunctionPrototypeCall, [fn]);
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ArrayIsArray = Array.isArray;
const ArrayPrototypeShift = uncurry(Array.prototype.shift);
const ArrayPrototypeJoin = uncurry(Array.prototype.join);
const StringPrototypeSlice = uncurry(String.prototype.slice);
const StringPrototypeIndexOf = uncurry(String.prototype.indexOf);
const StringPrototypeEndsWith = uncurry(String.prototype.endsWith);
const StringPrototypeCharCodeAt = uncurry(String.prototype.charCodeAt);
const NumberPrototypeToString = uncurry(Number.prototype.toString);
const SymbolPrototypeToString = uncurry(Symbol.prototype.toString);
const MapPrototypeValues = uncurry(Map.prototype.values);
const MapPrototypeEntries = uncurry(Map.prototype.entries);
const MapPrototypeGetSize = uncurry(ObjectGetOwnPropertyDescriptor(Map.prototype, 'size').get);
const MapIteratorNext = uncurry(ObjectGetPrototypeOf(new Map().values()).next);
const PromiseCtor = Promise;
const PromiseResolve = (value) => ReflectApply(Promise.resolve, PromiseCtor, [value]);
const PromisePrototypeThen = uncurry(Promise.prototype.then);
const JSONStringify = JSON.stringify;
const JSONParse = JSON.parse;
const DateNow = Date.now;
const MathImul = Math.imul;

// list.push(value), without Array.prototype's setters or a replaced push.
function append(list, value) {
  ObjectDefineProperty(list, list.length, { __proto__: null, value, writable: true, enumerable: true, configurable: true });
}
// The values (or [key, value] entries) of a Map, as an array, without the
// user-replaceable iterator protocol.
function mapList(map, entries) {
  const out = [];
  const it = entries ? MapPrototypeEntries(map) : MapPrototypeValues(map);
  for (let r = MapIteratorNext(it); !r.done; r = MapIteratorNext(it)) append(out, r.value);
  return out;
}
// JSON for a list of records: each record has no prototype, so no toJSON
// anyone put on Object.prototype or Array.prototype is consulted.
function jsonList(records) {
  const parts = [];
  for (let i = 0; i < records.length; i++) append(parts, JSONStringify(records[i]));
  return `[${ArrayPrototypeJoin(parts, ',')}]`;
}

const colors = () => host.hostOption('colors') === 1;

// V8 leaves Error.stackTraceLimit undefined in a context built for a
// snapshot (it is meant to be set after deserialization), and then errors
// get no stack at all. Set it once; it is saved with the heap.
if (Error.stackTraceLimit === undefined) Error.stackTraceLimit = 10;

