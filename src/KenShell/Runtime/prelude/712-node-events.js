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
  return EventEmitter;
});
