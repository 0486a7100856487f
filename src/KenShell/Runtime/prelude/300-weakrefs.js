// -------------------------------------------- WeakRef, FinalizationRegistry
// A FinalizationRegistry with pending cells cannot be snapshotted by V8,
// and when garbage collection happens is not reproducible across a restore.
// Both replacements conform to the spec, which never promises collection:
// a WeakRef that always derefs to its target, a registry that never calls
// back (but remembers its unregister tokens, so unregister answers as V8's
// does). Their functions are native-looking (host.nativeFunction): names,
// lengths, toString, prototypes and receiver checks as V8 10.2's.
const SymbolKeyFor = Symbol.keyFor;
const ObjectPrototypeToString = uncurry(Object.prototype.toString);

// A built-in function: impl(receiver, newTarget, ...args).
function builtin(name, length, impl, constructible = false) {
  return host.nativeFunction(name, length, impl, constructible);
}
function builtinMethod(target, name, length, impl) {
  ObjectDefineProperty(target, name, { __proto__: null, value: builtin(name, length, impl), writable: true, enumerable: false, configurable: true });
}
// A constructor's prototype object, wired as V8 wires a built-in's.
function builtinClass(Ctor, proto, tag) {
  ObjectDefineProperty(Ctor, 'prototype', { __proto__: null, value: proto, writable: false, enumerable: false, configurable: false });
  ObjectDefineProperty(proto, 'constructor', { __proto__: null, value: Ctor, writable: true, enumerable: false, configurable: true });
  if (tag !== undefined) {
    ObjectDefineProperty(proto, Symbol.toStringTag, { __proto__: null, value: tag, writable: false, enumerable: false, configurable: true });
  }
}
// OrdinaryCreateFromConstructor: newTarget's prototype, or the intrinsic one.
function createFromConstructor(newTarget, fallback) {
  const proto = newTarget.prototype;
  return ObjectCreate((typeof proto === 'object' && proto !== null) || typeof proto === 'function' ? proto : fallback);
}
function receiverText(value) {
  if (typeof value === 'symbol') return SymbolPrototypeToString(value);
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') return '#<Object>';
  return `${value}`;
}
function incompatibleReceiver(method, receiver) {
  return new TypeErrorCtor(`Method ${method} called on incompatible receiver ${receiverText(receiver)}`);
}
// CanBeHeldWeakly (V8 10.2 accepts symbols that are not registered).
function canBeHeldWeakly(value) {
  if (typeof value === 'symbol') return SymbolKeyFor(value) === undefined;
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

const weakRefTargets = new WeakMapCtor(); // WeakRef -> target (held, never collected)
const WeakRefPrototype = {};
const WeakRef = builtin('WeakRef', 1, (receiver, newTarget, target) => {
  if (newTarget === undefined) throw new TypeErrorCtor("Constructor WeakRef requires 'new'");
  if (!canBeHeldWeakly(target)) throw new TypeErrorCtor('WeakRef: invalid target');
  const self = createFromConstructor(newTarget, WeakRefPrototype);
  call(WeakMapSet, weakRefTargets, self, target);
  return self;
}, true);
builtinClass(WeakRef, WeakRefPrototype, 'WeakRef');
builtinMethod(WeakRefPrototype, 'deref', 0, (receiver) => {
  if (!call(WeakMapHas, weakRefTargets, receiver)) throw incompatibleReceiver('WeakRef.prototype.deref', receiver);
  return call(WeakMapGet, weakRefTargets, receiver);
});

const registryTokens = new WeakMapCtor(); // FinalizationRegistry -> WeakMap token -> cells registered with it
const FinalizationRegistryPrototype = {};
const FinalizationRegistry = builtin('FinalizationRegistry', 1, (receiver, newTarget, cleanupCallback) => {
  if (newTarget === undefined) throw new TypeErrorCtor("Constructor FinalizationRegistry requires 'new'");
  if (typeof cleanupCallback !== 'function') throw new TypeErrorCtor('FinalizationRegistry: cleanup must be callable');
  const self = createFromConstructor(newTarget, FinalizationRegistryPrototype);
  call(WeakMapSet, registryTokens, self, new WeakMapCtor());
  return self;
}, true);
builtinClass(FinalizationRegistry, FinalizationRegistryPrototype, 'FinalizationRegistry');
function registryState(receiver, method) {
  const tokens = call(WeakMapGet, registryTokens, receiver);
  if (tokens === undefined) throw incompatibleReceiver(`FinalizationRegistry.prototype.${method}`, receiver);
  return tokens;
}
function invalidToken(token) {
  return new TypeErrorCtor(`Invalid unregisterToken ('${receiverText(token)}')`);
}
builtinMethod(FinalizationRegistryPrototype, 'register', 2, (receiver, newTarget, target, heldValue, unregisterToken) => {
  const tokens = registryState(receiver, 'register');
  if (!canBeHeldWeakly(target)) throw new TypeErrorCtor('FinalizationRegistry.prototype.register: invalid target');
  if (target === heldValue) throw new TypeErrorCtor('FinalizationRegistry.prototype.register: target and holdings must not be same');
  if (unregisterToken !== undefined) {
    if (!canBeHeldWeakly(unregisterToken)) throw invalidToken(unregisterToken);
    call(WeakMapSet, tokens, unregisterToken, (call(WeakMapGet, tokens, unregisterToken) ?? 0) + 1);
  }
  return undefined;
});
builtinMethod(FinalizationRegistryPrototype, 'unregister', 1, (receiver, newTarget, unregisterToken) => {
  const tokens = registryState(receiver, 'unregister');
  if (!canBeHeldWeakly(unregisterToken)) throw invalidToken(unregisterToken);
  // The cells are never cleaned up, so every one registered is still there.
  if (!call(WeakMapHas, tokens, unregisterToken)) return false;
  call(WeakMapDelete, tokens, unregisterToken);
  return true;
});
hidden(globalThis, 'WeakRef', WeakRef);
hidden(globalThis, 'FinalizationRegistry', FinalizationRegistry);

