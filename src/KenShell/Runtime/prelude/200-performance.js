// ------------------------------------------------------------ performance
// performance.now() is derived from the wall clock (the recorded Date
// source), clamped so that it never runs backwards, across restarts too.
// A per-process monotonic clock would restart from zero in every process
// and could not be replayed exactly; millisecond resolution is the price.
const timeOrigin = Date.now();
let lastNow = 0;
const performanceObject = {
  now() {
    const t = DateNow() - timeOrigin;
    if (t > lastNow) lastNow = t;
    return lastNow;
  },
  timeOrigin,
};
hidden(globalThis, 'performance', performanceObject);

