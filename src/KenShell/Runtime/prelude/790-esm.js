// -------------------------------------------------------------- ES modules
// import(), and static import/export in files that are ES modules, without
// V8's module objects (they do not survive a snapshot). A module's source
// is parsed with acorn (the parser Node's REPL uses; vendored, its source
// in the heap, compiled on first use) and rewritten into a generator
// function of one parameter, compiled as a classic script named by the
// module's file:// URL (as Node names a module in stack traces):
//
//   (function* (__ks$) {'use strict'; <prologue> yield; <body> })
//
// The prologue registers the module's exports as getters over its own
// top-level bindings (live bindings: a getter reads the variable, a `let`
// not yet initialized throws as V8's TDZ does); the first next() runs it,
// the second runs the body (an async generator when the body has a
// top-level await). `import`/`export` statements are removed, keeping line
// numbers; a reference to an imported name becomes a read of the exporting
// module's binding object (`__ks$b0.name`, a getter), so imports are live
// too; `import.meta` becomes `__ks$.meta`. Module records (namespace,
// bindings, status) are ordinary heap objects: they persist with the heap.
//
// Sources come through host.fsQuery like require's (recorded on the turn's
// tape). import() reaches the loader through V8's dynamic-import callback,
// which the native shell sets on every isolate (hook `dynamicImport`).
let esmImport = null;
let esmReplImportError = null;
{
const ProxyCtor = Proxy;
const ObjectKeys = Object.keys;
const SetCtor = Set;
const SetHas = Set.prototype.has;
const SetAdd = Set.prototype.add;
const ErrorCtor = Error;
const SyntaxErrorCtor = SyntaxError;
const ReflectGetOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const ReflectGet = Reflect.get;
const ObjectPreventExtensions = Object.preventExtensions;
const ArrayPrototypeSort = uncurry(Array.prototype.sort);
const StringPrototypeStartsWith = uncurry(String.prototype.startsWith);
const StringPrototypeIncludes = uncurry(String.prototype.includes);
const StringPrototypeSplit = uncurry(String.prototype.split);
const StringPrototypeLastIndexOf = uncurry(String.prototype.lastIndexOf);
const RegExpPrototypeExec = uncurry(RegExp.prototype.exec);
const EncodeURI = encodeURI;
const DecodeURIComponent = decodeURIComponent;
const SymbolToStringTag = Symbol.toStringTag;
const PromiseRejectStatic = Promise.reject;
const PromiseResolveStatic = Promise.resolve;
const PromiseReject = (reason) => ReflectApply(PromiseRejectStatic, PromiseCtor, [reason]);
const PromiseResolved = (value) => ReflectApply(PromiseResolveStatic, PromiseCtor, [value]);
const GeneratorNext = uncurry(ObjectGetPrototypeOf(function* () {}).prototype.next);
const AsyncGeneratorNext = uncurry(ObjectGetPrototypeOf(async function* () {}).prototype.next);
const ReflectDefinePropertyFn = Reflect.defineProperty;
const ReflectDeleteProperty = Reflect.deleteProperty;
const markModuleNamespace = inspectExtras.markModuleNamespace;
const L = cjsLoader;

// ---- the built-ins the parser sees
// acorn is library code: it calls String.prototype.slice, RegExp exec and
// the like as it finds them. While it runs (no user code runs then), the
// built-ins it may use are put back as they were when the store was
// created, and the user's versions restored afterwards, so that a user who
// replaces or deletes them breaks their own code only.
const PRISTINE_HOLDERS = [
  globalThis, Object, Object.prototype, Function.prototype, Array, Array.prototype, String, String.prototype,
  RegExp, RegExp.prototype, Number, Number.prototype, Math, JSON, Symbol, Symbol.prototype, Error, Error.prototype,
  SyntaxError, SyntaxError.prototype, Map.prototype, Set.prototype, Boolean.prototype, BigInt,
];
const PRISTINE_GLOBALS = ['Object', 'Function', 'Array', 'String', 'RegExp', 'Number', 'Math', 'JSON', 'Symbol', 'Error',
  'SyntaxError', 'Map', 'Set', 'Boolean', 'BigInt', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'Infinity', 'NaN', 'undefined'];
const pristine = [];
for (let h = 0; h < PRISTINE_HOLDERS.length; h++) {
  const holder = PRISTINE_HOLDERS[h];
  const keys = holder === globalThis ? PRISTINE_GLOBALS : ReflectOwnKeys(holder);
  const byKey = new MapCtor();
  for (let i = 0; i < keys.length; i++) call(MapSet, byKey, keys[i], ObjectGetOwnPropertyDescriptor(holder, keys[i]));
  append(pristine, [holder, keys, byKey]);
}
function sameDescriptor(a, b) {
  if (a === undefined || b === undefined) return a === b;
  return a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable &&
    a.enumerable === b.enumerable && a.configurable === b.configurable;
}
function withPristineBuiltins(fn) {
  const undo = [];
  for (let h = 0; h < pristine.length; h++) {
    const holder = pristine[h][0];
    const byKey = pristine[h][2];
    // Properties the user added (a setter on Object.prototype...) go away
    // for the time being, and changed ones get their original back.
    if (holder !== globalThis) {
      const now = ReflectOwnKeys(holder);
      for (let i = 0; i < now.length; i++) {
        if (call(MapHas, byKey, now[i])) continue;
        const d = ObjectGetOwnPropertyDescriptor(holder, now[i]);
        if (ReflectDeleteProperty(holder, now[i])) append(undo, [holder, now[i], d]);
      }
    }
    const keys = pristine[h][1];
    for (let i = 0; i < keys.length; i++) {
      const original = call(MapGet, byKey, keys[i]);
      const current = ObjectGetOwnPropertyDescriptor(holder, keys[i]);
      if (sameDescriptor(original, current)) continue;
      if (original === undefined ? ReflectDeleteProperty(holder, keys[i]) : ReflectDefinePropertyFn(holder, keys[i], original)) {
        append(undo, [holder, keys[i], current]);
      }
    }
  }
  try {
    return fn();
  } finally {
    for (let i = undo.length - 1; i >= 0; i--) {
      const u = undo[i];
      if (u[2] === undefined) ReflectDeleteProperty(u[0], u[1]);
      else ReflectDefinePropertyFn(u[0], u[1], u[2]);
    }
  }
}

// ---- the parser: acorn, vendored (src/KenShell/Runtime/vendor), its
// source in the heap, compiled on first use.
let acornModule = null;
function parser() {
  if (acornModule === null) acornModule = requireVendored('acorn');
  return acornModule;
}

// ---- the transform
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
function propertyAccess(name) {
  return RegExpPrototypeExec(IDENT, name) !== null ? '.' + name : '[' + JSONStringify(name) + ']';
}
function exportName(node) {
  return node.type === 'Identifier' ? node.name : `${node.value}`;
}
function isNode(v) {
  return v !== null && typeof v === 'object' && typeof v.type === 'string';
}

// A syntax error in a module, as Node shows one: file:line, the line, a
// caret, then the error.
function moduleSyntaxError(e, source, filename) {
  if (e === null || typeof e !== 'object' || typeof e.pos !== 'number' || e.loc === undefined) return e;
  const message = StringPrototypeSlice(`${e.message}`, 0, StringPrototypeLastIndexOf(`${e.message}`, ' ('));
  const error = L.withoutRuntimeFrames(new SyntaxErrorCtor(message));
  const lines = StringPrototypeSplit(source, '\n');
  const line = lines[e.loc.line - 1] || '';
  let caret = '';
  for (let i = 0; i < e.loc.column; i++) caret += ' ';
  ObjectDefineProperty(error, 'stack', {
    __proto__: null,
    value: `${filename}:${e.loc.line}\n${line}\n${caret}^\n${error.name}: ${message}`,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return error;
}

// Names bound by a pattern that are among `wanted` (the imported names).
function patternNames(p, wanted, out) {
  if (p === null || p === undefined) return;
  switch (p.type) {
    case 'Identifier': if (call(MapHas, wanted, p.name)) call(SetAdd, out, p.name); return;
    case 'ObjectPattern':
      for (let i = 0; i < p.properties.length; i++) {
        const prop = p.properties[i];
        patternNames(prop.type === 'RestElement' ? prop.argument : prop.value, wanted, out);
      }
      return;
    case 'ArrayPattern': for (let i = 0; i < p.elements.length; i++) patternNames(p.elements[i], wanted, out); return;
    case 'AssignmentPattern': patternNames(p.left, wanted, out); return;
    case 'RestElement': patternNames(p.argument, wanted, out); return;
    default:
  }
}
// `var` declarations of a function body (not of nested functions).
function varNames(node, wanted, out) {
  if (!isNode(node)) return;
  switch (node.type) {
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
    case 'ClassDeclaration': case 'ClassExpression':
      return;
    case 'VariableDeclaration':
      if (node.kind === 'var') for (let i = 0; i < node.declarations.length; i++) patternNames(node.declarations[i].id, wanted, out);
      return;
    default:
  }
  if (!StringPrototypeIncludes(node.type, 'Statement') && node.type !== 'SwitchCase' && node.type !== 'CatchClause' &&
      node.type !== 'Program') return;
  const keys = ReflectOwnKeys(node);
  for (let k = 0; k < keys.length; k++) {
    const v = node[keys[k]];
    if (ArrayIsArray(v)) for (let i = 0; i < v.length; i++) varNames(v[i], wanted, out);
    else varNames(v, wanted, out);
  }
}
// Lexical declarations directly in a statement list.
function lexicalNames(statements, wanted, out) {
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    if (s.type === 'VariableDeclaration' && s.kind !== 'var') {
      for (let j = 0; j < s.declarations.length; j++) patternNames(s.declarations[j].id, wanted, out);
    } else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) {
      patternNames(s.id, wanted, out);
    }
  }
}

// Rewrites a module's source. Returns the script text and what the loader
// needs: requests (specifiers in order), imports to check, local exports,
// re-exports and star exports.
function transform(source, filename) {
  let ast;
  try {
    ast = withPristineBuiltins(() => parser().parse(source, { __proto__: null, ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true }));
  } catch (e) {
    throw moduleSyntaxError(e, source, fileUrl(filename));
  }
  const edits = [];
  const edit = (start, end, text) => append(edits, [start, end, text]);
  const blank = (node) => {
    let text = '';
    for (let i = node.start; i < node.end; i++) if (StringPrototypeCharCodeAt(source, i) === 10) text += '\n';
    edit(node.start, node.end, text);
  };
  const requests = [];
  const requestIndex = new MapCtor();
  const requestTypes = [];
  // A request is a specifier and its `with { type }` attribute, if any.
  const request = (node, statement) => {
    const spec = `${node.value}`;
    let type = null;
    const attributes = statement.attributes;
    if (ArrayIsArray(attributes)) {
      for (let i = 0; i < attributes.length; i++) {
        if (exportName(attributes[i].key) === 'type') type = `${attributes[i].value.value}`;
      }
    }
    const key = type === null ? spec : spec + '\0' + type;
    let index = call(MapGet, requestIndex, key);
    if (index === undefined) {
      index = requests.length;
      append(requests, spec);
      append(requestTypes, type);
      call(MapSet, requestIndex, key, index);
    }
    return index;
  };
  const imported = new MapCtor(); // local -> [request, name]
  const namespaceLocals = []; // [local, request]
  const checks = []; // [request, name]
  const localExports = []; // [exported, local]
  const reexports = []; // [exported, request, name or null for the namespace]
  const stars = [];
  const namespaceOf = new MapCtor();

  if (StringPrototypeStartsWith(source, '#!')) edit(0, 2, '//');
  const body = ast.body;
  for (let i = 0; i < body.length; i++) {
    const node = body[i];
    switch (node.type) {
      case 'ImportDeclaration': {
        const r = request(node.source, node);
        for (let j = 0; j < node.specifiers.length; j++) {
          const spec = node.specifiers[j];
          if (spec.type === 'ImportNamespaceSpecifier') {
            append(namespaceLocals, [spec.local.name, r]);
            call(MapSet, namespaceOf, spec.local.name, r);
            continue;
          }
          const name = spec.type === 'ImportDefaultSpecifier' ? 'default' : exportName(spec.imported);
          call(MapSet, imported, spec.local.name, [r, name]);
          append(checks, [r, name]);
        }
        blank(node);
        break;
      }
      case 'ExportNamedDeclaration': {
        if (node.source) {
          const r = request(node.source, node);
          for (let j = 0; j < node.specifiers.length; j++) {
            const spec = node.specifiers[j];
            const name = exportName(spec.local);
            append(reexports, [exportName(spec.exported), r, name]);
            append(checks, [r, name]);
          }
          blank(node);
        } else if (node.declaration) {
          edit(node.start, node.declaration.start, '');
          const d = node.declaration;
          if (d.type === 'VariableDeclaration') {
            declaredNames(d, localExports);
          } else {
            append(localExports, [d.id.name, d.id.name]);
          }
        } else {
          for (let j = 0; j < node.specifiers.length; j++) {
            const spec = node.specifiers[j];
            const local = spec.local.name;
            const exported = exportName(spec.exported);
            const imp = call(MapGet, imported, local);
            if (imp !== undefined) append(reexports, [exported, imp[0], imp[1]]);
            else append(localExports, [exported, local]);
          }
          blank(node);
        }
        break;
      }
      case 'ExportAllDeclaration': {
        const r = request(node.source, node);
        if (node.exported) append(reexports, [exportName(node.exported), r, null]);
        else append(stars, r);
        blank(node);
        break;
      }
      case 'ExportDefaultDeclaration': {
        const d = node.declaration;
        if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
          edit(node.start, d.start, '');
          append(localExports, ['default', d.id.name]);
        } else {
          // { default: ... }.default names an anonymous function or class
          // 'default', as `export default` does.
          edit(node.start, d.start, 'const __ks$default = { default: ');
          edit(d.end, node.end, ' }.default;');
          append(localExports, ['default', '__ks$default']);
        }
        break;
      }
      default:
    }
  }

  // References to imported names, import.meta, top-level await.
  let topLevelAwait = false;
  const scopes = [];
  const shadowed = (name) => {
    for (let i = scopes.length - 1; i >= 0; i--) if (call(SetHas, scopes[i], name)) return true;
    return false;
  };
  const replacement = (name, parent, key) => {
    const imp = call(MapGet, imported, name);
    const text = `__ks$b${imp[0]}${propertyAccess(imp[1])}`;
    if ((parent.type === 'CallExpression' && key === 'callee') || (parent.type === 'TaggedTemplateExpression' && key === 'tag')) {
      return `(0, ${text})`;
    }
    return text;
  };
  const reference = (node, parent, key) => {
    if (node.type === 'Identifier') {
      if (call(MapHas, imported, node.name) && !shadowed(node.name)) edit(node.start, node.end, replacement(node.name, parent, key));
      return;
    }
    visit(node, parent, key, 0);
  };
  const pushScope = () => {
    const scope = new SetCtor();
    append(scopes, scope);
    return scope;
  };
  const anyImports = MapPrototypeGetSize(imported) > 0;
  let depth = 0;
  function visitBinding(p) {
    if (!isNode(p)) return;
    switch (p.type) {
      case 'Identifier': return;
      case 'ObjectPattern':
        for (let i = 0; i < p.properties.length; i++) {
          const prop = p.properties[i];
          if (prop.type === 'RestElement') { visitBinding(prop.argument); continue; }
          if (prop.computed) visit(prop.key, prop, 'key');
          visitBinding(prop.value);
        }
        return;
      case 'ArrayPattern': for (let i = 0; i < p.elements.length; i++) visitBinding(p.elements[i]); return;
      case 'AssignmentPattern': visitBinding(p.left); visit(p.right, p, 'right'); return;
      case 'RestElement': visitBinding(p.argument); return;
      default: visit(p, null, null);
    }
  }
  function visitTarget(p, parent, key) {
    if (!isNode(p)) return;
    switch (p.type) {
      case 'ObjectPattern':
        for (let i = 0; i < p.properties.length; i++) {
          const prop = p.properties[i];
          if (prop.type === 'RestElement') { visitTarget(prop.argument, prop, 'argument'); continue; }
          if (prop.computed) visit(prop.key, prop, 'key');
          if (prop.shorthand && prop.value.type === 'Identifier' && call(MapHas, imported, prop.value.name) && !shadowed(prop.value.name)) {
            edit(prop.value.start, prop.value.end, `${prop.value.name}: ${replacement(prop.value.name, prop, 'value')}`);
          } else {
            visitTarget(prop.value, prop, 'value');
          }
        }
        return;
      case 'ArrayPattern': for (let i = 0; i < p.elements.length; i++) visitTarget(p.elements[i], p, 'elements'); return;
      case 'AssignmentPattern': visitTarget(p.left, p, 'left'); visit(p.right, p, 'right'); return;
      case 'RestElement': visitTarget(p.argument, p, 'argument'); return;
      default: reference(p, parent, key);
    }
  }
  function visitFunction(node) {
    const scope = pushScope();
    if (anyImports) {
      for (let i = 0; i < node.params.length; i++) patternNames(node.params[i], imported, scope);
      if (node.type === 'FunctionExpression' && node.id) patternNames(node.id, imported, scope);
      if (node.body.type === 'BlockStatement') {
        varNames(node.body, imported, scope);
        lexicalNames(node.body.body, imported, scope);
      }
    }
    depth++;
    for (let i = 0; i < node.params.length; i++) visitBinding(node.params[i]);
    if (node.body.type === 'BlockStatement') visitList(node.body.body, node.body);
    else reference(node.body, node, 'body');
    depth--;
    scopes.length--;
  }
  function visitList(list, parent) {
    for (let i = 0; i < list.length; i++) if (isNode(list[i])) reference(list[i], parent, null);
  }
  function visit(node, parent, key) {
    if (!isNode(node)) return;
    switch (node.type) {
      case 'Identifier': reference(node, parent, key); return;
      case 'Literal': case 'TemplateElement': case 'ThisExpression': case 'Super':
      case 'BreakStatement': case 'ContinueStatement': case 'ImportDeclaration':
      case 'ExportAllDeclaration':
        return;
      case 'ExportNamedDeclaration': if (node.declaration) visit(node.declaration, node, 'declaration'); return;
      case 'ExportDefaultDeclaration': visit(node.declaration, node, 'declaration'); return;
      case 'MetaProperty':
        if (node.meta.name === 'import') edit(node.start, node.end, '__ks$.meta');
        return;
      case 'AwaitExpression':
        if (depth === 0) topLevelAwait = true;
        reference(node.argument, node, 'argument');
        return;
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
        visitFunction(node);
        return;
      case 'ClassDeclaration': case 'ClassExpression': {
        const scope = pushScope();
        if (node.type === 'ClassExpression' && node.id && anyImports) patternNames(node.id, imported, scope);
        if (node.superClass) reference(node.superClass, node, 'superClass');
        visitList(node.body.body, node.body);
        scopes.length--;
        return;
      }
      case 'MethodDefinition': case 'PropertyDefinition':
        if (node.computed) reference(node.key, node, 'key');
        if (node.value) {
          // A field initializer is a function body of its own.
          depth++;
          reference(node.value, node, 'value');
          depth--;
        }
        return;
      case 'StaticBlock': {
        const scope = pushScope();
        if (anyImports) { varNames({ type: 'BlockStatement', body: node.body }, imported, scope); lexicalNames(node.body, imported, scope); }
        depth++;
        visitList(node.body, node);
        depth--;
        scopes.length--;
        return;
      }
      case 'Property':
        if (parent !== null && parent.type === 'ObjectPattern') { visitTarget(node.value, node, 'value'); return; }
        if (node.computed) reference(node.key, node, 'key');
        if (node.shorthand && node.value.type === 'Identifier') {
          if (call(MapHas, imported, node.value.name) && !shadowed(node.value.name)) {
            edit(node.start, node.end, `${node.value.name}: ${replacement(node.value.name, node, 'value')}`);
          }
          return;
        }
        reference(node.value, node, 'value');
        return;
      case 'MemberExpression':
        reference(node.object, node, 'object');
        if (node.computed) reference(node.property, node, 'property');
        return;
      case 'LabeledStatement': reference(node.body, node, 'body'); return;
      case 'VariableDeclaration':
        for (let i = 0; i < node.declarations.length; i++) {
          const d = node.declarations[i];
          visitBinding(d.id);
          if (d.init) reference(d.init, d, 'init');
        }
        return;
      case 'AssignmentExpression':
        visitTarget(node.left, node, 'left');
        reference(node.right, node, 'right');
        return;
      case 'BlockStatement': case 'SwitchStatement': case 'ForStatement': case 'ForInStatement': case 'ForOfStatement':
      case 'CatchClause': {
        const scope = pushScope();
        if (anyImports) {
          if (node.type === 'BlockStatement') lexicalNames(node.body, imported, scope);
          else if (node.type === 'SwitchStatement') for (let i = 0; i < node.cases.length; i++) lexicalNames(node.cases[i].consequent, imported, scope);
          else if (node.type === 'CatchClause') patternNames(node.param, imported, scope);
          else {
            const head = node.type === 'ForStatement' ? node.init : node.left;
            if (head && head.type === 'VariableDeclaration' && head.kind !== 'var') lexicalNames([head], imported, scope);
          }
        }
        if (node.type === 'ForOfStatement' && node.await && depth === 0) topLevelAwait = true;
        if (node.type === 'CatchClause') {
          visitBinding(node.param);
          visit(node.body, node, 'body');
        } else if ((node.type === 'ForInStatement' || node.type === 'ForOfStatement') && node.left.type !== 'VariableDeclaration') {
          visitTarget(node.left, node, 'left');
          reference(node.right, node, 'right');
          reference(node.body, node, 'body');
        } else {
          children(node);
        }
        scopes.length--;
        return;
      }
      default:
        children(node);
    }
  }
  function children(node) {
    const keys = ReflectOwnKeys(node);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key === 'type' || key === 'start' || key === 'end') continue;
      const v = node[key];
      if (ArrayIsArray(v)) {
        for (let i = 0; i < v.length; i++) if (isNode(v[i])) reference(v[i], node, key);
      } else if (isNode(v)) {
        reference(v, node, key);
      }
    }
  }
  visitList(body, ast);

  // Apply the edits (sorted by position; none overlap).
  ArrayPrototypeSort(edits, (a, b) => a[0] - b[0] || a[1] - b[1]);
  let out = '';
  let at = 0;
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i];
    if (e[0] < at) continue;
    out += StringPrototypeSlice(source, at, e[0]) + e[2];
    at = e[1];
  }
  out += StringPrototypeSlice(source, at);

  let prologue = "'use strict';";
  for (let r = 0; r < requests.length; r++) prologue += `const __ks$b${r} = __ks$.b[${r}];`;
  for (let i = 0; i < namespaceLocals.length; i++) prologue += `const ${namespaceLocals[i][0]} = __ks$.n[${namespaceLocals[i][1]}];`;
  let getters = '';
  for (let i = 0; i < localExports.length; i++) {
    const local = localExports[i][1];
    const ns = call(MapGet, namespaceOf, local);
    // A computed key: a literal "__proto__" key would set the prototype.
    getters += `[${JSONStringify(localExports[i][0])}]: () => ${ns === undefined ? local : `__ks$.n[${ns}]`},`;
  }
  prologue += `__ks$.e({${getters}});yield;`;
  const code = `(${topLevelAwait ? 'async ' : ''}function* (__ks$) {${prologue}${out}\n})`;
  const names = [];
  for (let i = 0; i < localExports.length; i++) append(names, localExports[i][0]);
  return { __proto__: null, code, requests, requestTypes, checks, localNames: names, reexports, stars, async: topLevelAwait };
}
// The names a declaration exports, as [exported, local] pairs.
function declaredNames(d, out) {
  const collect = (p) => {
    if (!isNode(p)) return;
    switch (p.type) {
      case 'Identifier': append(out, [p.name, p.name]); return;
      case 'ObjectPattern':
        for (let i = 0; i < p.properties.length; i++) collect(p.properties[i].type === 'RestElement' ? p.properties[i].argument : p.properties[i].value);
        return;
      case 'ArrayPattern': for (let i = 0; i < p.elements.length; i++) collect(p.elements[i]); return;
      case 'AssignmentPattern': collect(p.left); return;
      case 'RestElement': collect(p.argument); return;
      default:
    }
  };
  for (let i = 0; i < d.declarations.length; i++) collect(d.declarations[i].id);
}

