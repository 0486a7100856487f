// -------------------------------------------------------------- messaging
// ken.send queues a structured clone of a value for another shell. The
// queue, the sequence numbers, what each sender has delivered here, and
// messages waiting for a handler all live in the heap; the host transmits
// after the sending turn commits, retransmits until acknowledged, and
// delivers each arriving message as a turn of its own (exactly once, in
// order per sender). See src/KenShell/Messaging/README.md.
let selfAddress = '';
const outStreams = new MapCtor(); // peer address -> { next, acked, messages: Map seq -> Uint8Array }
const inWindows = new MapCtor();  // "from\nto" -> receiver window state (the host's JSON, opaque here)
const inbox = [];                 // [from, Uint8Array] delivered while no handler was set
let messageHandler = null;
let messagesSent = 0;
let messagesDelivered = 0;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function toBase64(bytes) {
  const parts = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8) | (i + 2 < bytes.length ? bytes[i + 2] : 0);
    chunk += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] +
      (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
    if (chunk.length >= 8192) { append(parts, chunk); chunk = ''; }
  }
  append(parts, chunk);
  return ArrayPrototypeJoin(parts, '');
}
const B64Index = new Uint8Array(128);
for (let i = 0; i < 64; i++) B64Index[B64.charCodeAt(i)] = i;
function fromBase64(text) {
  let length = (text.length / 4) * 3;
  if (StringPrototypeEndsWith(text, '==')) length -= 2; else if (StringPrototypeEndsWith(text, '=')) length -= 1;
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (B64Index[StringPrototypeCharCodeAt(text, i)] << 18) | (B64Index[StringPrototypeCharCodeAt(text, i + 1)] << 12) |
      (B64Index[StringPrototypeCharCodeAt(text, i + 2)] << 6) | B64Index[StringPrototypeCharCodeAt(text, i + 3)];
    if (o < length) out[o++] = (n >> 16) & 255;
    if (o < length) out[o++] = (n >> 8) & 255;
    if (o < length) out[o++] = n & 255;
  }
  return out;
}
function countUnacknowledged() {
  let unacknowledged = 0;
  const streams = mapList(outStreams);
  for (let i = 0; i < streams.length; i++) unacknowledged += MapPrototypeGetSize(streams[i].messages);
  return unacknowledged;
}
// Why `text` cannot be a shell's address, or null when it can be one: the
// rules and words of src/KenShell/Messaging/PeerAddress.cs (IPv4 dotted quad,
// [IPv6], or a host name; port 1-65535), written out here because a turn
// cannot call into the host synchronously; a test checks both agree on a
// table of addresses. Returns [errorConstructor, message]. No DNS: whether a
// host name resolves is found when the message is transmitted.
const StringCharCodeAt = String.prototype.charCodeAt;
const StringFromCharCode = String.fromCharCode;
const NumberToString = Number.prototype.toString;
const codeAt = (text, i) => call(StringCharCodeAt, text, i);
const hex4 = (code) => { const t = call(NumberToString, code + 0x10000, 16); return substring(t, 1, t.length); };
const toLower = (text) => {
  let lower = '';
  for (let k = 0; k < text.length; k++) {
    const c = codeAt(text, k);
    lower += c >= 65 && c <= 90 ? StringFromCharCode(c + 32) : text[k];
  }
  return lower;
};
const isDigit = (c) => c >= '0' && c <= '9';
const isHex = (c) => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
const isLetterOrDigit = (c) => isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
function substring(text, from, to) {
  let out = '';
  for (let i = from; i < to; i++) out += text[i];
  return out;
}
function indexOfChar(text, c, from = 0) {
  for (let i = from; i < text.length; i++) if (text[i] === c) return i;
  return -1;
}
function lastIndexOfChar(text, c) {
  for (let i = text.length - 1; i >= 0; i--) if (text[i] === c) return i;
  return -1;
}
function splitChar(text, c) {
  const parts = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === c) { parts[parts.length] = substring(text, start, i); start = i + 1; }
  }
  return parts;
}
function allChars(text, test) {
  for (let i = 0; i < text.length; i++) if (!test(text[i])) return false;
  return true;
}
function decimal(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) n = n * 10 + (codeAt(text, i) - 48);
  return n;
}
// Four numbers 0-255 without leading zeros; the bytes, or null.
function dottedQuad(text) {
  const parts = splitChar(text, '.');
  if (parts.length !== 4) return null;
  const bytes = [];
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length === 0 || p.length > 3 || !allChars(p, isDigit) || (p.length > 1 && p[0] === '0')) return null;
    const v = decimal(p);
    if (v > 255) return null;
    bytes[i] = v;
  }
  return bytes;
}
// An IPv6 address (RFC 4291 text: hex groups, one '::', an IPv4 tail): its
// eight 16-bit groups, or null.
function ipv6Groups(text) {
  if (text.length === 0) return null;
  const groups = [];
  let gap = -1;
  let i = 0;
  if (text[0] === ':') {
    if (text.length < 2 || text[1] !== ':') return null;
    gap = 0;
    i = 2;
  }
  while (i < text.length) {
    let j = i;
    while (j < text.length && text[j] !== ':') j++;
    const part = substring(text, i, j);
    if (j === text.length && indexOfChar(part, '.') >= 0) {
      const quad = dottedQuad(part);
      if (quad === null || groups.length > 6) return null;
      groups[groups.length] = quad[0] * 256 + quad[1];
      groups[groups.length] = quad[2] * 256 + quad[3];
      i = j;
      break;
    }
    if (part.length === 0 || part.length > 4 || !allChars(part, isHex)) return null;
    let v = 0;
    for (let k = 0; k < part.length; k++) {
      const c = codeAt(part, k);
      v = v * 16 + (c <= 57 ? c - 48 : (c | 32) - 87); // '0'-'9', 'a'-'f' / 'A'-'F'
    }
    groups[groups.length] = v;
    if (groups.length > 8) return null;
    if (j === text.length) { i = j; break; }
    // A ':' ends the group; '::' marks the gap (once).
    if (j + 1 < text.length && text[j + 1] === ':') {
      if (gap >= 0) return null;
      gap = groups.length;
      i = j + 2;
    } else {
      if (j + 1 === text.length) return null; // a trailing single ':'
      i = j + 1;
    }
  }
  if (gap < 0) return groups.length === 8 ? groups : null;
  if (groups.length > 7) return null;
  const full = [];
  for (let k = 0; k < gap; k++) full[full.length] = groups[k];
  for (let k = groups.length; k < 8; k++) full[full.length] = 0;
  for (let k = gap; k < groups.length; k++) full[full.length] = groups[k];
  return full;
}
// RFC 5952 text of eight groups (as .NET prints them).
function ipv6Text(groups) {
  let bestStart = -1, bestLength = 1;
  for (let k = 0; k < 8;) {
    if (groups[k] !== 0) { k++; continue; }
    let end = k;
    while (end < 8 && groups[end] === 0) end++;
    if (end - k > bestLength) { bestStart = k; bestLength = end - k; }
    k = end;
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) { out += '::'; k += bestLength - 1; continue; }
    if (out.length > 0 && out[out.length - 1] !== ':') out += ':';
    out += call(NumberToString, groups[k], 16);
  }
  return out;
}
function hostNameProblem(name) {
  // Checked lowercased, named as written (as PeerAddress does).
  let canonical = toLower(name);
  if (canonical.length > 0 && canonical[canonical.length - 1] === '.') canonical = substring(canonical, 0, canonical.length - 1);
  if (canonical.length === 0 || canonical.length > 253) return `host name '${name}' must be 1-253 characters`;
  const labels = splitChar(canonical, '.');
  for (let l = 0; l < labels.length; l++) {
    const label = labels[l];
    if (label.length === 0 || label.length > 63) return `host name '${name}' has an empty label or one longer than 63 characters`;
    if (label[0] === '-' || label[label.length - 1] === '-') return `host name '${name}' has a label that starts or ends with '-'`;
    for (let k = 0; k < label.length; k++) {
      const c = label[k];
      // The character named is the lowercased one, as in PeerAddress.
      if (!(isLetterOrDigit(c) || c === '-' || c === '_')) return `'${name}' is neither an IPv4 address nor a host name (unexpected '${c}')`;
    }
  }
  if (allChars(labels[labels.length - 1], isDigit)) return `host name '${name}' ends in a numeric label`;
  return null;
}
function addressProblem(text) {
  if (text.length === 0) return [TypeErrorCtor, 'an address is HOST:PORT, e.g. 127.0.0.1:6666 or [::1]:6666; got an empty string'];
  const shown = text.length > 80 ? substring(text, 0, 80) + '...' : text;
  const bad = (message) => [TypeErrorCtor, message];
  if (text.length > 256) return bad(`address '${shown}' is too long (at most 255 characters)`);
  for (let i = 0; i < text.length; i++) {
    const code = codeAt(text, i);
    if (code <= 32 || code >= 0x7f) {
      let printable = '';
      for (let k = 0; k < shown.length; k++) {
        const c = codeAt(shown, k);
        printable += c > 32 && c < 0x7f ? shown[k] : '\\u' + hex4(c);
      }
      return bad(`address '${printable}' contains a space, control or non-ASCII character`);
    }
  }
  let hostText, portText;
  const bracketed = text[0] === '[';
  if (bracketed) {
    const close = indexOfChar(text, ']');
    if (close < 0) return bad(`address '${shown}' has '[' without ']'; IPv6 is written [::1]:6666`);
    hostText = substring(text, 1, close);
    if (close + 1 >= text.length || text[close + 1] !== ':') return bad(`address '${shown}' has no :PORT after ']' (e.g. [::1]:6666)`);
    portText = substring(text, close + 2, text.length);
    if (hostText.length === 0) return bad(`address '${shown}' has an empty host`);
  } else {
    const colon = lastIndexOfChar(text, ':');
    if (colon < 0) return bad(`address '${shown}' has no :PORT (an address is HOST:PORT, e.g. 127.0.0.1:6666)`);
    hostText = substring(text, 0, colon);
    portText = substring(text, colon + 1, text.length);
    if (hostText.length === 0) return bad(`address '${shown}' has an empty host`);
    if (indexOfChar(hostText, ':') >= 0) return bad(`address '${shown}': an IPv6 address must be in brackets, e.g. [::1]:6666`);
  }
  if (portText.length === 0) return bad(`address '${shown}': the port is missing after ':'`);
  if (!allChars(portText, isDigit)) return bad(`address '${shown}': port '${portText}' is not a number 1-65535`);
  // A number, but not a port: RangeError, as Node's dgram says of port 99999.
  if (portText.length > 5) return [RangeErrorCtor, `address '${shown}': port '${portText}' is not a number 1-65535`];
  if (portText.length > 1 && portText[0] === '0') return bad(`address '${shown}': port '${portText}' has a leading zero`);
  const port = decimal(portText);
  if (port < 1 || port > 65535) return [RangeErrorCtor, `address '${shown}': port ${portText} is out of range 1-65535`];
  let ipText = null, v4 = null;
  if (bracketed) {
    if (indexOfChar(hostText, '%') >= 0) return bad(`address '${shown}': '${hostText}' has a zone index (%...), which means different things on different machines`);
    const groups = ipv6Groups(hostText);
    if (groups === null) return bad(`address '${shown}': '${hostText}' in brackets is not an IPv6 address`);
    if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
      v4 = [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255]; // IPv4-mapped: that IPv4 address
    } else {
      ipText = ipv6Text(groups);
      if (ipText === '::') return bad(`address '${shown}': :: is the unspecified address, which cannot identify a shell; use a concrete one such as 127.0.0.1`);
      if (groups[0] >> 8 === 0xff) return bad(`address '${shown}': ${ipText} is a multicast address, which cannot identify a shell`);
    }
  } else if (allChars(hostText, (c) => isDigit(c) || c === '.')) {
    v4 = dottedQuad(hostText);
    if (v4 === null) return bad(`address '${shown}': '${hostText}' is not an IPv4 address (four numbers 0-255 without leading zeros, e.g. 127.0.0.1)`);
  } else {
    const problem = hostNameProblem(hostText);
    if (problem !== null) return bad(`address '${shown}': ${problem}`);
    const lower = toLower(hostText);
    const canonical = lower[lower.length - 1] === '.' ? substring(lower, 0, lower.length - 1) : lower;
    if (canonical.length + 1 + portText.length > 255) return bad(`address '${shown}' is too long (at most 255 characters)`);
  }
  if (v4 !== null) {
    const v4Text = `${v4[0]}.${v4[1]}.${v4[2]}.${v4[3]}`;
    if (v4Text === '0.0.0.0') return bad(`address '${shown}': 0.0.0.0 is the unspecified address, which cannot identify a shell; use a concrete one such as 127.0.0.1`);
    if (v4Text === '255.255.255.255') return bad(`address '${shown}': 255.255.255.255 is the broadcast address, which cannot identify a shell`);
    if ((v4[0] & 0xf0) === 0xe0) return bad(`address '${shown}': ${v4Text} is a multicast address, which cannot identify a shell`);
  }
  return null;
}
function callHandler(value, from) {
  ReflectApply(messageHandler, undefined, [value, from]);
}
const ken = {
  get address() { return selfAddress; },
  send(address, value) {
    if (typeof address !== 'string') throw invalidArgType('address', 'of type string', address);
    // An address that cannot be one would queue its messages forever.
    const problem = addressProblem(address);
    if (problem !== null) throw new problem[0](`ken.send: ${problem[1]}`);
    if (typeof host.serialize !== 'function') {
      throw new TypeErrorCtor('this store was created by a kenshell without messaging; ken.send is not available in it');
    }
    const bytes = new Uint8Array(host.serialize(value)); // DataCloneError for what cannot be cloned
    let stream = call(MapGet, outStreams, address);
    if (stream === undefined) {
      stream = { next: 1, acked: 0, messages: new MapCtor() };
      call(MapSet, outStreams, address, stream);
    }
    call(MapSet, stream.messages, stream.next++, bytes);
    messagesSent++;
  },
  get onmessage() { return messageHandler; },
  set onmessage(handler) {
    if (handler !== null && handler !== undefined && typeof handler !== 'function') {
      throw invalidArgType('onmessage', 'a function or null', handler);
    }
    messageHandler = handler ?? null;
  },
  // Messages not yet acknowledged, per peer.
  pending() {
    const result = {};
    const streams = mapList(outStreams, true);
    for (let i = 0; i < streams.length; i++) {
      const size = MapPrototypeGetSize(streams[i][1].messages);
      if (size > 0) ObjectDefineProperty(result, streams[i][0], { __proto__: null, value: size, writable: true, enumerable: true, configurable: true });
    }
    return result;
  },
  stats() {
    const unacknowledged = countUnacknowledged();
    return { sent: messagesSent, delivered: messagesDelivered, unacknowledged, waitingForHandler: inbox.length };
  },
};
ObjectDefineProperty(ken, Symbol.toStringTag, { __proto__: null, value: 'ken' });
hidden(globalThis, 'ken', ken);

