// School time (Europe/Paris) for the browser tests, whatever the zone of the machine running them.

export const ZONE = 'Europe/Paris';

/** The Paris wall-clock parts of an instant (ms). */
export const parts = (ms) => {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const out = {};
  for (const p of fmt.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
};

/** The instant of a Paris wall-clock time, `2026-12-02`, `07:00` → ISO string. */
export const parisInstant = (day, time) => {
  const [y, m, d] = day.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, h, mi);
  for (const offsetMinutes of [60, 120]) {
    const ms = wall - offsetMinutes * 60_000;
    const p = parts(ms);
    if (`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}` === `${day}T${time}`) return new Date(ms).toISOString();
  }
  throw new Error(`no Paris instant for ${day} ${time}`);
};

/** `YYYY-MM-DD` plus `n` days. */
export const addDays = (day, n) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
};

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (day) => new Date(`${day}T12:00:00Z`).getUTCDay();

export const todayInParis = () => {
  const p = parts(Date.now());
  return `${p.year}-${p.month}-${p.day}`;
};
