// ------------------------------------------------------------ node:events
// The vendored npm `events` (EventEmitter, once, listenerCount), with the
// statics Node adds that mean something here.
defineBuiltinModule('events', () => {
  const EventEmitter = requireVendored('events/');
  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.getEventListeners = function getEventListeners(emitterOrTarget, type) {
    if (emitterOrTarget !== null && typeof emitterOrTarget === 'object' && typeof emitterOrTarget.listeners === 'function') {
      return emitterOrTarget.listeners(type);
    }
    if (emitterOrTarget instanceof WebEventTarget) return eventTargetListeners(emitterOrTarget, type);
    throw invalidArgType('emitter', 'an instance of EventEmitter or EventTarget', emitterOrTarget);
  };
  EventEmitter.getMaxListeners = function getMaxListeners(emitter) {
    if (emitter !== null && typeof emitter === 'object' && typeof emitter.getMaxListeners === 'function') return emitter.getMaxListeners();
    return EventEmitter.defaultMaxListeners;
  };
  EventEmitter.setMaxListeners = function setMaxListeners(n = EventEmitter.defaultMaxListeners, ...emitters) {
    if (emitters.length === 0) { EventEmitter.defaultMaxListeners = n; return; }
    for (let i = 0; i < emitters.length; i++) {
      if (typeof emitters[i].setMaxListeners === 'function') emitters[i].setMaxListeners(n);
    }
  };
  EventEmitter.usingDomains = false;
  addNodeEventsStatics(EventEmitter);
  return EventEmitter;
});

