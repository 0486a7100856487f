// TEMPORARY STUB (lead): replaced by the real formatter.
function createInspect(internals) {
  function inspect(v, opts) {
    if (typeof v === 'string') return "'" + v + "'";
    if (typeof v === 'bigint') return v + 'n';
    if (typeof v === 'symbol') return v.toString();
    if (typeof v === 'function') return '[Function: ' + v.name + ']';
    if (v !== null && typeof v === 'object') { try { return JSON.stringify(v); } catch { return '[object]'; } }
    return String(v);
  }
  function formatUncaught(e) { return 'Uncaught ' + (e instanceof Error ? e.stack.split('\n')[0] : inspect(e)); }
  function formatSyntaxError(e, line, start) { return line + '\n' + ' '.repeat(start) + '^\n\nUncaught ' + e; }
  function formatLog(args) { return args.map(a => typeof a === 'string' ? a : inspect(a)).join(' '); }
  return { inspect, formatUncaught, formatSyntaxError, formatLog };
}
