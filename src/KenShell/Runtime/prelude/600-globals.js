// ------------------------------------------------ globalThis, as Node shows it
// Node's global object carries Symbol.toStringTag 'global' and a `global`
// alias of itself, and its timer functions are enumerable, so it prints as
// `<ref *1> Object [global] { global: [Circular *1], clearImmediate: ... }`.
// The same here, in Node's order (structuredClone, atob and btoa follow in
// section 760); fetch is missing, and performance and crypto stay
// non-enumerable (README: Differences from Node).
ObjectDefineProperty(globalThis, SymbolToStringTag, { __proto__: null, value: 'global', writable: false, enumerable: false, configurable: true });
ObjectDefineProperty(globalThis, 'global', { __proto__: null, value: globalThis, writable: true, enumerable: true, configurable: true });
{
  const names = ['clearImmediate', 'setImmediate', 'clearInterval', 'clearTimeout', 'setInterval', 'setTimeout', 'queueMicrotask'];
  for (let i = 0; i < names.length; i++) {
    const desc = ObjectGetOwnPropertyDescriptor(globalThis, names[i]);
    delete globalThis[names[i]];
    desc.enumerable = true;
    ObjectDefineProperty(globalThis, names[i], desc);
  }
}

