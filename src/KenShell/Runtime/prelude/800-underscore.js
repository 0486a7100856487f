// ---------------------------------------------------------- _ and _error
// As in Node's REPL: _ is the last result and _error the last uncaught
// error, until the user assigns to them.
let lastResult;
let lastError;
let underscoreMode = 0; // bit 1: _ assigned by the user, bit 2: _error assigned
function replVariable(name, bit, get) {
  ObjectDefineProperty(globalThis, name, {
    __proto__: null,
    get,
    set(value) {
      underscoreMode |= bit;
      ObjectDefineProperty(globalThis, name, { __proto__: null, value, writable: true, enumerable: false, configurable: true });
      write(STDOUT, `Expression assignment to ${name} now disabled.`);
    },
    enumerable: false,
    configurable: true,
  });
}
replVariable('_', 1, () => lastResult);
replVariable('_error', 2, () => lastError);

