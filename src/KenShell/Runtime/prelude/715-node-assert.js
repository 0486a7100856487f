// ------------------------------------------------------------ node:assert
// The vendored npm `assert` (Node 12's assert, as bundlers ship it), over
// the vendored util with kenshell's inspect (see 714).
defineBuiltinModule('assert', () => {
  loadVendoredUtil();
  return requireVendored('assert/');
});
defineBuiltinModule('assert/strict', () => requireBuiltin('assert').strict);