// ---- records
// key (filename, or node:name for a built-in) -> record. A record that
// failed to link or evaluate is dropped (see README: unlike Node, importing
// it again tries again).
const registry = new MapCtor();
// from-directory + specifier -> key: a second import of a loaded module
// does not look at the disk (after a restart node_modules may be gone).
const resolved = new MapCtor();

function fileUrl(path) {
  let url = EncodeURI(path);
  url = ArrayPrototypeJoin(StringPrototypeSplit(url, '?'), '%3F');
  url = ArrayPrototypeJoin(StringPrototypeSplit(url, '#'), '%23');
  return 'file://' + url;
}

function urlToPath(url) {
  return DecodeURIComponent(StringPrototypeSlice(url, 7));
}

function newRecord(key, filename, kind) {
  const bindings = { __proto__: null };
  const record = {
    __proto__: null,
    key, filename, kind,
    url: filename === null ? key : fileUrl(filename),
    status: 'linking', // linking, linked, evaluating, evaluated
    bindings,
    names: null,
    namespace: null,
    deps: [],
    info: null,
    gen: null,
    pending: undefined,
    active: false,
    exportSet: null,
  };
  record.namespace = makeNamespace(record);
  return record;
}

// Node's module namespace object: null prototype, sealed, sorted keys,
// Symbol.toStringTag 'Module', each export a writable data property whose
// value is the live binding; assigning or deleting throws.
function makeNamespace(record) {
  const target = { __proto__: null };
  const isExport = (key) => typeof key === 'string' && record.exportSet !== null && record.exportSet[key] === true;
  const handler = {
    __proto__: null,
    get(t, key) {
      if (isExport(key)) return record.bindings[key];
      return ReflectGet(t, key);
    },
    getOwnPropertyDescriptor(t, key) {
      if (isExport(key)) return { __proto__: null, value: record.bindings[key], writable: true, enumerable: true, configurable: false };
      return ReflectGetOwnPropertyDescriptor(t, key);
    },
    set(t, key) {
      throw new TypeErrorCtor(`Cannot assign to read only property '${typeof key === 'symbol' ? SymbolPrototypeToString(key) : key}' of object '[object Module]'`);
    },
    defineProperty(t, key) {
      throw new TypeErrorCtor(`Cannot redefine property: ${typeof key === 'symbol' ? SymbolPrototypeToString(key) : key}`);
    },
    deleteProperty(t, key) {
      if (ReflectGetOwnPropertyDescriptor(t, key) === undefined) return true;
      throw new TypeErrorCtor(`Cannot delete property '${typeof key === 'symbol' ? SymbolPrototypeToString(key) : key}' of [object Module]`);
    },
    setPrototypeOf(t, proto) { return proto === null; },
    preventExtensions() { return true; },
  };
  const ns = new ProxyCtor(target, handler);
  record.target = target;
  markModuleNamespace(ns);
  return ns;
}
// Once the export names are known: the target gets them (sorted), then is
// sealed, so that Object.keys, `in` and Object.isSealed answer as Node's.
function sealNamespace(record) {
  const names = record.names;
  const target = record.target;
  const exportSet = { __proto__: null };
  for (let i = 0; i < names.length; i++) exportSet[names[i]] = true;
  record.exportSet = exportSet;
  for (let i = 0; i < names.length; i++) {
    ObjectDefineProperty(target, names[i], { __proto__: null, value: undefined, writable: true, enumerable: true, configurable: false });
  }
  ObjectDefineProperty(target, SymbolToStringTag, { __proto__: null, value: 'Module', writable: false, enumerable: false, configurable: false });
  ObjectPreventExtensions(target);
}

