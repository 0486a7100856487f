// -------------------------------------------------------------- node:path
// The vendored `path-browserify` (Node's own POSIX path code of Node 10,
// as bundlers ship it); `resolve` starts from the shell's working
// directory, as Node's starts from process.cwd().
defineBuiltinModule('path', () => {
  const npm = requireVendored('path-browserify');
  const path = ObjectAssignTo({}, npm);
  path.resolve = function resolve(...args) {
    for (let i = 0; i < args.length; i++) {
      if (typeof args[i] !== 'string') throw invalidArgType(`paths[${i}]`, 'of type string', args[i]);
    }
    return ReflectApply(npm.resolve, npm, [host.fsQuery('cwd'), ...args]);
  };
  path.toNamespacedPath = function toNamespacedPath(p) { return p; };
  path.posix = path;
  path._makeLong = path.toNamespacedPath;
  return path;
});
defineBuiltinModule('path/posix', () => requireBuiltin('path'));
