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
// Called by beforeSnapshot, before wasmRealCache is dropped: copies what
// only the real objects hold (a table's entries) into what is saved.
let wasmBeforeSnapshot = () => {};
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
    const REFERENCE = { __proto__: null, 0x70: 'anyfunc', 0x6f: 'externref' };
    const TYPE_BYTE = { __proto__: null, i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, anyfunc: 0x70, externref: 0x6f };
    // The module's own globals, if every one is numeric with a constant or
    // global.get initializer, or a funcref or externref one with a ref.null
    // initializer or (if mutable) ref.func (what kenshell can give as an
    // import): [[type, mutable, init kind, init value], ...]; else undefined.
    const ownGlobals = (bytes, contentStart) => {
      const [count, start] = readLeb(bytes, contentStart);
      let pos = start;
      const globals = [];
      for (let i = 0; i < count; i++) {
        const type = NUMERIC[bytes[pos]];
        const reference = REFERENCE[bytes[pos]];
        const mutable = bytes[pos + 1] === 1;
        const op = bytes[pos + 2];
        pos += 3;
        if (reference !== undefined) {
          let value = null;
          if (op === 0xd0) pos++;
          else if (op === 0xd2 && mutable) [value, pos] = readLeb(bytes, pos);
          else return undefined;
          if (bytes[pos++] !== 0x0b) return undefined;
          append(globals, ObjectFreeze([reference, mutable, op, value]));
          continue;
        }
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
    // The module's own tables, if each is a plain funcref or externref one:
    // [[element type byte, limits bytes], ...]; else undefined.
    const ownTables = (bytes, contentStart, end) => {
      const [count, start] = readLeb(bytes, contentStart);
      let pos = start;
      const tables = [];
      for (let i = 0; i < count; i++) {
        const type = bytes[pos];
        if (type !== 0x70 && type !== 0x6f) return undefined;
        const limitsEnd = readLimits(bytes, pos + 1);
        append(tables, ObjectFreeze([type, TypedArraySlice(bytes, pos + 1, limitsEnd)]));
        pos = limitsEnd;
      }
      return pos === end ? ObjectFreeze(tables) : undefined;
    };
    // The number of imports of each kind: [functions, tables, memories, globals].
    const importCounts = (bytes) => {
      const counts = [0, 0, 0, 0, 0];
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
            if (kind === 0) at = readLeb(bytes, at)[1];
            else if (kind === 1) at = readLimits(bytes, at + 1);
            else if (kind === 2) at = readLimits(bytes, at);
            else if (kind === 3) at += 2;
            else if (kind === 4) at = readLeb(bytes, at + 1)[1];
            counts[kind]++;
          }
        }
        pos = contentStart + size;
      }
      return counts;
    };
    const hiddenExport = (index) => `${KENSHELL_IMPORT}:f${index}`;
    // The function indexes named in element segments and in globals'
    // ref.func initializers (each once), or undefined if a section is not
    // one kenshell can read.
    const referenced = (bytes, sections) => {
      const seen = { __proto__: null };
      const found = [];
      const note = (index) => {
        if (seen[index] !== true) {
          seen[index] = true;
          append(found, index);
        }
      };
      // A constant expression, up to and including its `end`; -1 if unknown.
      const skipExpression = (pos) => {
        for (;;) {
          const op = bytes[pos++];
          if (op === 0x0b) return pos;
          if (op === 0x41 || op === 0x42) pos = readSignedLeb(bytes, pos, op === 0x42)[1];
          else if (op === 0x43) pos += 4;
          else if (op === 0x44) pos += 8;
          else if (op === 0x23) pos = readLeb(bytes, pos)[1];
          else if (op === 0xd0) pos++;
          else if (op === 0xd2) { const [index, next] = readLeb(bytes, pos); note(index); pos = next; }
          else if (op === 0xfd && bytes[pos] === 12) pos += 17;
          else return -1;
        }
      };
      for (let i = 0; i < sections.length; i++) {
        const [id, , contentStart, end] = sections[i];
        if (id === 6) {
          let [count, pos] = readLeb(bytes, contentStart);
          for (let g = 0; g < count && pos >= 0; g++) pos = skipExpression(pos + 2);
          if (pos !== end) return undefined;
        } else if (id === 9) {
          let [count, pos] = readLeb(bytes, contentStart);
          for (let e = 0; e < count && pos >= 0; e++) {
            let flags;
            [flags, pos] = readLeb(bytes, pos);
            if (flags > 7) return undefined;
            if (flags === 2 || flags === 6) pos = readLeb(bytes, pos)[1]; // table index
            if ((flags & 1) === 0) pos = skipExpression(pos); // offset
            if (pos < 0) return undefined;
            if (flags !== 0 && flags !== 4) pos++; // element kind or reference type
            let items;
            [items, pos] = readLeb(bytes, pos);
            for (let k = 0; k < items && pos >= 0; k++) {
              if (flags & 4) {
                pos = skipExpression(pos);
              } else {
                const [index, next] = readLeb(bytes, pos);
                note(index);
                pos = next;
              }
            }
          }
          if (pos !== end) return undefined;
        }
      }
      return found;
    };
    // The module's bytes with what V8 cannot snapshot in an instance turned
    // into imports that kenshell fills with objects V8 can snapshot: its own
    // memory (a Memory of the same limits), its own globals (a Global
    // each, initialized as the module would) and its own tables (a Table
    // each, of the same type and limits), appended after the module's
    // imports; and without the start function if dropStart. Indexes do not
    // move: imports are numbered first, in order, per kind, and the new ones
    // come last, in the order the module defined them. Every function the
    // module has (imported ones too) is exported as well, under a name no
    // module can export (hiddenExport), so that a function taken out of a
    // table is known by its instance and index, and can be found again
    // after a restore.
    // Returns [bytes, memory limits bytes or undefined, globals or undefined,
    // tables or undefined, first defined function index, function count].
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
      let tables;
      let functionCount = 0;
      for (let i = 0; i < sections.length; i++) {
        const [id, , contentStart, end] = sections[i];
        if (id === 5) {
          const [count, at] = readLeb(bytes, contentStart);
          // memory64 and other future flags are left alone.
          if (count === 1 && bytes[at] <= 3) limits = TypedArraySlice(bytes, at, end);
        } else if (id === 6) {
          globals = ownGlobals(bytes, contentStart);
        } else if (id === 4) {
          tables = ownTables(bytes, contentStart, end);
        } else if (id === 3) {
          functionCount = readLeb(bytes, contentStart)[0];
        }
      }
      // Only a function named in an element segment or a global's ref.func
      // can get into a table or a global without being exported: those get
      // the hidden exports (V8 makes a function object for each export, at
      // every instantiation: about 2 µs each in Node 20).
      let hidden = referenced(bytes, sections);
      if (hidden === undefined) {
        // Sections kenshell cannot read: every function, to be safe.
        hidden = [];
        const total = importCounts(bytes)[0] + functionCount;
        for (let f = 0; f < total; f++) append(hidden, f);
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
          append(newImport, TYPE_BYTE[globals[j][0]]);
          append(newImport, globals[j][1] ? 1 : 0);
          added++;
        }
      }
      if (tables !== undefined) {
        for (let j = 0; j < tables.length; j++) {
          appendName(newImport, KENSHELL_IMPORT);
          appendName(newImport, `table${j}`);
          append(newImport, 1);
          append(newImport, tables[j][0]);
          appendRange(newImport, tables[j][1], 0, tables[j][1].length);
          added++;
        }
      }
      const out = [];
      appendRange(out, bytes, 0, 8);
      let importDone = added === 0;
      let exportDone = hidden.length === 0;
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
      const emitExports = (oldContentStart, oldEnd) => {
        const content = [];
        let count = 0;
        let at = oldEnd;
        if (oldContentStart !== undefined) [count, at] = readLeb(bytes, oldContentStart);
        leb(content, count + hidden.length);
        appendRange(content, bytes, at, oldEnd);
        for (let h = 0; h < hidden.length; h++) {
          appendName(content, hiddenExport(hidden[h]));
          append(content, 0);
          leb(content, hidden[h]);
        }
        append(out, 7);
        leb(out, content.length);
        appendRange(out, content, 0, content.length);
        exportDone = true;
      };
      for (let i = 0; i < sections.length; i++) {
        const [id, start, contentStart, end] = sections[i];
        if (!importDone && id === 2) {
          emitImports(contentStart, end);
          continue;
        }
        if (!importDone && id !== 0 && id !== 1) emitImports(undefined, 0);
        if (!exportDone && id === 7) {
          emitExports(contentStart, end);
          continue;
        }
        // Sections after the exports: start, element, data count, code, data.
        if (!exportDone && (id === 8 || id === 9 || id === 10 || id === 11 || id === 12)) emitExports(undefined, 0);
        if (id === 5 && limits !== undefined) continue;
        if (id === 6 && globals !== undefined) continue;
        if (id === 4 && tables !== undefined) continue;
        if (id === 8 && dropStart) continue;
        appendRange(out, bytes, start, end);
      }
      if (!importDone) emitImports(undefined, 0);
      if (!exportDone) emitExports(undefined, 0);
      return [new Uint8ArrayCtor(out), limits, globals, tables, hidden];
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
        if (REFERENCE[TYPE_BYTE[type]] !== undefined) {
          // A ref.func value is set once the instance exists (afterInstantiation).
          append(made, adoptGlobal(GlobalPrototype, new RealGlobal({ __proto__: null, value: type, mutable }, null), type, mutable));
          continue;
        }
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
        record = { __proto__: null, original: ReflectConstruct(RealModule, [bytes]), first: undefined, again: undefined, limits: undefined, globals: undefined, tables: undefined, hidden: undefined };
        call(WeakMapSet, wasmRealCache, wrapper, record);
      }
      return record;
    };
    const compiledFor = (wrapper, again) => {
      const record = moduleRecord(wrapper);
      const key = again ? 'again' : 'first';
      if (record[key] === undefined) {
        const [bytes, limits, globals, tables, hidden] = rewrite(call(WeakMapGet, moduleBytes, wrapper), again);
        record.limits = limits;
        record.globals = globals;
        record.tables = tables;
        record.hidden = hidden;
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
      call(WeakMapSet, wasmRealCache, self, { __proto__: null, original: real, first: undefined, again: undefined, limits: undefined, globals: undefined, tables: undefined, hidden: undefined });
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

    // ---- Table
    // A Table is a wrapper too: V8 cannot snapshot a table that holds wasm
    // functions (each keeps its instance). What is saved is its element
    // type, maximum and, written just before each checkpoint, its entries:
    // a function as its wrapper (instance + function index), an externref
    // value as itself. The real table is made again from them when first
    // used after a restore.
    const RealTable = RealWasm.Table;
    const RealTableGet = RealTable.prototype.get;
    const RealTableSet = RealTable.prototype.set;
    const RealTableGrow = RealTable.prototype.grow;
    const RealTableLengthGet = ObjectGetOwnPropertyDescriptor(RealTable.prototype, 'length').get;
    const tableState = new WeakMapCtor(); // Table wrapper -> { element, maximum, contents, lost } (saved)
    const instanceFunctions = new WeakMapCtor(); // Instance wrapper -> Map function index -> wrapper (saved)
    // The tables whose real table exists in this process, so that
    // beforeSnapshot can save their entries. Tables are few; a wrapper
    // stays here until the next checkpoint child forgets it.
    let liveTables = new MapCtor();
    const ErrorCtor = Error;

    const isTable = (value) =>
      typeof value === 'object' && value !== null && call(WeakMapHas, tableState, value);
    const adoptTable = (proto, real, element, maximum) => {
      const self = ObjectCreate(proto);
      call(WeakMapSet, tableState, self, { __proto__: null, element, maximum, contents: undefined, lost: undefined });
      call(WeakMapSet, wasmRealCache, self, real);
      call(WeakMapSet, wasmRealCache, real, self);
      call(MapSet, liveTables, self, self);
      return self;
    };
    // The wrapper of function `index` of an instance: one per function, as
    // V8 gives one object per function (an export and table.get agree).
    const functionWrapper = (instance, index, real) => {
      let functions = call(WeakMapGet, instanceFunctions, instance);
      if (functions === undefined) {
        functions = new MapCtor();
        call(WeakMapSet, instanceFunctions, instance, functions);
      }
      let wrapper = call(MapGet, functions, index);
      if (wrapper === undefined) {
        const name = hiddenExport(index);
        wrapper = builtin(real.name, real.length, (r, nt, ...a) =>
          ReflectApply(InstanceExportsGetter(realInstanceOf(instance))[name], undefined, a));
        call(WeakMapSet, exportedFunctions, wrapper, ObjectFreeze([instance, name]));
        call(MapSet, functions, index, wrapper);
      }
      return wrapper;
    };
    // A value from the real table (or a real export) as the user sees it.
    const fromReal = (value) => {
      if (typeof value !== 'function') return value;
      const info = call(WeakMapGet, wasmRealCache, value);
      if (info === undefined || typeof info === 'function') return info === undefined ? value : info;
      return functionWrapper(info[0], info[1], value);
    };
    // A function from a funcref table or global that kenshell cannot name
    // (none is known to get there) would make every checkpoint fail: it is
    // saved as null instead, and the entry said to be lost.
    const unnamed = (value) => typeof value === 'function' && fromReal(value) === value;
    // A value given by the user as V8 needs it: the real wasm function for
    // a wrapper, the real table for a Table.
    const toReal = (value) => {
      if (typeof value === 'function') {
        const exported = call(WeakMapGet, exportedFunctions, value);
        if (exported !== undefined) return InstanceExportsGetter(realInstanceOf(exported[0]))[exported[1]];
      } else if (isTable(value)) {
        return realTableOf(value);
      } else if (isGlobalWrapper(value)) {
        return realGlobalOf(value);
      }
      return value;
    };
    const realTableOf = (wrapper) => {
      let real = call(WeakMapGet, wasmRealCache, wrapper);
      if (real !== undefined) return real;
      const state = call(WeakMapGet, tableState, wrapper);
      const contents = state.contents;
      const descriptor = { __proto__: null, element: state.element, initial: contents.length };
      if (state.maximum !== undefined) descriptor.maximum = state.maximum;
      real = new RealTable(descriptor);
      // In the cache before it is filled: filling may instantiate an
      // instance again that uses this very table.
      call(WeakMapSet, wasmRealCache, wrapper, real);
      call(WeakMapSet, wasmRealCache, real, wrapper);
      call(MapSet, liveTables, wrapper, wrapper);
      for (let i = 0; i < contents.length; i++) {
        const value = contents[i];
        call(RealTableSet, real, i, toReal(value));
      }
      return real;
    };
    wasmBeforeSnapshot = () => {
      const tables = mapList(liveTables, false);
      for (let t = 0; t < tables.length; t++) {
        const real = call(WeakMapGet, wasmRealCache, tables[t]);
        if (real === undefined) continue;
        const length = call(RealTableLengthGet, real);
        const contents = [];
        const state = call(WeakMapGet, tableState, tables[t]);
        for (let i = 0; i < length; i++) {
          const value = call(RealTableGet, real, i);
          if (state.element !== 'externref' && unnamed(value)) {
            if (state.lost === undefined) state.lost = { __proto__: null };
            state.lost[i] = true;
            append(contents, null);
          } else {
            append(contents, fromReal(value));
          }
        }
        state.contents = contents;
      }
      liveTables = new MapCtor();
      saveGlobals();
    };

    const TablePrototype = {};
    const Table = builtin('Table', RealTable.length, (receiver, newTarget, ...args) => {
      if (newTarget === undefined) return ReflectApply(RealTable, receiver, args);
      const descriptor = args[0];
      let element;
      let maximum;
      const realArgs = [];
      for (let i = 0; i < args.length; i++) append(realArgs, toReal(args[i]));
      if ((typeof descriptor === 'object' && descriptor !== null) || typeof descriptor === 'function') {
        // V8 reads the descriptor; kenshell notes what it read, each
        // property once, in V8's order.
        const recording = { __proto__: null };
        const forward = (key, note) => ObjectDefineProperty(recording, key, {
          __proto__: null,
          enumerable: true,
          get: () => {
            const value = descriptor[key];
            return note === undefined ? value : note(value);
          },
        });
        forward('element', (value) => (element = value === undefined ? value : `${value}`));
        forward('initial');
        forward('minimum');
        forward('maximum', (value) => (maximum = value === undefined ? value : +value));
        realArgs[0] = recording;
      }
      const real = ReflectConstruct(RealTable, realArgs);
      return adoptTable(createFromConstructor(newTarget, TablePrototype), real, element, maximum);
    }, true);
    builtinClass(Table, TablePrototype);
    // The table behind a receiver, or V8's error for one that is not a Table.
    const tableReceiver = (receiver, method) => {
      if (isTable(receiver)) return realTableOf(receiver);
      call(method, receiver);
      return undefined;
    };
    const lengthGetter = builtin('get length', 0, (receiver) => call(RealTableLengthGet, tableReceiver(receiver, RealTableLengthGet)));
    const lengthDescriptor = ObjectGetOwnPropertyDescriptor(RealTable.prototype, 'length');
    ObjectDefineProperty(TablePrototype, 'length', { __proto__: null, get: lengthGetter, set: undefined, enumerable: lengthDescriptor.enumerable, configurable: lengthDescriptor.configurable });
    const tableMethod = (name, fn, after) => {
      const descriptor = ObjectGetOwnPropertyDescriptor(RealTable.prototype, name);
      ObjectDefineProperty(TablePrototype, name, {
        __proto__: null,
        value: builtin(name, fn.length, (receiver, nt, ...args) => {
          const real = tableReceiver(receiver, fn);
          const realArgs = [];
          for (let i = 0; i < args.length; i++) append(realArgs, i === 0 ? args[i] : toReal(args[i]));
          return after(receiver, args, ReflectApply(fn, real, realArgs));
        }),
        writable: descriptor.writable,
        enumerable: descriptor.enumerable,
        configurable: descriptor.configurable,
      });
    };
    const lostAt = (receiver, index) => {
      const lost = call(WeakMapGet, tableState, receiver).lost;
      return lost !== undefined && lost[index] === true;
    };
    tableMethod('grow', RealTableGrow, (receiver, args, result) => result);
    tableMethod('set', RealTableSet, (receiver, args, result) => {
      if (lostAt(receiver, +args[0])) call(WeakMapGet, tableState, receiver).lost[+args[0]] = false;
      return result;
    });
    tableMethod('get', RealTableGet, (receiver, args, result) => {
      if (result === null && lostAt(receiver, +args[0])) {
        throw new ErrorCtor(`WebAssembly.Table.get(): the function at index ${+args[0]} could not be kept at a checkpoint and was lost at the restore`);
      }
      return fromReal(result);
    });

    // ---- Global
    // A Global of a numeric type is V8's own (V8 snapshots its value). One
    // that holds a reference (funcref, externref) is a wrapper of the same
    // prototype, saved as its type and, written just before each
    // checkpoint, its value (a function as its wrapper); the real Global is
    // made again lazily after a restore. A global V8 made for an instance
    // (exported, and not one kenshell could give as an import) is a
    // wrapper that finds it again through its instance and export name:
    // after a restore it has the value the instance starts with.
    const GlobalPrototype = RealGlobal.prototype;
    const GlobalValueSet = ObjectGetOwnPropertyDescriptor(RealGlobal.prototype, 'value').set;
    const GlobalValueOf = RealGlobal.prototype.valueOf;
    const globalState = new WeakMapCtor(); // Global wrapper -> { type, mutable, value, instance, name } (saved)
    let liveGlobals = new MapCtor(); // as liveTables
    const isGlobalWrapper = (value) =>
      typeof value === 'object' && value !== null && call(WeakMapHas, globalState, value);
    const adoptGlobal = (proto, real, type, mutable) => {
      const self = ObjectCreate(proto);
      call(WeakMapSet, globalState, self, { __proto__: null, type, mutable, value: undefined, instance: undefined, name: undefined });
      call(WeakMapSet, wasmRealCache, self, real);
      call(WeakMapSet, wasmRealCache, real, self);
      call(MapSet, liveGlobals, self, self);
      return self;
    };
    const instanceGlobal = (instance, name, real) => {
      const self = ObjectCreate(GlobalPrototype);
      call(WeakMapSet, globalState, self, { __proto__: null, type: undefined, mutable: undefined, value: undefined, instance, name });
      call(WeakMapSet, wasmRealCache, self, real);
      call(WeakMapSet, wasmRealCache, real, self);
      return self;
    };
    const realGlobalOf = (wrapper) => {
      let real = call(WeakMapGet, wasmRealCache, wrapper);
      if (real !== undefined) return real;
      const state = call(WeakMapGet, globalState, wrapper);
      if (state.instance !== undefined) {
        real = InstanceExportsGetter(realInstanceOf(state.instance))[state.name];
      } else {
        const descriptor = { __proto__: null, value: state.type, mutable: state.mutable };
        // A mutable one is in the cache before its value is set: setting a
        // function may instantiate again the instance that imports it.
        real = new RealGlobal(descriptor, state.mutable ? null : toReal(state.value));
        call(MapSet, liveGlobals, wrapper, wrapper);
        if (state.mutable) {
          call(WeakMapSet, wasmRealCache, wrapper, real);
          call(GlobalValueSet, real, toReal(state.value));
        }
      }
      call(WeakMapSet, wasmRealCache, wrapper, real);
      call(WeakMapSet, wasmRealCache, real, wrapper);
      return real;
    };
    const saveGlobals = () => {
      const globals = mapList(liveGlobals, false);
      for (let g = 0; g < globals.length; g++) {
        const real = call(WeakMapGet, wasmRealCache, globals[g]);
        if (real === undefined) continue;
        const state = call(WeakMapGet, globalState, globals[g]);
        const value = call(GlobalValueGet, real);
        state.value = state.type === 'anyfunc' && unnamed(value) ? null : fromReal(value);
      }
      liveGlobals = new MapCtor();
    };
    const Global = builtin('Global', RealGlobal.length, (receiver, newTarget, ...args) => {
      if (newTarget === undefined) return ReflectApply(RealGlobal, receiver, args);
      const descriptor = args[0];
      let type;
      let mutable;
      const realArgs = [];
      for (let i = 0; i < args.length; i++) append(realArgs, toReal(args[i]));
      if ((typeof descriptor === 'object' && descriptor !== null) || typeof descriptor === 'function') {
        // As for Table: V8 reads the descriptor, kenshell notes what it read.
        const recording = { __proto__: null };
        const forward = (key, note) => ObjectDefineProperty(recording, key, {
          __proto__: null,
          enumerable: true,
          get: () => note(descriptor[key]),
        });
        forward('mutable', (value) => (mutable = !!value));
        forward('value', (value) => (type = value === undefined ? value : `${value}`));
        realArgs[0] = recording;
      }
      if (type === 'funcref') type = 'anyfunc';
      const real = ReflectConstruct(RealGlobal, realArgs, newTarget);
      if (type !== 'anyfunc' && type !== 'externref') return real;
      return adoptGlobal(createFromConstructor(newTarget, GlobalPrototype), real, type, mutable);
    }, true);
    // The real Global behind a receiver (itself if it is V8's own).
    const globalReceiver = (receiver) => (isGlobalWrapper(receiver) ? realGlobalOf(receiver) : receiver);
    const valueDescriptor = ObjectGetOwnPropertyDescriptor(RealGlobal.prototype, 'value');
    ObjectDefineProperty(RealGlobal.prototype, 'value', {
      __proto__: null,
      get: builtin('get value', 0, (receiver) => fromReal(call(GlobalValueGet, globalReceiver(receiver)))),
      set: builtin('set value', 1, (receiver, nt, value) => {
        call(GlobalValueSet, globalReceiver(receiver), toReal(value));
      }),
      enumerable: valueDescriptor.enumerable,
      configurable: valueDescriptor.configurable,
    });
    const valueOfDescriptor = ObjectGetOwnPropertyDescriptor(RealGlobal.prototype, 'valueOf');
    ObjectDefineProperty(RealGlobal.prototype, 'valueOf', {
      __proto__: null,
      value: builtin('valueOf', 0, (receiver) => fromReal(call(GlobalValueOf, globalReceiver(receiver)))),
      writable: valueOfDescriptor.writable,
      enumerable: valueOfDescriptor.enumerable,
      configurable: valueOfDescriptor.configurable,
    });
    ObjectDefineProperty(Global, 'prototype', { __proto__: null, value: GlobalPrototype, writable: false, enumerable: false, configurable: false });
    ObjectDefineProperty(GlobalPrototype, 'constructor', { __proto__: null, value: Global, writable: true, enumerable: false, configurable: true });

    // ---- Instance
    const realInstanceOf = (wrapper) => {
      let real = call(WeakMapGet, wasmRealCache, wrapper);
      if (real !== undefined) return real;
      // After a restore: instantiate again, without the start function;
      // what the data segments write into memory is undone.
      // The tables' entries that the element segments write are undone too.
      const state = call(WeakMapGet, instanceState, wrapper);
      const compiled = compiledFor(state.module, true);
      let ownTables = state.ownTables;
      if (ownTables === undefined && moduleRecord(state.module).tables !== undefined) {
        // An instance saved before tables persisted: fresh tables, as then.
        ownTables = makeTables(moduleRecord(state.module).tables);
      }
      const imports = realImports(state.imports, state.ownMemory, state.ownGlobals, ownTables);
      // Making the imports may have instantiated this instance already
      // (a table it uses held one of its functions).
      real = call(WeakMapGet, wasmRealCache, wrapper);
      if (real !== undefined) return real;
      const memory = state.memory;
      const saved = memory === undefined ? undefined : TypedArraySlice(new Uint8ArrayCtor(call(MemoryBufferGet, memory)));
      const tables = [];
      const tableWrappers = state.tables === undefined ? [] : state.tables;
      for (let t = 0; t < tableWrappers.length; t++) {
        if (!isTable(tableWrappers[t])) continue;
        const table = realTableOf(tableWrappers[t]);
        const entries = [];
        const length = call(RealTableLengthGet, table);
        for (let i = 0; i < length; i++) append(entries, call(RealTableGet, table, i));
        append(tables, [table, entries]);
      }
      real = ReflectConstruct(RealInstance, [compiled, imports]);
      if (saved !== undefined) TypedArraySet(new Uint8ArrayCtor(call(MemoryBufferGet, memory)), saved);
      for (let t = 0; t < tables.length; t++) {
        const [table, entries] = tables[t];
        for (let i = 0; i < entries.length; i++) call(RealTableSet, table, i, entries[i]);
      }
      call(WeakMapSet, wasmRealCache, wrapper, real);
      registerFunctions(wrapper, state.module, real);
      // Exported functions without a hidden export, known by their name.
      const names = ObjectGetOwnPropertyNames(state.exports);
      const realExports = InstanceExportsGetter(real);
      for (let i = 0; i < names.length; i++) {
        const value = state.exports[names[i]];
        const exported = typeof value === 'function' ? call(WeakMapGet, exportedFunctions, value) : undefined;
        if (exported === undefined || exported[0] !== wrapper) continue;
        const fn = realExports[exported[1]];
        if (!call(WeakMapHas, wasmRealCache, fn)) call(WeakMapSet, wasmRealCache, fn, value);
      }
      return real;
    };
    // The import object V8 is given: the values read at instantiation, with
    // exported-function wrappers handed over as the real wasm functions.
    const realImports = (imports, ownMemory, ownGlobals, ownTables) => {
      const out = { __proto__: null };
      const modules = ObjectGetOwnPropertyNames(imports);
      for (let i = 0; i < modules.length; i++) {
        const source = imports[modules[i]];
        const target = { __proto__: null };
        const names = ObjectGetOwnPropertyNames(source);
        for (let j = 0; j < names.length; j++) {
          const value = toReal(source[names[j]]);
          ObjectDefineProperty(target, names[j], { __proto__: null, value, enumerable: true });
        }
        ObjectDefineProperty(out, modules[i], { __proto__: null, value: target, enumerable: true });
      }
      if (ownMemory !== undefined || ownGlobals !== undefined || ownTables !== undefined) {
        const own = { __proto__: null, memory: ownMemory };
        if (ownGlobals !== undefined) {
          for (let j = 0; j < ownGlobals.length; j++) own[`global${j}`] = toReal(ownGlobals[j]);
        }
        if (ownTables !== undefined) {
          for (let j = 0; j < ownTables.length; j++) own[`table${j}`] = realTableOf(ownTables[j]);
        }
        ObjectDefineProperty(out, KENSHELL_IMPORT, { __proto__: null, value: own, enumerable: true });
      }
      return out;
    };
    const InstanceExportsGetter = (real) => call(InstanceExportsGet, real);
    // Each function the instance defines, known by its instance and index.
    const registerFunctions = (wrapper, module, real) => {
      const record = moduleRecord(module);
      const realExports = InstanceExportsGetter(real);
      const hidden = record.hidden;
      for (let h = 0; h < hidden.length; h++) {
        // An imported wasm function is known by the instance that defines it.
        const f = hidden[h];
        const fn = realExports[hiddenExport(f)];
        if (!call(WeakMapHas, wasmRealCache, fn)) call(WeakMapSet, wasmRealCache, fn, ObjectFreeze([wrapper, f]));
      }
    };
    // A Table for each of the module's own, of its type and limits.
    const makeTables = (tables) => {
      const made = [];
      for (let j = 0; j < tables.length; j++) {
        const [type, limits] = tables[j];
        const { initial, maximum } = memoryDescriptor(limits);
        const element = type === 0x70 ? 'anyfunc' : 'externref';
        const descriptor = { __proto__: null, element, initial };
        if (maximum !== undefined) descriptor.maximum = maximum;
        append(made, adoptTable(TablePrototype, new RealTable(descriptor), element, maximum));
      }
      return ObjectFreeze(made);
    };

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
      const tables = [];
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
        if (kind === 'table') append(tables, value);
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
      const ownTables = moduleRecord(module).tables === undefined ? undefined : makeTables(moduleRecord(module).tables);
      if (ownTables !== undefined) {
        for (let j = 0; j < ownTables.length; j++) append(tables, ownTables[j]);
      }
      const real = ReflectConstruct(RealInstance, [compiled, realImports(imports, ownMemory, ownGlobals, ownTables)]);
      const self = createFromConstructor(newTarget, InstancePrototype);
      registerFunctions(self, module, real);
      const ownGlobalTypes = moduleRecord(module).globals;
      if (ownGlobalTypes !== undefined) {
        for (let j = 0; j < ownGlobalTypes.length; j++) {
          if (ownGlobalTypes[j][2] === 0xd2) call(GlobalValueSet, realGlobalOf(ownGlobals[j]), InstanceExportsGetter(real)[hiddenExport(ownGlobalTypes[j][3])]);
        }
      }
      // The exports object, as V8 makes it: null prototype, export order, frozen.
      const realExports = InstanceExportsGetter(real);
      const exportsObject = { __proto__: null };
      const wrappers = new MapCtor();
      const declaredExports = ModuleExports(original);
      // A Global given as an import or made by kenshell is exported as
      // itself; any other was made by V8 for this instance.
      const knownGlobal = (value) => {
        if (ownGlobals !== undefined) {
          for (let j = 0; j < ownGlobals.length; j++) {
            if (ownGlobals[j] === value || toReal(ownGlobals[j]) === value) return true;
          }
        }
        const modules = ObjectGetOwnPropertyNames(imports);
        for (let i = 0; i < modules.length; i++) {
          const names = ObjectGetOwnPropertyNames(imports[modules[i]]);
          for (let j = 0; j < names.length; j++) {
            const given = imports[modules[i]][names[j]];
            if (given === value || (isGlobalWrapper(given) && realGlobalOf(given) === value)) return true;
          }
        }
        return false;
      };
      for (let i = 0; i < declaredExports.length; i++) {
        const { name, kind } = declaredExports[i];
        let value = realExports[name];
        const info = (typeof value === 'object' && value !== null) || typeof value === 'function' ? call(WeakMapGet, wasmRealCache, value) : undefined;
        if (kind === 'table' || kind === 'global') {
          if (info !== undefined) value = info;
          else if (kind === 'global' && !knownGlobal(value)) value = instanceGlobal(self, name, value);
        } else if (kind === 'function' && info !== undefined) {
          value = functionWrapper(info[0], info[1], value);
        } else if (kind === 'function') {
          let wrapper = call(MapGet, wrappers, value);
          if (wrapper === undefined) {
            wrapper = builtin(value.name, value.length, (r, nt, ...a) =>
              ReflectApply(InstanceExportsGetter(realInstanceOf(self))[name], undefined, a));
            call(WeakMapSet, exportedFunctions, wrapper, ObjectFreeze([self, name]));
            call(MapSet, wrappers, value, wrapper);
            if (!call(WeakMapHas, wasmRealCache, value)) call(WeakMapSet, wasmRealCache, value, wrapper);
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
        ownTables,
        tables: ObjectFreeze(tables),
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
        if (keys[i] === 'constructor' || keys[i] === 'exports' || ObjectPrototypeHasOwnProperty(to, keys[i])) continue;
        ObjectDefineProperty(to, keys[i], ObjectGetOwnPropertyDescriptor(from, keys[i]));
      }
    };
    copyRest(RealModule.prototype, ModulePrototype);
    copyRest(RealInstance.prototype, InstancePrototype);
    copyRest(RealTable.prototype, TablePrototype);

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
    hidden(RealWasm, 'Table', Table);
    hidden(RealWasm, 'Global', Global);
    hidden(RealWasm, 'compile', compile);
    hidden(RealWasm, 'instantiate', instantiate);
  }
}