// What Node's events module has beyond the npm package: errorMonitor,
// on() (an async iterator of events), once() with a signal,
// addAbortListener, the capture-rejections names (kenshell does not
// capture rejections: captureRejections stays false); then the keys put in
// Node 20's order, so that Object.keys(require('events')) reads as Node's.
function addNodeEventsStatics(EventEmitter) {
  const errorMonitor = SymbolCtor('events.errorMonitor');
  const vendorEmit = EventEmitter.prototype.emit;
  // Node's emit('error') first tells the errorMonitor listeners (they only
  // watch: the error is still thrown when no 'error' listener exists).
  EventEmitter.prototype.emit = function emit(type, ...args) {
    if (type === 'error') {
      const events = this._events;
      if (events !== undefined && events !== null && events[errorMonitor] !== undefined) ReflectApply(vendorEmit, this, [errorMonitor, ...args]);
    }
    return ReflectApply(vendorEmit, this, [type, ...args]);
  };
  function abortError(signal) {
    const err = new ErrorClass('The operation was aborted', { cause: signal.reason });
    err.name = 'AbortError';
    err.code = 'ABORT_ERR';
    return err;
  }
  function checkSignal(options, name) {
    if (options === undefined || options === null) return undefined;
    if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof WebAbortSignal)) throw invalidArgType(name, 'an instance of AbortSignal', signal);
    return signal;
  }
  function listen(emitter, type, listener) {
    if (typeof emitter.on === 'function') emitter.on(type, listener);
    else if (typeof emitter.addEventListener === 'function') emitter.addEventListener(type, listener);
    else throw invalidArgType('emitter', 'an instance of EventEmitter or EventTarget', emitter);
  }
  function unlisten(emitter, type, listener) {
    if (typeof emitter.removeListener === 'function') emitter.removeListener(type, listener);
    else if (typeof emitter.removeEventListener === 'function') emitter.removeEventListener(type, listener);
  }
  const vendorOnce = EventEmitter.once;
  function once(emitter, name, options) {
    const signal = checkSignal(options, 'options.signal');
    if (signal === undefined) return vendorOnce(emitter, name);
    if (signal.aborted) return PromiseReject(abortError(signal));
    return new PromiseCtor((resolve, reject) => {
      const onAbort = () => {
        unlisten(emitter, name, resolver);
        if (name !== 'error') unlisten(emitter, 'error', errorListener);
        reject(abortError(signal));
      };
      function resolver(...args) {
        if (name !== 'error') unlisten(emitter, 'error', errorListener);
        unlisten(emitter, name, resolver);
        signal.removeEventListener('abort', onAbort);
        // An EventTarget's listener gets the event; Node resolves [event].
        resolve(args);
      }
      function errorListener(err) {
        unlisten(emitter, name, resolver);
        unlisten(emitter, 'error', errorListener);
        signal.removeEventListener('abort', onAbort);
        reject(err);
      }
      listen(emitter, name, resolver);
      if (name !== 'error' && typeof emitter.on === 'function') emitter.on('error', errorListener);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  // on(emitter, event[, options]): an async iterator of the arguments of
  // each event (arrays), ended by return() or a signal, failing on 'error'.
  function on(emitter, event, options) {
    const signal = checkSignal(options, 'options.signal');
    if (signal !== undefined && signal.aborted) throw abortError(signal);
    const queued = [];
    const waiting = [];
    let error = null;
    let finished = false;
    function eventHandler(...args) {
      if (waiting.length > 0) ArrayPrototypeShift(waiting).resolve({ value: args, done: false });
      else append(queued, args);
    }
    function errorHandler(err) {
      if (waiting.length > 0) ArrayPrototypeShift(waiting).reject(err);
      else error = err;
      closeIterator();
    }
    function abortListener() { errorHandler(abortError(signal)); }
    function closeIterator() {
      unlisten(emitter, event, eventHandler);
      if (event !== 'error' && typeof emitter.on === 'function') unlisten(emitter, 'error', errorHandler);
      if (signal !== undefined) signal.removeEventListener('abort', abortListener);
      finished = true;
      while (waiting.length > 0) ArrayPrototypeShift(waiting).resolve({ value: undefined, done: true });
    }
    const iterator = ObjectSetPrototypeOf({
      next() {
        if (queued.length > 0) return PromiseResolve({ value: ArrayPrototypeShift(queued), done: false });
        if (error !== null) {
          const p = PromiseReject(error);
          error = null;
          return p;
        }
        if (finished) return PromiseResolve({ value: undefined, done: true });
        return new PromiseCtor((resolve, reject) => append(waiting, { resolve, reject }));
      },
      return() {
        closeIterator();
        return PromiseResolve({ value: undefined, done: true });
      },
      throw(err) {
        if (err === null || typeof err !== 'object' || !(err instanceof ErrorClass)) throw invalidArgType('EventEmitter.AsyncIterator', 'an instance of Error', err);
        error = err;
        unlisten(emitter, event, eventHandler);
        unlisten(emitter, 'error', errorHandler);
      },
      [SymbolAsyncIterator]() { return this; },
    }, ObjectGetPrototypeOf(ObjectGetPrototypeOf(async function* () {}).prototype));
    listen(emitter, event, eventHandler);
    if (event !== 'error' && typeof emitter.on === 'function') emitter.on('error', errorHandler);
    if (signal !== undefined) signal.addEventListener('abort', abortListener, { once: true });
    return iterator;
  }
  function addAbortListener(signal, listener) {
    if (signal === undefined) throw invalidArgType('signal', 'of type AbortSignal', signal);
    if (typeof listener !== 'function') throw invalidArgType('listener', 'of type function', listener);
    let removed = false;
    const remove = () => { if (!removed) { removed = true; signal.removeEventListener('abort', listener); } };
    if (signal.aborted) timerFunctionsForEvents.queueMicrotask(() => listener());
    else signal.addEventListener('abort', listener, { once: true });
    return { __proto__: null, [SymbolFor('nodejs.dispose')]: remove };
  }
  class EventEmitterAsyncResource extends EventEmitter {}
  const added = {
    __proto__: null,
    addAbortListener, once, on,
    captureRejectionSymbol: SymbolFor('nodejs.rejection'),
    captureRejections: false,
    EventEmitterAsyncResource,
    errorMonitor,
  };
  const order = ['addAbortListener', 'once', 'on', 'getEventListeners', 'getMaxListeners', 'EventEmitter',
    'usingDomains', 'captureRejectionSymbol', 'captureRejections', 'EventEmitterAsyncResource', 'errorMonitor',
    'defaultMaxListeners', 'setMaxListeners', 'init', 'listenerCount'];
  for (let i = 0; i < order.length; i++) {
    const name = order[i];
    const desc = name in added
      ? { __proto__: null, value: added[name], writable: true, enumerable: true, configurable: true }
      : ObjectGetOwnPropertyDescriptor(EventEmitter, name);
    const own = ObjectGetOwnPropertyDescriptor(EventEmitter, name);
    if (desc === undefined || (own !== undefined && !own.configurable)) continue;
    delete EventEmitter[name];
    ObjectDefineProperty(EventEmitter, name, desc);
  }
}
const timerFunctionsForEvents = { __proto__: null, queueMicrotask: globalThis.queueMicrotask };
