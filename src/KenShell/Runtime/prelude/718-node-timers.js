// ------------------------------------------- node:timers, node:timers/promises
// Over kenshell's own timers (section 400: in the heap, persistent), as
// captured when the store was created.
{
const timerFunctions = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
};
function abortError(signal) {
  const err = new ErrorClass('The operation was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}
function checkSignal(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof WebAbortSignal)) throw invalidArgType('options.signal', 'an instance of AbortSignal', signal);
  return signal;
}
// A promise settled by a timer, rejected with an AbortError when the signal
// aborts (the timer is then cleared).
function timerPromise(start, clear, value, options) {
  const signal = checkSignal(options);
  if (signal !== undefined && signal.aborted) return PromiseReject(abortError(signal));
  return new PromiseCtor((resolve, reject) => {
    let onAbort;
    const handle = start(() => {
      if (signal !== undefined) signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
    if (signal !== undefined) {
      onAbort = () => { clear(handle); reject(abortError(signal)); };
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}
function promisesSetTimeout(delay, value, options) {
  return timerPromise((fn) => timerFunctions.setTimeout(fn, delay), timerFunctions.clearTimeout, value, options);
}
function promisesSetImmediate(value, options) {
  return timerPromise((fn) => timerFunctions.setImmediate(fn), timerFunctions.clearImmediate, value, options);
}
// An async iterator yielding `value` every `delay` ms (ticks that come
// while nobody waits are counted, as Node counts them).
function promisesSetInterval(delay, value, options) {
  const signal = checkSignal(options);
  let pending = 0;
  let waiter = null;
  let done = false;
  let handle = null;
  const onAbort = () => {
    done = true;
    if (handle !== null) timerFunctions.clearInterval(handle);
    if (waiter !== null) { const w = waiter; waiter = null; w.reject(abortError(signal)); }
  };
  return {
    [SymbolAsyncIterator]() { return this; },
    next() {
      if (signal !== undefined && signal.aborted) { done = true; return PromiseReject(abortError(signal)); }
      if (done) return PromiseResolve({ value: undefined, done: true });
      if (handle === null) {
        handle = timerFunctions.setInterval(() => {
          if (waiter !== null) { const w = waiter; waiter = null; w.resolve({ value, done: false }); } else pending++;
        }, delay);
        if (signal !== undefined) signal.addEventListener('abort', onAbort, { once: true });
      }
      if (pending > 0) { pending--; return PromiseResolve({ value, done: false }); }
      return new PromiseCtor((resolve, reject) => { waiter = { resolve, reject }; });
    },
    return() {
      done = true;
      if (handle !== null) timerFunctions.clearInterval(handle);
      if (signal !== undefined) signal.removeEventListener('abort', onAbort);
      return PromiseResolve({ value: undefined, done: true });
    },
  };
}
const timersPromises = {
  setTimeout: promisesSetTimeout,
  setImmediate: promisesSetImmediate,
  setInterval: promisesSetInterval,
  scheduler: {
    wait(delay, options) { return promisesSetTimeout(delay, undefined, options); },
    yield() { return promisesSetImmediate(); },
  },
};
defineBuiltinModule('timers/promises', () => timersPromises);
defineBuiltinModule('timers', () => ObjectAssignTo({}, timerFunctions, { promises: timersPromises }));
}