function defineGetter(bindings, name, get) {
  ObjectDefineProperty(bindings, name, { __proto__: null, get, enumerable: true, configurable: false });
}

function sortedNames(list) {
  return ArrayPrototypeSort(list, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---- resolution
function moduleNotFound(message, url) {
  const err = L.codedError(ErrorCtor, 'ERR_MODULE_NOT_FOUND', message);
  if (url !== undefined) err.url = url;
  return err;
}
function isPathLike(spec) {
  return spec === '.' || spec === '..' || StringPrototypeStartsWith(spec, './') || StringPrototypeStartsWith(spec, '../') ||
    StringPrototypeStartsWith(spec, '/');
}
// specifier -> [key, filename or null, kind]
function resolveSpecifier(spec, parentName, fromDir) {
  const builtin = L.builtinName(spec);
  if (builtin !== null) {
    if (!L.isBuiltin(builtin)) {
      throw L.codedError(ErrorCtor, 'ERR_UNKNOWN_BUILTIN_MODULE', `No such built-in module: ${spec}`);
    }
    return ['node:' + builtin, null, 'builtin'];
  }
  let path;
  if (StringPrototypeStartsWith(spec, 'file://')) {
    path = urlToPath(spec);
  } else if (isPathLike(spec)) {
    path = L.pathResolve(fromDir, spec);
  }
  if (path !== undefined) {
    const kind = L.fsStat(path);
    if (kind === 'dir' || StringPrototypeEndsWith(spec, '/')) {
      throw L.codedError(ErrorCtor, 'ERR_UNSUPPORTED_DIR_IMPORT',
        `Directory import '${StringPrototypeEndsWith(spec, '/') ? path + '/' : path}' is not supported resolving ES modules imported from ${parentName}`);
    }
    if (kind !== 'file') throw moduleNotFound(`Cannot find module '${path}' imported from ${parentName}`, fileUrl(path));
    const filename = L.fsRealpath(path);
    return [filename, filename, formatOf(filename)];
  }
  let filename;
  try {
    filename = L.resolveImport(spec, { __proto__: null, id: parentName, filename: parentName, path: fromDir, children: undefined }, fromDir);
  } catch (e) {
    if (e !== null && typeof e === 'object' && e.code === 'MODULE_NOT_FOUND') {
      let nameEnd = StringPrototypeIndexOf(spec, '/');
      if (StringPrototypeStartsWith(spec, '@')) nameEnd = nameEnd < 0 ? -1 : StringPrototypeIndexOf(spec, '/', nameEnd + 1);
      const name = nameEnd < 0 ? spec : StringPrototypeSlice(spec, 0, nameEnd);
      throw moduleNotFound(`Cannot find package '${name}' imported from ${parentName}`);
    }
    throw e;
  }
  return [filename, filename, formatOf(filename)];
}
function formatOf(filename) {
  const ext = L.pathExtname(filename);
  if (ext === '.mjs') return 'esm';
  if (ext === '.cjs' || ext === '.node') return 'cjs';
  if (ext === '.json') return 'json';
  if (ext !== '.js' && ext !== '') {
    throw L.codedError(TypeErrorCtor, 'ERR_UNKNOWN_FILE_EXTENSION', `Unknown file extension "${ext}" for ${filename}`);
  }
  const scope = L.packageScope(L.pathDirname(filename));
  return scope !== null && L.ownField(scope.pkg, 'type') === 'module' ? 'esm' : 'cjs';
}

// ---- loading and linking
// The record for a specifier, loaded (with everything it imports) if new.
// `fresh` collects the records this load created.
function recordFor(spec, parentName, fromDir, fresh, type) {
  if (type !== null && type !== 'json') {
    throw L.codedError(TypeErrorCtor, 'ERR_IMPORT_ASSERTION_TYPE_UNSUPPORTED', `Import attribute type "${type}" is unsupported`);
  }
  const cacheKey = fromDir + '\0' + spec;
  const knownKey = call(MapGet, resolved, cacheKey);
  if (knownKey !== undefined) {
    const known = call(MapGet, registry, knownKey);
    if (known !== undefined) return checkType(known, type);
  }
  const r = resolveSpecifier(spec, parentName, fromDir);
  call(MapSet, resolved, cacheKey, r[0]);
  const existing = call(MapGet, registry, r[0]);
  if (existing !== undefined) return checkType(existing, type);
  checkType({ __proto__: null, kind: r[2], url: r[1] === null ? r[0] : fileUrl(r[1]) }, type);
  const record = newRecord(r[0], r[1], r[2]);
  call(MapSet, registry, r[0], record);
  append(fresh, record);
  if (r[2] === 'builtin') loadBuiltin(record, spec);
  else if (r[2] === 'cjs') loadCommonJS(record, parentName);
  else if (r[2] === 'json') loadJson(record);
  else loadModule(record, fresh);
  return record;
}
// A JSON module needs `type: 'json'`, and only a JSON module takes it.
function checkType(record, type) {
  if (record.kind === 'json' && type !== 'json') {
    throw L.codedError(TypeErrorCtor, 'ERR_IMPORT_ASSERTION_TYPE_MISSING',
      `Module "${record.url}" needs an import attribute of type "json"`);
  }
  if (record.kind !== 'json' && type === 'json') {
    throw L.codedError(TypeErrorCtor, 'ERR_IMPORT_ASSERTION_TYPE_FAILED', `Module "${record.url}" is not of type "json"`);
  }
  return record;
}
// A JSON module: its one export, default, is the parsed file.
function loadJson(record) {
  const text = L.fsRead(record.filename);
  if (text === null) throw moduleNotFound(`Cannot find module '${record.filename}'`, record.url);
  let value;
  try {
    value = JSONParse(L.stripBOM(text));
  } catch (e) {
    if (e !== null && typeof e === 'object') e.message = record.filename + ': ' + e.message;
    throw e;
  }
  defineGetter(record.bindings, 'default', () => value);
  record.names = ['default'];
  record.status = 'evaluated';
}

// A CommonJS module or a built-in: evaluated now (to know its names);
// default is module.exports, the named exports are its own enumerable
// keys (not a static scan as Node's cjs-module-lexer: see README).
function loadCommonJS(record, parentName) {
  const parent = { __proto__: null, id: parentName, filename: parentName, path: L.pathDirname(parentName), children: undefined };
  exportsRecord(record, L.requireFrom(parent, record.filename));
}
function loadBuiltin(record, spec) {
  const exports = requireBuiltin(StringPrototypeSlice(record.key, 5));
  if (exports === undefined) {
    throw L.codedError(ErrorCtor, 'ERR_UNKNOWN_BUILTIN_MODULE',
      `Node's built-in module '${StringPrototypeSlice(record.key, 5)}' is not provided by kenshell yet (import('${spec}'))`);
  }
  exportsRecord(record, exports);
}
function exportsRecord(record, exports) {
  const names = ['default'];
  defineGetter(record.bindings, 'default', () => exports);
  if ((typeof exports === 'object' && exports !== null) || typeof exports === 'function') {
    const keys = ObjectKeys(exports);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === 'default') continue;
      append(names, key);
      defineGetter(record.bindings, key, () => exports[key]);
    }
  }
  record.names = sortedNames(names);
  record.status = 'evaluated';
}

