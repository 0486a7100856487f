// ------------------------------------------------------------------ Intl
// Intl objects hold ICU objects outside the V8 heap, which V8's snapshot
// serializer cannot write (the checkpoint child dies on a CHECK). Each Intl
// constructor is replaced by a wrapper whose instances keep only plain data
// (the constructor and what rebuilds an equal object: the resolved options,
// or a Locale's string) and create the real ICU-backed object lazily. The
// real objects sit in a cache that is dropped just before every checkpoint
// (beforeSnapshot), so they never reach the serializer.
//
// The wrappers are native-looking functions (host.nativeFunction) that do
// what the originals do, observably: the real constructor reads the
// caller's arguments, once, in its order (nothing is copied); methods and
// getters run the original on the real object, so results and errors
// (an incompatible receiver included) are V8's own; format/compare are
// bound functions named '' as natively; DateTimeFormat and NumberFormat
// keep ECMA-402's legacy `Intl.NumberFormat.call(obj)` behaviour with V8's
// own fallback symbol; a wrapped Locale inside an argument is handed over
// as the real Locale, never turned into a string.
const RealIntl = globalThis.Intl;
const FunctionPrototypeHasInstance = uncurry(Function.prototype[Symbol.hasInstance]);
const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
let intlCache = new WeakMapCtor(); // wrapper -> real Intl object (never saved)
const intlState = new WeakMapCtor(); // wrapper -> frozen [Real, rebuild arguments] (saved)
const intlBound = new WeakMapCtor(); // wrapper -> Map getter name -> bound function (saved)
const intlWrappers = new MapCtor(); // real constructor -> wrapper constructor
const isObjectLike = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';

// ECMA-402's [[FallbackSymbol]]: V8's own, read off a real legacy construction.
let intlFallbackSymbol;
if (RealIntl !== undefined) {
  const probe = ObjectCreate(RealIntl.NumberFormat.prototype);
  ReflectApply(RealIntl.NumberFormat, probe, []);
  intlFallbackSymbol = ObjectGetOwnPropertySymbols(probe)[0];
}

function realIntl(wrapper) {
  let real = call(WeakMapGet, intlCache, wrapper);
  if (real === undefined) {
    const saved = call(WeakMapGet, intlState, wrapper);
    if (saved === undefined) return undefined;
    real = ReflectConstruct(saved[0], saved[1]);
    call(WeakMapSet, intlCache, wrapper, real);
  }
  return real;
}

// What a method is run on: the real object behind a wrapper (or behind a
// legacy-constructed object's fallback), else the receiver itself, so that
// V8's own method rejects it with its own error.
function intlReceiver(receiver, Wrapper, legacy) {
  if (!isObjectLike(receiver)) return receiver;
  let real = realIntl(receiver);
  if (real === undefined && legacy && FunctionPrototypeHasInstance(Wrapper, receiver)) {
    const fallback = receiver[intlFallbackSymbol];
    real = isObjectLike(fallback) ? realIntl(fallback) : undefined;
  }
  return real === undefined ? receiver : real;
}

// A wrapped Locale given where V8 reads a locale (alone or in a list) is
// handed over as the real one: V8 then takes its tag directly, as it does
// for its own Locale objects, without calling toString.
function realLocales(value) {
  if (!isObjectLike(value) || host.typeTag(value) === 'proxy') return value;
  if (!ArrayIsArray(value)) {
    return call(WeakMapHas, intlState, value) && FunctionPrototypeHasInstance(LocaleWrapper, value) ? realIntl(value) : value;
  }
  let copy;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (isObjectLike(item) && call(WeakMapHas, intlState, item) && FunctionPrototypeHasInstance(LocaleWrapper, item)) {
      if (copy === undefined) {
        copy = [];
        for (let j = 0; j < i; j++) append(copy, value[j]);
      }
      append(copy, realIntl(item));
    } else if (copy !== undefined) {
      append(copy, item);
    }
  }
  return copy === undefined ? value : copy;
}

// The arguments that rebuild an object equal to `real`: a Locale is its
// full tag; the others are their resolved options (a null-prototype copy, so
// that nothing on Object.prototype can change a rebuild).
function rebuildArguments(name, Real, real) {
  if (name === 'Locale') return ObjectFreeze([call(Real.prototype.toString, real)]);
  const resolved = call(Real.prototype.resolvedOptions, real);
  const options = { __proto__: null };
  const keys = ObjectGetOwnPropertyNames(resolved);
  for (let i = 0; i < keys.length; i++) {
    // resolvedOptions() reports both hourCycle and hour12; given both, a
    // constructor lets hour12 win and picks the locale's 12-hour cycle,
    // which may not be the one resolved (h11 vs h12).
    if (keys[i] === 'hour12' && resolved.hourCycle !== undefined) continue;
    ObjectDefineProperty(options, keys[i], { __proto__: null, value: resolved[keys[i]], enumerable: true });
  }
  return ObjectFreeze([resolved.locale, ObjectFreeze(options)]);
}

function wrapIntlResult(result) {
  // Methods that return a new Intl object (Intl.Locale#maximize) get a wrapper too.
  if (isObjectLike(result)) {
    const proto = ObjectGetPrototypeOf(result);
    if (proto !== null && call(MapHas, intlWrappers, proto.constructor)) {
      const Wrapper = call(MapGet, intlWrappers, proto.constructor);
      return adoptIntl(Wrapper, Wrapper.prototype, result);
    }
  }
  return result;
}

