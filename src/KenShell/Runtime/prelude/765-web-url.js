// ------------------------------------------------------- URL, URLSearchParams
// WHATWG URL: the vendored `whatwg-url` (the URL Standard's reference
// implementation, with `tr46` for IDNA), loaded on first use of the
// globals (lazy accessors, as Node's Buffer) or of node:url. Made to look
// as Node's from outside: its errors are Node's ERR_INVALID_URL (with
// `input`, and `base`), and URL and URLSearchParams print as Node prints
// them.
let whatwgUrl = null;
function invalidUrl(input, base, hasBase) {
  const err = nodeError(TypeErrorCtor, 'ERR_INVALID_URL', 'Invalid URL');
  err.input = input;
  if (hasBase) err.base = base;
  return err;
}
function loadWhatwgUrl() {
  if (whatwgUrl !== null) return whatwgUrl;
  const api = requireVendored('whatwg-url');
  const implModule = requireVendored('whatwg-url/lib/URL-impl.js');
  const Impl = implModule.implementation;
  class URLImpl extends Impl {
    constructor(globalObject, args, privateData) {
      try {
        super(globalObject, args, privateData);
      } catch (e) {
        throw invalidUrl(`${args[0]}`, `${args[1]}`, args.length > 1 && args[1] !== undefined);
      }
    }
    get href() { return super.href; }
    set href(v) {
      try { super.href = v; } catch (e) { throw invalidUrl(`${v}`, undefined, false); }
    }
  }
  implModule.implementation = URLImpl;

  const URLCtor = api.URL;
  const URLSearchParamsCtor = api.URLSearchParams;
  hidden(URLCtor.prototype, customInspectSymbol, function inspectURL(depth, options) {
    if (typeof depth === 'number' && depth < 0) return this;
    return inspectAs('URL', {
      href: this.href, origin: this.origin, protocol: this.protocol, username: this.username,
      password: this.password, host: this.host, hostname: this.hostname, port: this.port,
      pathname: this.pathname, search: this.search, searchParams: this.searchParams, hash: this.hash,
    }, depth, options);
  });
  hidden(URLSearchParamsCtor.prototype, customInspectSymbol, function inspectURLSearchParams(depth, options) {
    if (typeof depth === 'number' && depth < 0) return '[Object]';
    const inner = { __proto__: null, depth: typeof depth === 'number' ? depth - 1 : depth, colors: options !== null && typeof options === 'object' ? !!options.colors : false };
    const parts = [];
    let length = -2;
    const entries = [];
    this.forEach((value, key) => { append(entries, [key, value]); });
    for (let i = 0; i < entries.length; i++) {
      const part = `${inspect(entries[i][0], inner)} => ${inspect(entries[i][1], inner)}`;
      length += part.length + 2;
      append(parts, part);
    }
    const breakLength = options !== null && typeof options === 'object' && typeof options.breakLength === 'number' ? options.breakLength : 80;
    if (length > breakLength) return `URLSearchParams {\n  ${ArrayPrototypeJoin(parts, ',\n  ')} }`;
    if (parts.length > 0) return `URLSearchParams { ${ArrayPrototypeJoin(parts, ', ')} }`;
    return 'URLSearchParams {}';
  });
  whatwgUrl = api;
  return api;
}
lazyGlobal('URL', () => loadWhatwgUrl().URL, false);
lazyGlobal('URLSearchParams', () => loadWhatwgUrl().URLSearchParams, false);