function loadModule(record, fresh) {
  const filename = record.filename;
  const text = L.fsRead(filename);
  if (text === null) throw moduleNotFound(`Cannot find module '${filename}'`, record.url);
  const info = transform(L.stripBOM(text), filename);
  record.info = info;
  // Named by its URL, as Node names an ES module in stack traces.
  const compiled = host.compileScript(info.code, record.url);
  info.code = null; // V8's script keeps the source; the record need not
  if (ArrayIsArray(compiled)) throw compileError(record.url, compiled);
  const fromDir = L.pathDirname(filename);
  const deps = record.deps;
  for (let i = 0; i < info.requests.length; i++) append(deps, recordFor(info.requests[i], filename, fromDir, fresh, info.requestTypes[i]));
  const b = [];
  const n = [];
  for (let i = 0; i < deps.length; i++) {
    append(b, deps[i].bindings);
    append(n, deps[i].namespace);
  }
  const ks = {
    __proto__: null,
    meta: importMeta(record),
    b,
    n,
    e(getters) {
      const keys = ObjectKeys(getters);
      for (let i = 0; i < keys.length; i++) defineGetter(record.bindings, keys[i], getters[keys[i]]);
    },
  };
  record.async = info.async;
  record.gen = ReflectApply(compiled, undefined, [ks]);
  // Runs the prologue: the exports exist before any module of the graph
  // runs (a cycle sees them, in their TDZ until their module ran).
  if (info.async) AsyncGeneratorNext(record.gen);
  else GeneratorNext(record.gen);
}