const intlNames = new MapCtor(); // wrapper -> name
function adoptIntl(Wrapper, proto, real) {
  const self = ObjectCreate(proto);
  const Real = ObjectGetPrototypeOf(real).constructor;
  call(WeakMapSet, intlState, self, ObjectFreeze([Real, rebuildArguments(call(MapGet, intlNames, Wrapper), Real, real)]));
  call(WeakMapSet, intlCache, self, real);
  return self;
}

function wrapIntl(name, callableWithoutNew, legacy) {
  const Real = RealIntl[name];
  if (typeof Real !== 'function') return undefined;
  const proto = {};
  const Wrapper = builtin(name, Real.length, (receiver, newTarget, ...args) => {
    if (newTarget === undefined) {
      if (!callableWithoutNew) throw new TypeErrorCtor(`Constructor Intl.${name} requires 'new'`);
      const made = ReflectConstruct(Wrapper, args);
      // ChainNumberFormat / ChainDateTimeFormat (ECMA-402 legacy).
      if (legacy && isObjectLike(receiver) && FunctionPrototypeHasInstance(Wrapper, receiver)) {
        ObjectDefineProperty(receiver, intlFallbackSymbol, { __proto__: null, value: made, writable: false, enumerable: false, configurable: false });
        return receiver;
      }
      return made;
    }
    const realArgs = [];
    for (let i = 0; i < args.length; i++) append(realArgs, i < 2 ? realLocales(args[i]) : args[i]);
    // The real constructor reads the arguments, once: bad ones throw here.
    const real = ReflectConstruct(Real, realArgs);
    const self = createFromConstructor(newTarget, proto);
    call(WeakMapSet, intlState, self, ObjectFreeze([Real, rebuildArguments(name, Real, real)]));
    call(WeakMapSet, intlCache, self, real);
    return self;
  }, true);
  builtinClass(Wrapper, proto);
  call(MapSet, intlNames, Wrapper, name);
  const keys = ReflectOwnKeys(Real.prototype);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (key === 'constructor') continue;
    const desc = ObjectGetOwnPropertyDescriptor(Real.prototype, key);
    if (typeof desc.get === 'function') {
      const getter = desc.get;
      // format and compare return a function bound to the object; one
      // shared native function per getter, bound to each wrapper.
      let boundTarget;
      const get = builtin(`get ${String(key)}`, 0, (receiver) => {
        const real = intlReceiver(receiver, Wrapper, legacy);
        const value = call(getter, real);
        if (typeof value !== 'function') return wrapIntlResult(value);
        let bound = call(WeakMapGet, intlBound, receiver);
        if (bound === undefined) {
          bound = new MapCtor();
          call(WeakMapSet, intlBound, receiver, bound);
        }
        let fn = call(MapGet, bound, key);
        if (fn === undefined) {
          if (boundTarget === undefined) {
            boundTarget = builtin('', value.length, (self, nt, ...a) => ReflectApply(call(getter, intlReceiver(self, Wrapper, legacy)), undefined, a));
          }
          fn = ReflectApply(FunctionPrototypeBind, boundTarget, [receiver]);
          ObjectDefineProperty(fn, 'name', { __proto__: null, value: '', writable: false, enumerable: false, configurable: true });
          call(MapSet, bound, key, fn);
        }
        return fn;
      });
      ObjectDefineProperty(proto, key, { __proto__: null, get, set: undefined, enumerable: desc.enumerable, configurable: desc.configurable });
    } else if (typeof desc.value === 'function') {
      const method = desc.value;
      ObjectDefineProperty(proto, key, {
        __proto__: null,
        value: builtin(String(key), method.length, (receiver, nt, ...a) =>
          wrapIntlResult(ReflectApply(method, intlReceiver(receiver, Wrapper, legacy), a))),
        writable: desc.writable,
        enumerable: desc.enumerable,
        configurable: desc.configurable,
      });
    } else {
      ObjectDefineProperty(proto, key, desc);
    }
  }
  const statics = ObjectGetOwnPropertyNames(Real);
  for (let k = 0; k < statics.length; k++) {
    const key = statics[k];
    if (key === 'prototype' || key === 'length' || key === 'name') continue;
    const desc = ObjectGetOwnPropertyDescriptor(Real, key);
    if (typeof desc.value === 'function') {
      const fn = desc.value;
      desc.value = builtin(key, fn.length, (receiver, nt, locales, options) => ReflectApply(fn, Real, [realLocales(locales), options]));
    }
    ObjectDefineProperty(Wrapper, key, desc);
  }
  call(MapSet, intlWrappers, Real, Wrapper);
  hidden(RealIntl, name, Wrapper);
  return Wrapper;
}

let LocaleWrapper;
if (RealIntl !== undefined) {
  LocaleWrapper = wrapIntl('Locale', false, false);
  wrapIntl('Collator', true, false);
  wrapIntl('DateTimeFormat', true, true);
  wrapIntl('NumberFormat', true, true);
  wrapIntl('PluralRules', false, false);
  wrapIntl('RelativeTimeFormat', false, false);
  wrapIntl('ListFormat', false, false);
  wrapIntl('DisplayNames', false, false);
  wrapIntl('Segmenter', false, false);
  // Intl.getCanonicalLocales reads locales too.
  const getCanonicalLocales = RealIntl.getCanonicalLocales;
  hidden(RealIntl, 'getCanonicalLocales', builtin('getCanonicalLocales', 1, (receiver, nt, locales) =>
    ReflectApply(getCanonicalLocales, RealIntl, [realLocales(locales)])));
}

