// @ts-check
// Time zones and clocks, for partners who may live hours apart.

/** The device's time zone, as the browser names it (maybe an old alias: Asia/Calcutta). */
export function deviceZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The wall-clock time in a time zone, e.g. "Tue 9:41 PM".
 * @param {string} timeZone
 * @param {Date} [at]
 */
export function clockIn(timeZone, at = new Date()) {
  return new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'short', hour: 'numeric', minute: '2-digit' }).format(at);
}

/**
 * Minutes the time zone is ahead of UTC at that moment.
 * @param {string} timeZone
 * @param {Date} at
 */
export function offsetMinutes(timeZone, at) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  }).formatToParts(at);
  /** @param {string} type */
  const get = (type) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  // The wall clock is read to the minute: so is the moment, or 40 seconds past would count as a minute less.
  return Math.round((wall - (at.getTime() - (at.getTime() % 60000))) / 60000);
}

/**
 * How far the partner's clock is from ours, e.g. "6 hours ahead of you".
 * @param {string} theirs
 * @param {string} ours
 * @param {Date} [at]
 */
export function differenceFrom(theirs, ours, at = new Date()) {
  const minutes = offsetMinutes(theirs, at) - offsetMinutes(ours, at);
  if (minutes === 0) return 'same time as you';
  const hours = Math.floor(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  const amount = [hours && `${hours} ${hours === 1 ? 'hour' : 'hours'}`, rest && `${rest} min`].filter(Boolean).join(' ');
  return `${amount} ${minutes > 0 ? 'ahead of' : 'behind'} you`;
}

/**
 * A time zone's name for people: "America/New_York" reads "America/New York".
 * @param {string} timeZone
 */
export function zoneLabel(timeZone) {
  return timeZone.replaceAll('_', ' ');
}

/**
 * Call tick now and at the start of every minute until the returned stop is called.
 * @param {() => void} tick
 * @returns {() => void} stop
 */
export function everyMinute(tick) {
  /** @type {ReturnType<typeof setTimeout>} */
  let timer;
  const schedule = () => {
    tick();
    timer = setTimeout(schedule, 60_000 - (Date.now() % 60_000) + 50);
  };
  schedule();
  return () => clearTimeout(timer);
}

/**
 * Call onChange at once and again whenever key() gives a new value, checked every minute (a new local day).
 * @param {() => string} key
 * @param {() => void} onChange
 * @returns {() => void} stop
 */
export function whenChanged(key, onChange) {
  /** @type {string | undefined} */
  let shown;
  return everyMinute(() => {
    const now = key();
    if (now !== shown) onChange();
    shown = now;
  });
}

/**
 * Keep a section showing until stopped: refresh runs now, whenever records of the kinds it reads change, and
 * whenever clock() gives a new value (checked every minute; without a clock, every minute). update takes the
 * account anew and shows it.
 * @template M
 * @param {{onChange: (listener: () => void, kinds?: string[]) => () => void}} engine
 * @param {() => Promise<void>} refresh
 * @param {{kinds: string[], setMe: (me: M) => void, clock?: () => string, stop?: () => void}} options
 *   kinds: the kinds of records the section shows; stop: what else to end
 * @returns {{update: (me: M) => void, stop: () => void}}
 */
export function keepShown(engine, refresh, { kinds, setMe, clock, stop = () => {} }) {
  const show = () => {
    refresh().catch(console.error);
  };
  const offChange = engine.onChange(show, kinds);
  const stopClock = clock ? whenChanged(clock, show) : everyMinute(show);
  return {
    update(next) {
      setMe(next);
      show();
    },
    stop() {
      offChange();
      stopClock();
      stop();
    },
  };
}
