// ----------------------------------------------------------------- crypto
const cryptoObject = {
  getRandomValues(array) {
    const tag = host.typeTag(array);
    if (tag !== 'typedarray' || array instanceof Float32Array || array instanceof Float64Array) {
      throw new TypeErrorCtor('The data argument must be an integer-type TypedArray');
    }
    if (array.byteLength > 65536) {
      throw new RangeError(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`);
    }
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < bytes.length; i += 4) {
      let word = host.randomSeed();
      for (let j = 0; j < 4 && i + j < bytes.length; j++) {
        bytes[i + j] = word & 0xff;
        word = MathFloor(word / 256);
      }
    }
    return array;
  },
  randomUUID() {
    const b = cryptoObject.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = '';
    for (let i = 0; i < 16; i++) {
      hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
      if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
    }
    return hex;
  },
};
hidden(globalThis, 'crypto', cryptoObject);

