// ------------------------------------------------------------ WebAssembly
// V8 keeps a compiled module's code outside the JavaScript heap, and its
// snapshot cannot hold a WebAssembly.Module, an Instance or an exported
// function (the checkpoint child dies on a CHECK). So, as with Intl,
// Module and Instance are wrappers whose instances keep in the heap what
// rebuilds them, and the real objects live in wasmRealCache, dropped just
// before every checkpoint (beforeSnapshot) and rebuilt lazily after a
// restore:
// - a Module keeps a copy of its bytes and is compiled again from them;
// - an Instance keeps its module, the import values it was given (read
//   once, in V8's order) and the Memory it uses, and is instantiated again
//   from them, without running the start function again, the memory's
//   contents kept as they were (the active data segments that
//   instantiation writes again are undone);
// - a memory the module defines itself is moved, in the bytes compiled,
//   into an import that kenshell fills with a WebAssembly.Memory of the
//   same limits: V8 can snapshot a Memory (its bytes), so the one in
//   instance.exports is the very object the instance runs on, before and
//   after a restore; the module's own globals (numeric ones, with constant
//   initializers) become imports of WebAssembly.Global objects the same
//   way, so their values persist, exported or not;
// - exported functions are native functions (name and length as V8's)
//   that call the live instance's export; given back as imports they are
//   handed over as the real wasm function, as V8 would see them.
// Memory, Table and Global made by their constructors are V8's own.
let wasmRealCache = new WeakMapCtor(); // wrapper -> real object(s) (never saved)
{
  const RealWasm = globalThis.WebAssembly;
  if (RealWasm !== undefined && RealWasm !== null && typeof RealWasm === 'object') {
    const RealModule = RealWasm.Module;
    const RealInstance = RealWasm.Instance;
    const RealMemory = RealWasm.Memory;
    const RealGlobal = RealWasm.Global;
    const GlobalValueGet = ObjectGetOwnPropertyDescriptor(RealGlobal.prototype, 'value').get;
    const BigIntCtor = BigInt;
    const BigIntAsIntN = BigInt.asIntN;
    const DataViewCtor = DataView;
    const DataViewGetFloat32 = uncurry(DataView.prototype.getFloat32);
    const DataViewGetFloat64 = uncurry(DataView.prototype.getFloat64);
    const RealCompile = RealWasm.compile;
    const RealInstantiate = RealWasm.instantiate;
    const RealValidate = RealWasm.validate;
    const ModuleImports = RealModule.imports;
    const ModuleExports = RealModule.exports;
    const ModuleCustomSections = RealModule.customSections;
    const InstanceExportsGet = ObjectGetOwnPropertyDescriptor(RealInstance.prototype, 'exports').get;
    const MemoryBufferGet = ObjectGetOwnPropertyDescriptor(RealMemory.prototype, 'buffer').get;
    const Uint8ArrayCtor = Uint8Array;
    const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
    const TypedArraySet = uncurry(TypedArrayPrototype.set);
    const TypedArraySlice = uncurry(TypedArrayPrototype.slice);
    const TypedArrayBufferGet = uncurry(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get);
    const TypedArrayByteOffsetGet = uncurry(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get);
    const TypedArrayByteLengthGet = uncurry(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get);
    const DataViewBufferGet = uncurry(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'buffer').get);
    const DataViewByteOffsetGet = uncurry(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get);
    const DataViewByteLengthGet = uncurry(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteLength').get);
    const ObjectPrototypeHasOwnProperty = uncurry(Object.prototype.hasOwnProperty);

    const moduleBytes = new WeakMapCtor(); // Module wrapper -> Uint8Array copy of its bytes (saved)
    const instanceState = new WeakMapCtor(); // Instance wrapper -> frozen record (saved)
    const exportedFunctions = new WeakMapCtor(); // export wrapper -> [Instance wrapper, export name] (saved)
    const KENSHELL_IMPORT = '\u0000kenshell';

    // A private copy of a buffer source's bytes (undefined if it is not one).
    const bytesOf = (source) => {
      const tag = host.typeTag(source);
      let buffer, offset, length;
      if (tag === 'arraybuffer') {
        buffer = source;
        offset = 0;
        length = undefined;
      } else if (tag === 'typedarray') {
        buffer = TypedArrayBufferGet(source);
        offset = TypedArrayByteOffsetGet(source);
        length = TypedArrayByteLengthGet(source);
      } else if (tag === 'dataview') {
        buffer = DataViewBufferGet(source);
        offset = DataViewByteOffsetGet(source);
        length = DataViewByteLengthGet(source);
      } else {
        return undefined;
      }
      return TypedArraySlice(new Uint8ArrayCtor(buffer, offset, length));
    };

    // ---- the binary rewrite (WebAssembly 1.0 section layout)
    const readLeb = (bytes, pos) => {
      let result = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[pos++];
        result += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if ((b & 0x80) === 0) return [result, pos];
      }
    };
    const leb = (out, n) => {
      do {
        let b = n % 128;
        n = MathFloor(n / 128);
        if (n > 0) b |= 0x80;
        append(out, b);
      } while (n > 0);
    };
    const appendRange = (out, bytes, start, end) => {
      for (let i = start; i < end; i++) append(out, bytes[i]);
    };
    const appendName = (out, text) => {
      leb(out, text.length);
      for (let i = 0; i < text.length; i++) append(out, StringPrototypeCharCodeAt(text, i));
    };
    // Signed LEB128 as a Number (i32) or a BigInt (i64).
    const readSignedLeb = (bytes, pos, big) => {
      let result = big ? BigIntCtor(0) : 0;
      let shift = 0;
      let b;
      do {
        b = bytes[pos++];
        if (big) result += BigIntCtor(b & 0x7f) << BigIntCtor(shift);
        else result += (b & 0x7f) * 2 ** shift;
        shift += 7;
      } while (b & 0x80);
      if (b & 0x40) result -= big ? BigIntCtor(1) << BigIntCtor(shift) : 2 ** shift;
      return [big ? BigIntAsIntN(64, result) : result, pos];
    };
    const readLimits = (bytes, pos) => {
      const flags = bytes[pos++];
      pos = readLeb(bytes, pos)[1];
      if (flags & 1) pos = readLeb(bytes, pos)[1];
      return pos;
    };
    const NUMERIC = { __proto__: null, 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };
    // The module's own globals, if every one is numeric with a constant or
    // global.get initializer (what kenshell can give as an import):
    // [[type, mutable, init kind, init value], ...]; else undefined.
    const ownGlobals = (bytes, contentStart) => {
      const [count, start] = readLeb(bytes, contentStart);
      let pos = start;
      const globals = [];
      for (let i = 0; i < count; i++) {
        const type = NUMERIC[bytes[pos]];
        const mutable = bytes[pos + 1] === 1;
        const op = bytes[pos + 2];
        pos += 3;
        if (type === undefined) return undefined;
        let value;
        if (op === 0x41) [value, pos] = readSignedLeb(bytes, pos, false);
        else if (op === 0x42) [value, pos] = readSignedLeb(bytes, pos, true);
        else if (op === 0x43) { value = DataViewGetFloat32(new DataViewCtor(TypedArraySlice(bytes, pos, pos + 4).buffer), 0, true); pos += 4; }
        else if (op === 0x44) { value = DataViewGetFloat64(new DataViewCtor(TypedArraySlice(bytes, pos, pos + 8).buffer), 0, true); pos += 8; }
        else if (op === 0x23) [value, pos] = readLeb(bytes, pos);
        else return undefined;
        if (bytes[pos++] !== 0x0b) return undefined;
        append(globals, ObjectFreeze([type, mutable, op, value]));
      }
      return ObjectFreeze(globals);
    };
    // The module's bytes with what V8 cannot snapshot in an instance turned
    // into imports that kenshell fills with objects V8 can snapshot: its own
    // memory (a Memory of the same limits) and its own globals (a Global
    // each, initialized as the module would), appended after the module's
    // imports; and without the start function if dropStart. Indexes do not
    // move: imports are numbered first, in order, per kind, and the new ones
    // come last, in the order the module defined them.
    // Returns [bytes, memory limits bytes or undefined, globals or undefined].
    const rewrite = (bytes, dropStart) => {
      const sections = [];
      let pos = 8;
      while (pos < bytes.length) {
        const id = bytes[pos];
        const [size, contentStart] = readLeb(bytes, pos + 1);
        append(sections, [id, pos, contentStart, contentStart + size]);
        pos = contentStart + size;
      }
      let limits;
      let globals;
      for (let i = 0; i < sections.length; i++) {
        const [id, , contentStart, end] = sections[i];
        if (id === 5) {
          const [count, at] = readLeb(bytes, contentStart);
          // memory64 and other future flags are left alone.
          if (count === 1 && bytes[at] <= 3) limits = TypedArraySlice(bytes, at, end);
        } else if (id === 6) {
          globals = ownGlobals(bytes, contentStart);
        }
      }
      const newImport = [];
      let added = 0;
      if (limits !== undefined) {
        appendName(newImport, KENSHELL_IMPORT);
        appendName(newImport, 'memory');
        append(newImport, 2);
        appendRange(newImport, limits, 0, limits.length);
        added++;
      }
      if (globals !== undefined) {
        for (let j = 0; j < globals.length; j++) {
          appendName(newImport, KENSHELL_IMPORT);
          appendName(newImport, `global${j}`);
          append(newImport, 3);
          append(newImport, globals[j][0] === 'i32' ? 0x7f : globals[j][0] === 'i64' ? 0x7e : globals[j][0] === 'f32' ? 0x7d : 0x7c);
          append(newImport, globals[j][1] ? 1 : 0);
          added++;
        }
      }
      const out = [];
      appendRange(out, bytes, 0, 8);
      let importDone = added === 0;
      const emitImports = (oldContentStart, oldEnd) => {
        const content = [];
        let count = 0;
        let at = oldEnd;
        if (oldContentStart !== undefined) [count, at] = readLeb(bytes, oldContentStart);
        leb(content, count + added);
        appendRange(content, bytes, at, oldEnd);
        appendRange(content, newImport, 0, newImport.length);
        append(out, 2);
        leb(out, content.length);
        appendRange(out, content, 0, content.length);
        importDone = true;
      };
      for (let i = 0; i < sections.length; i++) {
        const [id, start, contentStart, end] = sections[i];
        if (!importDone && id === 2) {
          emitImports(contentStart, end);
          continue;
        }
        if (!importDone && id !== 0 && id !== 1) emitImports(undefined, 0);
        if (id === 5 && limits !== undefined) continue;
        if (id === 6 && globals !== undefined) continue;
        if (id === 8 && dropStart) continue;
        appendRange(out, bytes, start, end);
      }
      if (!importDone) emitImports(undefined, 0);
      return [new Uint8ArrayCtor(out), limits, globals];
    };
    // For each import, in order: the value type of a global import
    // ('i32'...), else undefined.
    const importTypes = (bytes) => {
      const types = [];
      let pos = 8;
      while (pos < bytes.length) {
        const id = bytes[pos];
        const [size, contentStart] = readLeb(bytes, pos + 1);
        if (id === 2) {
          let [count, at] = readLeb(bytes, contentStart);
          for (let i = 0; i < count; i++) {
            for (let n = 0; n < 2; n++) {
              const [length, text] = readLeb(bytes, at);
              at = text + length;
            }
            const kind = bytes[at++];
            let type;
            if (kind === 0) at = readLeb(bytes, at)[1];
            else if (kind === 1) at = readLimits(bytes, at + 1);
            else if (kind === 2) at = readLimits(bytes, at);
            else if (kind === 3) { type = NUMERIC[bytes[at]]; at += 2; }
            else if (kind === 4) at = readLeb(bytes, at + 1)[1];
            append(types, type);
          }
        }
        pos = contentStart + size;
      }
      return types;
    };
    // A Global for each of the module's own, with its initial value; a
    // global.get reads the value given for that imported global.
    const makeGlobals = (globals, imports, declaredImports) => {
      if (globals === undefined) return undefined;
      const importedGlobals = [];
      for (let i = 0; i < declaredImports.length; i++) {
        if (declaredImports[i].kind === 'global') append(importedGlobals, declaredImports[i]);
      }
      const made = [];
      for (let j = 0; j < globals.length; j++) {
        const [type, mutable, op, init] = globals[j];
        let value = init;
        if (op === 0x23) {
          const source = importedGlobals[init];
          value = imports[source.module][source.name];
          if (typeof value === 'object' && value !== null) value = call(GlobalValueGet, value);
        }
        append(made, new RealGlobal({ __proto__: null, value: type, mutable }, value));
      }
      return ObjectFreeze(made);
    };
    const memoryDescriptor = (limits) => {
      const flags = limits[0];
      const [initial, at] = readLeb(limits, 1);
      const descriptor = { __proto__: null, initial };
      if (flags & 1) descriptor.maximum = readLeb(limits, at)[0];
      if (flags & 2) descriptor.shared = true;
      return descriptor;
    };

    // ---- Module
    // The real objects behind a Module wrapper: the module as given (for
    // imports/exports/customSections), the one first instantiated and the
    // one instantiated again after a restore (both rewritten).
    const moduleRecord = (wrapper) => {
      let record = call(WeakMapGet, wasmRealCache, wrapper);
      if (record === undefined) {
        const bytes = call(WeakMapGet, moduleBytes, wrapper);
        if (bytes === undefined) return undefined;
        record = { __proto__: null, original: ReflectConstruct(RealModule, [bytes]), first: undefined, again: undefined, limits: undefined, globals: undefined };
        call(WeakMapSet, wasmRealCache, wrapper, record);
      }
      return record;
    };
    const compiledFor = (wrapper, again) => {
      const record = moduleRecord(wrapper);
      const key = again ? 'again' : 'first';
      if (record[key] === undefined) {
        const [bytes, limits, globals] = rewrite(call(WeakMapGet, moduleBytes, wrapper), again);
        record.limits = limits;
        record.globals = globals;
        record[key] = ReflectConstruct(RealModule, [bytes]);
      }
      return record[key];
    };
    const realModuleOf = (value) => {
      if (!isWasmModule(value)) return value;
      return moduleRecord(value).original;
    };
    const isWasmModule = (value) =>
      ((typeof value === 'object' && value !== null) || typeof value === 'function') && call(WeakMapHas, moduleBytes, value);

    const ModulePrototype = {};
    const adoptModule = (proto, real, bytes) => {
      const self = ObjectCreate(proto);
      call(WeakMapSet, moduleBytes, self, bytes);
      call(WeakMapSet, wasmRealCache, self, { __proto__: null, original: real, first: undefined, again: undefined, limits: undefined, globals: undefined });
      return self;
    };
    const Module = builtin('Module', RealModule.length, (receiver, newTarget, ...args) => {
      // V8's own errors: no `new`, not a buffer source, bytes that do not compile.
      if (newTarget === undefined) return ReflectApply(RealModule, receiver, args);
      const real = ReflectConstruct(RealModule, args);
      return adoptModule(createFromConstructor(newTarget, ModulePrototype), real, bytesOf(args[0]));
    }, true);
    builtinClass(Module, ModulePrototype);
    const staticOnModule = (name, fn) => {
      hidden(Module, name, builtin(name, fn.length, (receiver, nt, ...args) => {
        if (args.length > 0) args[0] = realModuleOf(args[0]);
        return ReflectApply(fn, RealModule, args);
      }));
    };
    staticOnModule('exports', ModuleExports);
    staticOnModule('imports', ModuleImports);
    staticOnModule('customSections', ModuleCustomSections);

    // ---- Instance
    const realInstanceOf = (wrapper) => {
      let real = call(WeakMapGet, wasmRealCache, wrapper);
      if (real !== undefined) return real;
      // After a restore: instantiate again, without the start function;
      // what the data segments write into memory is undone.
      const state = call(WeakMapGet, instanceState, wrapper);
      const compiled = compiledFor(state.module, true);
      const memory = state.memory;
      const saved = memory === undefined ? undefined : TypedArraySlice(new Uint8ArrayCtor(call(MemoryBufferGet, memory)));
      real = ReflectConstruct(RealInstance, [compiled, realImports(state.imports, state.ownMemory, state.ownGlobals)]);
      if (saved !== undefined) TypedArraySet(new Uint8ArrayCtor(call(MemoryBufferGet, memory)), saved);
      call(WeakMapSet, wasmRealCache, wrapper, real);
      return real;
    };
    // The import object V8 is given: the values read at instantiation, with
    // exported-function wrappers handed over as the real wasm functions.
    const realImports = (imports, ownMemory, ownGlobals) => {
      const out = { __proto__: null };
      const modules = ObjectGetOwnPropertyNames(imports);
      for (let i = 0; i < modules.length; i++) {
        const source = imports[modules[i]];
        const target = { __proto__: null };
        const names = ObjectGetOwnPropertyNames(source);
        for (let j = 0; j < names.length; j++) {
          let value = source[names[j]];
          const exported = typeof value === 'function' ? call(WeakMapGet, exportedFunctions, value) : undefined;
          if (exported !== undefined) value = InstanceExportsGetter(realInstanceOf(exported[0]))[exported[1]];
          ObjectDefineProperty(target, names[j], { __proto__: null, value, enumerable: true });
        }
        ObjectDefineProperty(out, modules[i], { __proto__: null, value: target, enumerable: true });
      }
      if (ownMemory !== undefined || ownGlobals !== undefined) {
        const own = { __proto__: null, memory: ownMemory };
        if (ownGlobals !== undefined) {
          for (let j = 0; j < ownGlobals.length; j++) own[`global${j}`] = ownGlobals[j];
        }
        ObjectDefineProperty(out, KENSHELL_IMPORT, { __proto__: null, value: own, enumerable: true });
      }
      return out;
    };
    const InstanceExportsGetter = (real) => call(InstanceExportsGet, real);

    const InstancePrototype = {};
    const Instance = builtin('Instance', RealInstance.length, (receiver, newTarget, ...args) => {
      if (newTarget === undefined || !isWasmModule(args[0])) {
        // V8's own errors (no `new`, not a module). Only a wrapped module
        // gets here with a real one, and V8 refuses it.
        if (newTarget === undefined) return ReflectApply(RealInstance, receiver, args);
        return ReflectConstruct(RealInstance, args);
      }
      const module = args[0];
      const importObject = args[1];
      const original = moduleRecord(module).original;
      const declared = ModuleImports(original);
      if (declared.length > 0 && !((typeof importObject === 'object' && importObject !== null) || typeof importObject === 'function')) {
        ReflectConstruct(RealInstance, [original, importObject]); // throws V8's TypeError
      }
      // Read each import once, in V8's order (module object, then value).
      const imports = { __proto__: null };
      const primitiveGlobals = [];
      let memory;
      for (let i = 0; i < declared.length; i++) {
        const { module: moduleName, name, kind } = declared[i];
        const moduleObject = importObject[moduleName];
        if (!((typeof moduleObject === 'object' && moduleObject !== null) || typeof moduleObject === 'function')) {
          ReflectConstruct(RealInstance, [original, importObject]); // throws V8's TypeError
        }
        const value = moduleObject[name];
        if (!ObjectPrototypeHasOwnProperty(imports, moduleName)) {
          ObjectDefineProperty(imports, moduleName, { __proto__: null, value: { __proto__: null }, enumerable: true });
        }
        ObjectDefineProperty(imports[moduleName], name, { __proto__: null, value, enumerable: true, configurable: true });
        if (kind === 'memory') memory = value;
        if (kind === 'global') append(primitiveGlobals, [i, moduleName, name]);
      }
      // A global imported as a number or BigInt is given to V8 as a Global
      // of its own (V8 would make one bound to the instance if it is
      // exported again, which no snapshot can hold).
      if (primitiveGlobals.length > 0) {
        const types = importTypes(call(WeakMapGet, moduleBytes, module));
        try {
          for (let g = 0; g < primitiveGlobals.length; g++) {
            const [index, moduleName, name] = primitiveGlobals[g];
            const value = imports[moduleName][name];
            if ((typeof value === 'object' && value !== null) || typeof value === 'function' || types[index] === undefined) continue;
            const made = new RealGlobal({ __proto__: null, value: types[index], mutable: false }, value);
            ObjectDefineProperty(imports[moduleName], name, { __proto__: null, value: made, enumerable: true, configurable: true });
          }
        } catch (error) {
          // A value that does not fit the type: V8's own LinkError.
          ReflectConstruct(RealInstance, [original, realImports(imports, undefined, undefined)]);
          throw error;
        }
      }
      const compiled = compiledFor(module, false);
      const limits = moduleRecord(module).limits;
      const ownMemory = limits === undefined ? undefined : new RealMemory(memoryDescriptor(limits));
      if (ownMemory !== undefined) memory = ownMemory;
      let ownGlobals;
      try {
        ownGlobals = makeGlobals(moduleRecord(module).globals, imports, declared);
      } catch (error) {
        // An imported global's value does not fit: V8's own LinkError.
        ReflectConstruct(RealInstance, [original, realImports(imports, undefined, undefined)]);
        throw error;
      }
      const real = ReflectConstruct(RealInstance, [compiled, realImports(imports, ownMemory, ownGlobals)]);
      const self = createFromConstructor(newTarget, InstancePrototype);
      // The exports object, as V8 makes it: null prototype, export order, frozen.
      const realExports = InstanceExportsGetter(real);
      const exportsObject = { __proto__: null };
      const wrappers = new MapCtor();
      const declaredExports = ModuleExports(original);
      for (let i = 0; i < declaredExports.length; i++) {
        const { name, kind } = declaredExports[i];
        let value = realExports[name];
        if (kind === 'function') {
          let wrapper = call(MapGet, wrappers, value);
          if (wrapper === undefined) {
            wrapper = builtin(value.name, value.length, (r, nt, ...a) =>
              ReflectApply(InstanceExportsGetter(realInstanceOf(self))[name], undefined, a));
            call(WeakMapSet, exportedFunctions, wrapper, ObjectFreeze([self, name]));
            call(MapSet, wrappers, value, wrapper);
          }
          value = wrapper;
        }
        ObjectDefineProperty(exportsObject, name, { __proto__: null, value, enumerable: true });
      }
      ObjectFreeze(exportsObject);
      call(WeakMapSet, instanceState, self, ObjectFreeze({
        __proto__: null,
        module,
        imports,
        memory,
        ownMemory,
        ownGlobals,
        exports: exportsObject,
      }));
      call(WeakMapSet, wasmRealCache, self, real);
      return self;
    }, true);
    builtinClass(Instance, InstancePrototype);
    const exportsGetter = builtin('get exports', 0, (receiver) => {
      const state = (typeof receiver === 'object' && receiver !== null) ? call(WeakMapGet, instanceState, receiver) : undefined;
      if (state === undefined) return call(InstanceExportsGet, receiver); // V8's error
      return state.exports;
    });
    const exportsDescriptor = ObjectGetOwnPropertyDescriptor(RealInstance.prototype, 'exports');
    ObjectDefineProperty(InstancePrototype, 'exports', { __proto__: null, get: exportsGetter, set: undefined, enumerable: exportsDescriptor.enumerable, configurable: exportsDescriptor.configurable });

    // The rest of each prototype (Symbol.toStringTag) as V8's.
    const copyRest = (from, to) => {
      const keys = ReflectOwnKeys(from);
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] === 'constructor' || keys[i] === 'exports') continue;
        ObjectDefineProperty(to, keys[i], ObjectGetOwnPropertyDescriptor(from, keys[i]));
      }
    };
    copyRest(RealModule.prototype, ModulePrototype);
    copyRest(RealInstance.prototype, InstancePrototype);

    // ---- compile, instantiate
    // V8 compiles these in the background and settles the promise from a
    // task posted later, at a time no replay can reproduce. kenshell
    // compiles synchronously in a microtask instead, so the promise settles
    // within the turn, the same way on every replay. Errors are V8's own,
    // named after the function called, as V8 names them.
    const renamed = (error, name) => {
      if (typeof error !== 'object' || error === null || typeof error.message !== 'string') return error;
      const message = error.message;
      const prefixes = ['WebAssembly.Module()', 'WebAssembly.Instance()'];
      for (let i = 0; i < prefixes.length; i++) {
        const from = prefixes[i];
        if (StringPrototypeSlice(message, 0, from.length) === from) {
          const Ctor = ObjectGetPrototypeOf(error).constructor;
          return new Ctor(`${name}${StringPrototypeSlice(message, from.length)}`);
        }
      }
      return error;
    };
    const settle = (name, work) => PromisePrototypeThen(PromiseResolve(undefined), () => {
      try {
        return work();
      } catch (error) {
        throw renamed(error, name);
      }
    });
    const compileNow = (source, bytes) => {
      // Not a buffer source, bytes that do not compile: V8's error.
      if (bytes === undefined) ReflectConstruct(RealModule, [source]);
      return adoptModule(ModulePrototype, ReflectConstruct(RealModule, [bytes]), bytes);
    };
    const compile = builtin('compile', 1, (receiver, nt, source) => {
      const bytes = bytesOf(source); // read now, as V8 does
      return settle('WebAssembly.compile()', () => compileNow(source, bytes));
    });
    const instantiate = builtin('instantiate', 1, (receiver, nt, source, importObject) => {
      if (isWasmModule(source)) {
        return settle('WebAssembly.instantiate()', () => ReflectConstruct(Instance, [source, importObject]));
      }
      const bytes = bytesOf(source);
      return settle('WebAssembly.instantiate()', () => {
        if (bytes === undefined) {
          // Neither a buffer source nor a module: V8's rejection.
          return ReflectApply(RealInstantiate, RealWasm, [source, importObject]);
        }
        const module = compileNow(source, bytes);
        const instance = ReflectConstruct(Instance, [module, importObject]);
        return { module, instance };
      });
    });
    hidden(RealWasm, 'Module', Module);
    hidden(RealWasm, 'Instance', Instance);
    hidden(RealWasm, 'compile', compile);
    hidden(RealWasm, 'instantiate', instantiate);
  }
}