// A syntax error V8 found in a transformed module (one acorn let through),
// shown as Node shows a module's: url:line, the line, a caret.
function compileError(url, compiled) {
  const error = compiled[0];
  if (host.typeTag(error) !== 'error' || typeof error.stack !== 'string') return error;
  L.withoutRuntimeFrames(error);
  let caret = '';
  for (let i = 0; i < compiled[3]; i++) caret += ' ';
  const width = compiled[4] > compiled[3] ? compiled[4] - compiled[3] : 1;
  for (let i = 0; i < width; i++) caret += '^';
  ObjectDefineProperty(error, 'stack', {
    __proto__: null,
    value: `${url}:${compiled[1]}\n${compiled[2]}\n${caret}\n${error.stack}`,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return error;
}

// An error thrown by a module's body: the loader's frames (and the
// generator's next() that ran the body) are not the user's.
function hideEvaluationFrames(e) {
  if (host.typeTag(e) !== 'error') return;
  const desc = ObjectGetOwnPropertyDescriptor(e, 'stack');
  if (desc === undefined || !desc.configurable || typeof e.stack !== 'string') return;
  const lines = StringPrototypeSplit(e.stack, '\n');
  const kept = [];
  let dropped = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (StringPrototypeIncludes(line, '(kenshell:prelude:') || StringPrototypeIncludes(line, 'Generator.next (<anonymous>)')) {
      dropped = true;
      continue;
    }
    append(kept, line);
  }
  if (dropped) ObjectDefineProperty(e, 'stack', { __proto__: null, value: ArrayPrototypeJoin(kept, '\n'), writable: true, configurable: true, enumerable: false });
}

function importMeta(record) {
  const filename = record.filename;
  const dirname = L.pathDirname(filename);
  return {
    __proto__: null,
    dirname,
    filename,
    resolve: function resolve(specifier) {
      const r = resolveSpecifier(`${specifier}`, filename, dirname);
      return r[1] === null ? r[0] : fileUrl(r[1]);
    },
    url: record.url,
  };
}

// Export names of a record: its own, its re-exports, and those of its
// star exports (not 'default'; the first one wins a clash).
function exportNames(record, visiting) {
  if (record.names !== null) return record.names;
  const info = record.info;
  const seen = new SetCtor();
  const list = [];
  const add = (name) => { if (!call(SetHas, seen, name)) { call(SetAdd, seen, name); append(list, name); } };
  for (let i = 0; i < info.localNames.length; i++) add(info.localNames[i]);
  for (let i = 0; i < info.reexports.length; i++) add(info.reexports[i][0]);
  if (!call(SetHas, visiting, record)) {
    call(SetAdd, visiting, record);
    for (let i = 0; i < info.stars.length; i++) {
      const names = exportNames(record.deps[info.stars[i]], visiting);
      for (let j = 0; j < names.length; j++) if (names[j] !== 'default') add(names[j]);
    }
  }
  return list;
}
function hasExport(record, name) {
  const names = exportNames(record, new SetCtor());
  for (let i = 0; i < names.length; i++) if (names[i] === name) return true;
  return false;
}

// After a load: re-exports and star exports become getters, imports are
// checked, namespaces sealed.
function finishLinking(fresh) {
  for (let i = 0; i < fresh.length; i++) {
    const record = fresh[i];
    if (record.kind !== 'esm') continue;
    const info = record.info;
    for (let j = 0; j < info.checks.length; j++) {
      const dep = record.deps[info.checks[j][0]];
      const name = info.checks[j][1];
      if (!hasExport(dep, name)) throw missingExport(info.requests[info.checks[j][0]], dep, name);
    }
  }
  for (let i = 0; i < fresh.length; i++) {
    const record = fresh[i];
    if (record.kind !== 'esm') continue;
    const info = record.info;
    const bindings = record.bindings;
    for (let j = 0; j < info.reexports.length; j++) {
      const exported = info.reexports[j][0];
      const dep = record.deps[info.reexports[j][1]];
      const name = info.reexports[j][2];
      if (ReflectGetOwnPropertyDescriptor(bindings, exported) !== undefined) continue;
      defineGetter(bindings, exported, name === null ? () => dep.namespace : () => dep.bindings[name]);
    }
    for (let j = 0; j < info.stars.length; j++) {
      const dep = record.deps[info.stars[j]];
      const names = exportNames(dep, new SetCtor());
      for (let k = 0; k < names.length; k++) {
        const name = names[k];
        if (name === 'default' || ReflectGetOwnPropertyDescriptor(bindings, name) !== undefined) continue;
        defineGetter(bindings, name, () => dep.bindings[name]);
      }
    }
  }
  for (let i = 0; i < fresh.length; i++) {
    const record = fresh[i];
    if (record.names === null) record.names = sortedNames(exportNames(record, new SetCtor()));
  }
  for (let i = 0; i < fresh.length; i++) {
    sealNamespace(fresh[i]);
    if (fresh[i].status === 'linking') fresh[i].status = 'linked';
  }
}
function missingExport(spec, dep, name) {
  if (dep.kind === 'esm') {
    return L.withoutRuntimeFrames(new SyntaxErrorCtor(`The requested module '${spec}' does not provide an export named '${name}'`));
  }
  return L.withoutRuntimeFrames(new SyntaxErrorCtor(`Named export '${name}' not found. The requested module '${spec}' is a CommonJS module, ` +
    'which may not support all module.exports as named exports.\nCommonJS modules can always be imported via the default export, ' +
    `for example using:\n\nimport pkg from '${spec}';\nconst { ${name} } = pkg;\n`));
}

// ---- evaluation: dependencies first, in order; a module whose body (or a
// dependency's) awaits continues when that settles. A module already
// evaluating (a cycle) is skipped, as the spec's DFS does.
function forget(record) {
  call(MapDelete, registry, record.key);
}
function evaluate(record) {
  if (record.status === 'evaluated') return record.pending;
  // A module evaluating further up this chain (a cycle) is not waited for;
  // one that is waiting for its own dependencies or body is.
  if (record.status === 'evaluating') return record.active ? undefined : record.pending;
  record.status = 'evaluating';
  const deps = record.deps;
  let i = 0;
  const fail = (e) => {
    hideEvaluationFrames(e);
    forget(record);
    record.status = 'evaluated';
    record.pending = PromiseReject(e);
    PromisePrototypeThen(record.pending, undefined, () => {});
    throw e;
  };
  const done = () => {
    record.status = 'evaluated';
    record.pending = undefined;
    record.gen = null;
  };
  const step = () => {
    record.active = true;
    try {
      return steps();
    } finally {
      record.active = false;
    }
  };
  const steps = () => {
    while (i < deps.length) {
      let p;
      try {
        p = evaluate(deps[i++]);
      } catch (e) {
        // A dependency failed: so does every module waiting for it.
        fail(e);
      }
      if (p !== undefined) return PromisePrototypeThen(p, step, fail);
    }
    const gen = record.gen;
    if (record.async) return PromisePrototypeThen(AsyncGeneratorNext(gen), done, fail);
    try {
      GeneratorNext(gen);
    } catch (e) {
      fail(e);
    }
    done();
    return undefined;
  };
  const result = step();
  if (result !== undefined && record.status === 'evaluating') record.pending = result;
  return result;
}

// import(specifier) from a script named `referrer` (a module's URL or a
// CommonJS module's filename, or an input's name at the prompt), with the
// call's import assertions ([key, value, ...]): a promise for the
// namespace.
function dynamicImport(specifier, referrer, assertions) {
  let record;
  try {
    // An ES module's script is named by its URL, a CommonJS module's by
    // its filename; an input at the prompt has neither.
    if (typeof referrer === 'string' && StringPrototypeStartsWith(referrer, 'file://')) referrer = urlToPath(referrer);
    const fromModule = typeof referrer === 'string' && StringPrototypeStartsWith(referrer, '/');
    const fromDir = fromModule ? L.pathDirname(referrer) : L.replFromDir();
    const parentName = fromModule ? referrer : (fromDir === '/' ? '' : fromDir) + '/repl';
    const fresh = [];
    L.enter();
    try {
      let type = null;
      if (ArrayIsArray(assertions)) {
        for (let i = 0; i + 1 < assertions.length; i += 2) if (assertions[i] === 'type') type = `${assertions[i + 1]}`;
      }
      record = recordFor(`${specifier}`, parentName, fromDir, fresh, type);
      finishLinking(fresh);
    } catch (e) {
      for (let i = 0; i < fresh.length; i++) forget(fresh[i]);
      throw e;
    } finally {
      L.leave();
    }
    const p = evaluate(record);
    if (p === undefined) return PromiseResolved(record.namespace);
    return PromisePrototypeThen(p, () => record.namespace);
  } catch (e) {
    L.hideLoaderFrames(e);
    return PromiseReject(e);
  }
}
esmImport = dynamicImport;

// `import x from 'y'` typed at the prompt: as Node's REPL, the error says
// so and spells out the import() to use instead (built from the line the
// error is on).
esmReplImportError = function replImportError(error, sourceLine) {
  if (host.typeTag(error) !== 'error' || typeof sourceLine !== 'string') return;
  const desc = ObjectGetOwnPropertyDescriptor(error, 'message');
  if (desc === undefined || desc.value !== 'Cannot use import statement outside a module') return;
  let suggestion = '';
  try {
    const ast = withPristineBuiltins(() => parser().parse(sourceLine, { __proto__: null, ecmaVersion: 'latest', sourceType: 'module' }));
    for (let i = 0; i < ast.body.length; i++) {
      const node = ast.body[i];
      if (node.type !== 'ImportDeclaration') continue;
      const from = `await import(${JSONStringify(`${node.source.value}`)});`;
      let names = '';
      let namespace = null;
      for (let j = 0; j < node.specifiers.length; j++) {
        const spec = node.specifiers[j];
        if (spec.type === 'ImportNamespaceSpecifier') { namespace = spec.local.name; continue; }
        const imported = spec.type === 'ImportDefaultSpecifier' ? 'default' : exportName(spec.imported);
        const part = imported === spec.local.name ? imported : `${imported}: ${spec.local.name}`;
        names += names === '' ? part : ', ' + part;
      }
      if (namespace !== null) suggestion += `const ${namespace} = ${from}`;
      else if (names === '') suggestion += from;
      else suggestion += `const { ${names} } = ${from}`;
    }
  } catch {
    // Not a whole import on this line: no suggestion.
  }
  const message = `Cannot use import statement inside the Node.js REPL, alternatively use dynamic import: ${suggestion}`;
  const stack = error.stack;
  ObjectDefineProperty(error, 'message', { __proto__: null, value: message, writable: true, enumerable: false, configurable: true });
  if (typeof stack === 'string') {
    const cut = StringPrototypeIndexOf(stack, '\n');
    const rest = cut < 0 ? '' : StringPrototypeSlice(stack, cut);
    ObjectDefineProperty(error, 'stack', { __proto__: null, value: `SyntaxError: ${message}${rest}`, writable: true, enumerable: false, configurable: true });
  }
};
}
