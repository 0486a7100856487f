// --------------------------------------------------------------- node:url
// The legacy API (parse, format, resolve, resolveObject, Url) is the
// vendored npm `url` (Node's own url.js, as bundlers ship it); the WHATWG
// part is kenshell's URL/URLSearchParams (section 765) and the helpers
// Node adds over it.
defineBuiltinModule('url', () => {
  const npm = requireVendored('url/');
  const WebURL = loadWhatwgUrl().URL;
  const WebURLSearchParams = loadWhatwgUrl().URLSearchParams;
  function fileURLToPath(path) {
    const url = typeof path === 'string' ? new WebURL(path) : path;
    if (!(url instanceof WebURL) && (url === null || typeof url !== 'object' || typeof url.href !== 'string')) {
      throw invalidArgType('path', 'of type string or an instance of URL', path);
    }
    if (url.protocol !== 'file:') throw nodeError(TypeErrorCtor, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file');
    if (url.hostname !== '') {
      throw nodeError(TypeErrorCtor, 'ERR_INVALID_FILE_URL_HOST', 'File URL host must be "localhost" or empty on linux');
    }
    const pathname = url.pathname;
    for (let n = 0; n < pathname.length; n++) {
      if (pathname[n] === '%') {
        const third = StringPrototypeCharCodeAt(pathname, n + 2) | 0x20;
        if (pathname[n + 1] === '2' && third === 102) {
          throw nodeError(TypeErrorCtor, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded / characters');
        }
      }
    }
    return DecodeURIComponent(pathname);
  }
  function pathToFileURL(filepath) {
    let resolved = requireBuiltin('path').resolve(filepath);
    if (StringPrototypeCharCodeAt(filepath, filepath.length - 1) === 47 && resolved[resolved.length - 1] !== '/') resolved += '/';
    // As Node: escape what the URL parser would otherwise read as syntax.
    resolved = StringPrototypeReplace(resolved, /%/g, '%25');
    resolved = StringPrototypeReplace(resolved, /\\/g, '%5C');
    resolved = StringPrototypeReplace(resolved, /\n/g, '%0A');
    resolved = StringPrototypeReplace(resolved, /\r/g, '%0D');
    resolved = StringPrototypeReplace(resolved, /\t/g, '%09');
    const url = new WebURL('file://');
    url.pathname = resolved;
    return url;
  }
  function format(urlObject, options) {
    if (urlObject instanceof WebURL) {
      let fragment = true;
      let unicode = false;
      let search = true;
      let auth = true;
      if (options !== undefined && options !== null) {
        if (options.fragment !== undefined) fragment = !!options.fragment;
        if (options.unicode !== undefined) unicode = !!options.unicode;
        if (options.search !== undefined) search = !!options.search;
        if (options.auth !== undefined) auth = !!options.auth;
      }
      let out = urlObject.protocol;
      if (urlObject.host !== '' || urlObject.protocol === 'file:') {
        out += '//';
        if (auth && (urlObject.username !== '' || urlObject.password !== '')) {
          out += urlObject.username + (urlObject.password !== '' ? ':' + urlObject.password : '') + '@';
        }
        out += unicode ? domainToUnicode(urlObject.hostname) + (urlObject.port !== '' ? ':' + urlObject.port : '') : urlObject.host;
      }
      out += urlObject.pathname;
      if (search) out += urlObject.search;
      if (fragment) out += urlObject.hash;
      return out;
    }
    return npm.format(urlObject);
  }
  function domainToASCII(domain) {
    try { return new WebURL(`ws://${domain}`).hostname; } catch { return ''; }
  }
  function domainToUnicode(domain) {
    const ascii = domainToASCII(domain);
    if (ascii === '') return '';
    return requireVendored('punycode/').toUnicode(ascii);
  }
  function urlToHttpOptions(url) {
    const options = {
      protocol: url.protocol,
      hostname: typeof url.hostname === 'string' && StringPrototypeStartsWith(url.hostname, '[')
        ? StringPrototypeSlice(url.hostname, 1, -1) : url.hostname,
      hash: url.hash,
      search: url.search,
      pathname: url.pathname,
      path: `${url.pathname || ''}${url.search || ''}`,
      href: url.href,
    };
    if (url.port !== '') options.port = +url.port;
    if (url.username || url.password) options.auth = `${DecodeURIComponent(url.username)}:${DecodeURIComponent(url.password)}`;
    return options;
  }
  // Node's parse(url, true) parses the query with node:querystring (an
  // object with a null prototype).
  function parse(input, parseQueryString, slashesDenoteHost) {
    const parsed = npm.parse(input, false, slashesDenoteHost);
    if (parseQueryString) {
      parsed.query = typeof parsed.query === 'string' ? requireBuiltin('querystring').parse(parsed.query) : { __proto__: null };
      if (parsed.search === null) parsed.search = '';
    }
    return parsed;
  }
  return {
    Url: npm.Url,
    parse,
    resolve: npm.resolve,
    resolveObject: npm.resolveObject,
    format,
    URL: WebURL,
    URLSearchParams: WebURLSearchParams,
    domainToASCII,
    domainToUnicode,
    pathToFileURL,
    fileURLToPath,
    urlToHttpOptions,
  };
});
