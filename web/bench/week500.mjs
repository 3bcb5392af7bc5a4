// The planning's week view with ≥ 500 lessons, measured in headless Chromium (a measurement: figures written down,
// never a timed assertion). SPEC target: "the week view with 500 lessons is interactive in < 300 ms".
//
//   cd web && npm run build && VOLANT_BIN=/path/to/volant node bench/week500.mjs
//
// It starts `volant demo` on a fresh data dir (e2e/harness.mjs), books ≥ 500 lessons in one week through the real API
// as the admin (creating instructors and cars as needed), then measures, as the admin, at 1280×800:
//   1. navigation: `page.goto(/planning?vue=semaine&date=<Monday>)` → every lesson of the week in the DOM + idle;
//   2. switch: a click on "Période suivante" (from the week before) → every lesson of the week in the DOM + idle,
//      with the Long Tasks seen meanwhile (and the way back, "Période précédente", for reference).
// "Interactive" = the lessons are rendered, layout is done, no long task is pending: the end mark is taken once the
// lesson count is reached, after a requestAnimationFrame + setTimeout(0) round trip (the frame has been laid out and
// painted, and the main thread is free to answer a click). All times are `performance.now()` inside the page
// (navigation: relative to the navigation start; switch: relative to a capturing click listener's mark).
//
// Env: VOLANT_BIN (default: /var/tmp/volant-release/release/volant, else /var/tmp/volant-target/debug/volant, waiting
// up to 40 min for one to appear), WEEK500_RUNS (measured repetitions, default 9, plus one warm-up),
// WEEK500_TARGET (lessons in the week, default 500), WEEK500_MONDAY (the week, `YYYY-MM-DD`; default: the one of
// the weeks 2–3 ahead with the most open slots), WEEK500_VIEWS (`semaine`, `moniteurs` or both, comma-separated;
// default `semaine`: the default week view; `moniteurs` is the week with one column per instructor),
// WEEK500_TRACE=0 (skip the extra traced switch that splits the main thread's time into script/style/layout/paint),
// CHROMIUM_PATH. Results: JSON and a Markdown table on stdout, the table also in bench/.results/week500.md (and the
// JSON in week500.json, both also kept under the run's time; the profiled switch's CPU profile in
// week500-<view>.cpuprofile, loadable in DevTools).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, launchBrowser, startSmtpSink, startVolant } from '../e2e/harness.mjs';
import { ZONE, addDays, parisInstant, todayInParis, weekdayOf } from '../e2e/paris.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, '.results');
const ADMIN = 'admin@demo.volant.test';
const VIEWPORT = { width: 1280, height: 800 };
const RUNS = Math.max(7, Number(process.env.WEEK500_RUNS ?? 9));
const TARGET = Number(process.env.WEEK500_TARGET ?? 500);
const VIEWS = (process.env.WEEK500_VIEWS ?? 'semaine').split(',').map((v) => v.trim()).filter(Boolean);
const TRACE = process.env.WEEK500_TRACE !== '0';
const BINARIES = ['/var/tmp/volant-release/release/volant', '/var/tmp/volant-target/debug/volant'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...args) => console.error('#', ...args);
const round = (x) => Math.round(x * 10) / 10;

// --- The binary ------------------------------------------------------------------------------------------------

async function resolveBinary() {
  if (process.env.VOLANT_BIN) return process.env.VOLANT_BIN;
  const deadline = Date.now() + 40 * 60_000;
  for (;;) {
    const found = BINARIES.find((b) => existsSync(b));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no volant binary after 40 min (looked for ${BINARIES.join(', ')})`);
    log(`waiting for a volant binary (${BINARIES.join(' or ')})…`);
    await sleep(30_000);
  }
}

// --- Days ------------------------------------------------------------------------------------------------------

/** Easter Sunday (Gregorian, anonymous algorithm), `YYYY-MM-DD`. */
function easter(year) {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** French public holidays of a year (and Alsace-Moselle's two more). */
function holidays(year, alsace) {
  const fixed = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'].map((d) => `${year}-${d}`);
  const e = easter(year);
  const days = [...fixed, addDays(e, 1), addDays(e, 39), addDays(e, 50)];
  if (alsace) days.push(`${year}-12-26`, addDays(e, -2));
  return new Set(days);
}

/** The hourly slots of an agency's opening hours over Monday–Saturday of a week, closed days left out. */
function openSlots(monday, agency) {
  const closed = (day) =>
    holidays(Number(day.slice(0, 4)), agency.alsace_moselle).has(day) ||
    agency.closures.some((c) => day >= c.date && day <= (c.end_date ?? c.date));
  const slots = [];
  for (let i = 0; i < 6; i++) {
    const day = addDays(monday, i);
    if (closed(day)) continue;
    const iso = weekdayOf(day) === 0 ? 7 : weekdayOf(day);
    for (const range of agency.opening_hours.filter((r) => r.weekday === iso)) {
      const [sh, sm] = range.start.split(':').map(Number);
      const [eh, em] = range.end.split(':').map(Number);
      // Whole hours inside the range: 09:00–12:30 gives 09, 10, 11.
      for (let h = sm === 0 ? sh : sh + 1; h + 1 <= eh + em / 60; h++) {
        const hh = (n) => `${String(n).padStart(2, '0')}:00`;
        slots.push({ day, starts_at: parisInstant(day, hh(h)), ends_at: parisInstant(day, hh(h + 1)) });
      }
    }
  }
  return slots;
}

const mondayOf = (day) => addDays(day, -((weekdayOf(day) + 6) % 7));

// --- The API, as the admin (the browser context's cookie jar) ---------------------------------------------------

class Api {
  constructor(request) {
    this.request = request;
    this.csrf = null;
  }

  async login(email, password) {
    const response = await this.request.post('/api/v1/auth/login', { data: { email, password } });
    const body = await response.json().catch(() => ({}));
    if (response.status() !== 200 || !body.csrf_token) throw new Error(`login ${email}: ${response.status()} ${JSON.stringify(body)}`);
    this.csrf = body.csrf_token;
  }

  async get(path) {
    const response = await this.request.get(path);
    if (response.status() !== 200) throw new Error(`GET ${path}: ${response.status()} ${await response.text()}`);
    return response.json();
  }

  /** POST with the CSRF header; returns `{ status, body }` (429 and 5xx retried a few times). */
  async post(path, data) {
    for (let attempt = 0; ; attempt++) {
      const response = await this.request.post(path, { headers: { 'X-CSRF-Token': this.csrf }, data });
      const status = response.status();
      if ((status === 429 || status >= 500) && attempt < 5) {
        await sleep(Number(response.headers()['retry-after'] ?? 1) * 1000);
        continue;
      }
      return { status, body: await response.json().catch(() => null) };
    }
  }

  async lessons(from, to) {
    return (await this.get(`/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items;
  }
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool(items, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const PALETTE = ['#1c7ed6', '#2f9e44', '#e8590c', '#ae3ec9', '#0c8599', '#c2255c', '#5f3dc4', '#66a80f', '#d9480f', '#1864ab', '#087f5b', '#862e9c'];

/**
 * Books lessons in the week until it holds `TARGET` non-cancelled ones (plus a margin): `lanes` instructor + car
 * pairs per opening hour, students rotated. Returns what it did.
 */
async function seedWeek(api) {
  const listed = await api.get('/api/v1/agencies');
  const agency = (Array.isArray(listed) ? listed : listed.items)[0];
  const today = todayInParis();
  const asked = process.env.WEEK500_MONDAY;
  let monday;
  if (asked) {
    monday = mondayOf(asked);
  } else {
    // The weeks 2 and 3 ahead: the one with the most open slots (holidays and closures left out).
    const candidates = [2, 3].map((w) => addDays(mondayOf(today), 7 * w));
    monday = candidates.reduce((best, m) => (openSlots(m, agency).length > openSlots(best, agency).length ? m : best));
  }
  const slots = openSlots(monday, agency);
  if (slots.length === 0) throw new Error(`no open slot in the week of ${monday} at ${agency.name}`);
  const from = parisInstant(monday, '00:00');
  const to = parisInstant(addDays(monday, 7), '00:00');
  const existing = (await api.lessons(from, to)).filter((l) => l.status !== 'cancelled').length;
  const goal = TARGET + 10;
  const perSlot = Math.ceil(Math.max(0, goal - existing) / slots.length);
  const lanes = perSlot + 2; // spare pairs: the demo's own lessons take some instructors and cars

  // Instructors and cars of the agency that may drive, completed up to `lanes`.
  const usable = (d) => !d || d >= addDays(monday, 6);
  const instructors = (await api.get('/api/v1/instructors?limit=200')).items.filter(
    (i) => i.active && i.agency_id === agency.id && usable(i.authorisation_expires_on),
  );
  const cars = (await api.get('/api/v1/vehicles?limit=200')).items.filter(
    (v) =>
      v.status === 'active' &&
      v.kind === 'car' &&
      v.dual_controls &&
      v.gearbox === 'manual' &&
      v.agency_id === agency.id &&
      usable(v.inspection_due_on) &&
      usable(v.insurance_expires_on),
  );
  let createdInstructors = 0;
  let createdCars = 0;
  for (let n = 1; instructors.length < lanes; n++) {
    const { status, body } = await api.post('/api/v1/instructors', {
      first_name: 'Banc',
      last_name: `Moniteur ${String(n).padStart(2, '0')}`,
      agency_id: agency.id,
      categories: ['B'],
      colour: PALETTE[n % PALETTE.length],
      active: true,
    });
    if (status !== 201) throw new Error(`POST /api/v1/instructors: ${status} ${JSON.stringify(body)}`);
    instructors.push(body.instructor ?? body);
    createdInstructors++;
  }
  for (let n = 1; cars.length < lanes; n++) {
    const { status, body } = await api.post('/api/v1/vehicles', {
      plate: `BN-${String(100 + n)}-KT`,
      gearbox: 'manual',
      kind: 'car',
      dual_controls: true,
      status: 'active',
      category: 'B',
      make: 'Renault',
      model: 'Clio',
      agency_id: agency.id,
    });
    if (status !== 201) throw new Error(`POST /api/v1/vehicles: ${status} ${JSON.stringify(body)}`);
    cars.push(body.vehicle ?? body);
    createdCars++;
  }
  // Students who may drive a manual car: active, ANTS registration validated, category B.
  const students = (await api.get('/api/v1/students?limit=200')).items.filter(
    (s) => s.status === 'active' && s.ants_status === 'validated' && s.category === 'B',
  );
  if (students.length < lanes) throw new Error(`only ${students.length} students may drive (need ${lanes})`);

  const tally = { created: 0, conflicts: 0, refused: 0, warnings: 0, refusals: {} };
  const started = Date.now();
  await pool(slots.map((slot, index) => ({ ...slot, index })), 3, async (slot) => {
    let booked = 0;
    // Lanes in order; each try takes the next student (a student busy then answers 409: the next one is tried).
    for (let lane = 0; lane < lanes * 2 && booked < perSlot; lane++) {
      const student = students[(slot.index * lanes + lane) % students.length];
      const { status, body } = await api.post('/api/v1/lessons', {
        kind: 'driving',
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
        instructor_id: instructors[lane % lanes].id,
        vehicle_id: cars[lane % lanes].id,
        student_id: student.id,
      });
      if (status === 201) {
        booked++;
        tally.created++;
        if (body?.warnings?.length) tally.warnings++;
      } else if (status === 409) {
        tally.conflicts++;
      } else if (status === 422) {
        tally.refused++;
        for (const r of body?.rules ?? [{ code: body?.title ?? 'unknown' }]) tally.refusals[r.code] = (tally.refusals[r.code] ?? 0) + 1;
        if (tally.refused > 50) throw new Error(`too many refusals: ${JSON.stringify(body)}`);
      } else {
        throw new Error(`POST /api/v1/lessons: ${status} ${JSON.stringify(body)}`);
      }
    }
  });
  const week = await api.lessons(from, to);
  const nonCancelled = week.filter((l) => l.status !== 'cancelled').length;
  return {
    agency: agency.name,
    monday,
    from,
    to,
    openSlots: slots.length,
    perSlot,
    existingBefore: existing,
    createdInstructors,
    createdCars,
    instructorsUsed: lanes,
    studentsRotated: students.length,
    lessonsCreated: tally.created,
    createdWithWarnings: tally.warnings,
    conflicts409: tally.conflicts,
    refused422: tally.refused,
    refusals: tally.refusals,
    seedSeconds: round((Date.now() - started) / 1000),
    weekLessons: week.length,
    weekNonCancelled: nonCancelled,
    weekWithWarnings: week.filter((l) => l.warnings.length > 0).length,
  };
}

// --- In the page ---------------------------------------------------------------------------------------------------

/**
 * Installed before the app's scripts: Long Tasks from the start, a capturing click mark, and a watcher that resolves
 * once the lesson count meets a condition, after a rAF + setTimeout(0) round trip.
 */
function instrument() {
  const w = { longTasks: [], clickAt: null, armed: null, result: null, firstLessonAt: null };
  globalThis.__wk = w;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  globalThis.addEventListener(
    'click',
    () => {
      if (w.armed && w.clickAt === null) w.clickAt = performance.now();
    },
    true,
  );
  const lessons = document.getElementsByClassName('vl-lesson'); // live: its length is cheap
  const title = () => document.querySelector('[data-testid="planning-title"]')?.textContent ?? '';
  let observer = null;
  const check = () => {
    const cond = w.armed;
    if (!cond || w.result) return;
    const n = lessons.length;
    if (n > 0 && w.firstLessonAt === null) w.firstLessonAt = performance.now();
    if (n < cond.min || (cond.max !== undefined && n > cond.max) || (cond.title !== undefined && title() !== cond.title)) return;
    if (cond.afterClick && w.clickAt === null) return;
    const reached = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => {
      const raf = performance.now();
      setTimeout(() => {
        w.result = { reached, raf, end: performance.now(), count: lessons.length, title: title() };
        // What still changes in the calendar afterwards (a second render would show here).
        const root = document.querySelector('.ec');
        w.result.lastMutation = null;
        if (root) {
          const late = new MutationObserver(() => {
            w.result.lastMutation = performance.now();
          });
          late.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
          w.lateObserver = late;
        }
      }, 0);
    });
  };
  w.arm = (cond) => {
    w.lateObserver?.disconnect();
    w.armed = cond;
    w.result = null;
    w.clickAt = null;
    w.firstLessonAt = null;
    observer?.disconnect();
    observer = new MutationObserver(check);
    observer.observe(document, { subtree: true, childList: true, characterData: true });
    check();
  };
  // A navigation to measure: the threshold was left in sessionStorage before `goto`.
  const min = Number(globalThis.sessionStorage.getItem('__wk_nav_min') ?? 0);
  if (min > 0) w.arm({ min });
}

/** Waits for the page's watcher, then reports a quiet second later (long tasks and late calendar mutations). */
async function collect(page, startKey) {
  await page.waitForFunction(() => globalThis.__wk?.result?.end !== undefined, null, { timeout: 60_000, polling: 20 });
  await page.waitForTimeout(1000);
  return page.evaluate((key) => {
    const w = globalThis.__wk;
    const r = w.result;
    w.lateObserver?.disconnect();
    const start = key === 'click' ? w.clickAt : 0;
    const tasks = w.longTasks.filter((t) => t.start + t.duration > start && t.start < r.end);
    const after = w.longTasks.filter((t) => t.start >= r.end);
    const lessonsRequest = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/v1/lessons?') && e.startTime >= start && e.startTime < r.end)
      .pop();
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      ms: r.end - start,
      reachedMs: r.reached - start,
      firstLessonMs: w.firstLessonAt === null ? null : w.firstLessonAt - start,
      count: r.count,
      title: r.title,
      longTasks: tasks.length,
      longTaskMs: tasks.reduce((s, t) => s + t.duration, 0),
      longestTaskMs: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
      longTasksAfter: after.length,
      lateMutationMs: r.lastMutation === null ? null : r.lastMutation - start,
      lessonsFetch: lessonsRequest ? { startMs: lessonsRequest.startTime - start, endMs: lessonsRequest.responseEnd - start } : null,
      domContentLoadedMs: key === 'click' ? null : nav?.domContentLoadedEventEnd,
    };
  }, startKey);
}

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)];
  return { n: v.length, min: round(v[0]), median: round(v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2), p90: round(at(0.9)), max: round(v[v.length - 1]) };
}

function summarise(runs) {
  const pick = (f) => runs.map(f).filter((x) => x !== null && x !== undefined);
  return {
    ms: stats(pick((r) => r.ms)),
    reachedMs: stats(pick((r) => r.reachedMs)),
    longTasks: stats(pick((r) => r.longTasks)),
    longTaskMs: stats(pick((r) => r.longTaskMs)),
    longestTaskMs: stats(pick((r) => r.longestTaskMs)),
    lessonsFetchEndMs: pick((r) => r.lessonsFetch?.endMs).length ? stats(pick((r) => r.lessonsFetch?.endMs)) : null,
    lessonsFetched: runs.filter((r) => r.lessonsFetch).length,
    longTasksAfter: runs.reduce((s, r) => s + r.longTasksAfter, 0),
    lateMutationRuns: runs.filter((r) => r.lateMutationMs !== null).length,
  };
}

/** Main-thread time by kind over a window of a Chrome trace (top-level events of the renderer's main thread). */
function traceBreakdown(buffer) {
  const { traceEvents } = JSON.parse(buffer.toString());
  // The renderer main thread with the most work (the measured page's).
  const mains = traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const work = (m) => traceEvents.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === 'X').length;
  const main = mains.sort((a, b) => work(b) - work(a))[0];
  if (!main) return null;
  const onMain = traceEvents.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const kinds = {
    script: ['FunctionCall', 'EvaluateScript', 'v8.compile', 'V8.GCScavenger', 'MajorGC', 'MinorGC', 'TimerFire', 'FireAnimationFrame', 'EventDispatch', 'RunMicrotasks', 'v8.evaluateModule', 'v8.callFunction', 'RunMicrotask'],
    style: ['UpdateLayoutTree', 'RecalculateStyles', 'ParseAuthorStyleSheet'],
    layout: ['Layout'],
    paint: ['Paint', 'PrePaint', 'Layerize', 'UpdateLayer', 'CompositeLayers', 'Commit'],
    html: ['ParseHTML'],
  };
  const kindOf = new Map(Object.entries(kinds).flatMap(([k, names]) => names.map((n) => [n, k])));
  const tasks = onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const totals = { script: 0, style: 0, layout: 0, paint: 0, html: 0 };
  // Top-level classified events only (nested ones are inside their parent's duration).
  const classified = onMain.filter((e) => kindOf.has(e.name)).sort((a, b) => a.ts - b.ts);
  let until = -1;
  for (const e of classified) {
    if (e.ts < until) continue;
    totals[kindOf.get(e.name)] += (e.dur ?? 0) / 1000;
    until = e.ts + (e.dur ?? 0);
  }
  // Layout and style forced from script are nested in FunctionCall: count them separately too.
  const forced = { style: 0, layout: 0 };
  for (const e of onMain) {
    if (e.name === 'Layout') forced.layout += (e.dur ?? 0) / 1000;
    if (e.name === 'UpdateLayoutTree') forced.style += (e.dur ?? 0) / 1000;
  }
  const busy = tasks.reduce((s, e) => s + (e.dur ?? 0) / 1000, 0);
  return {
    mainThreadBusyMs: round(busy),
    topLevelMs: Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, round(v)])),
    allLayoutMs: round(forced.layout),
    allStyleMs: round(forced.style),
  };
}

/** A CPU profile's self time by function (minified names) and by script, top entries. */
function profileTop(profile, limit = 12) {
  const self = new Map();
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]);
    const ms = (dt[i + 1] ?? dt[i] ?? 0) / 1000;
    const f = node.callFrame;
    const file = f.url ? f.url.replace(/^.*\//, '') : '';
    const key = `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  }
  const byFile = new Map();
  for (const [key, ms] of self) {
    const file = key.split(' ')[1]?.replace(/:\d+:\d+$/, '') || key;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  const top = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([k, v]) => ({ what: k, ms: round(v) }));
  return { functions: top(self), scripts: top(byFile) };
}

// --- Scenarios -----------------------------------------------------------------------------------------------------

async function measureView(browser, baseUrl, week, view) {
  const context = await browser.newContext({ baseURL: baseUrl, locale: 'fr-FR', timezoneId: ZONE, viewport: VIEWPORT });
  context.setDefaultTimeout(60_000);
  const api = new Api(context.request);
  await api.login(ADMIN, DEMO_PASSWORD);
  const byInstructor = view === 'moniteurs' ? '&moniteurs=1' : '';
  const url = (day) => `/planning?vue=semaine${byInstructor}&date=${day}`;
  const previousMonday = addDays(week.monday, -7);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(instrument);

  // Warm-up: the week once, settled; its rendered lesson count is the threshold from then on.
  await page.goto(url(week.monday));
  await page.waitForFunction((n) => document.getElementsByClassName('vl-lesson').length >= n, week.weekNonCancelled, { timeout: 120_000 });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1000);
  const rendered = await page.evaluate(() => document.getElementsByClassName('vl-lesson').length);
  const weekTitle = await page.getByTestId('planning-title').innerText();
  log(`${view}: ${rendered} lessons drawn in the week of ${week.monday} (“${weekTitle}”)`);

  // 1. Navigation.
  const navigation = [];
  for (let i = 0; i < RUNS; i++) {
    await page.evaluate((n) => {
      globalThis.__wk.arm(null);
      globalThis.sessionStorage.setItem('__wk_nav_min', String(n));
    }, rendered);
    const t0 = Date.now();
    await page.goto(url(week.monday), { waitUntil: 'commit' });
    const run = await collect(page, 'navigation');
    run.nodeMs = Date.now() - t0;
    navigation.push(run);
    log(`${view} navigation ${i + 1}/${RUNS}: ${round(run.ms)} ms (${run.longTasks} long tasks, ${round(run.longTaskMs)} ms)`);
    await page.waitForLoadState('networkidle');
  }

  // 2. Switching: from the week before, "Période suivante" to the week (and "Période précédente" back).
  await page.evaluate(() => globalThis.sessionStorage.removeItem('__wk_nav_min'));
  await page.goto(url(previousMonday));
  await page.evaluate(() => globalThis.__wk.arm(null));
  await page.getByTestId('planning-title').filter({ hasNotText: weekTitle }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1000);
  const beforeTitle = await page.getByTestId('planning-title').innerText();
  const beforeCount = await page.evaluate(() => document.getElementsByClassName('vl-lesson').length);
  const next = page.getByRole('button', { name: 'Période suivante' });
  const previous = page.getByRole('button', { name: 'Période précédente' });
  const into = [];
  const back = [];
  const switchOnce = async (button, cond, label) => {
    await page.evaluate((c) => globalThis.__wk.arm(c), cond);
    await button.click();
    const run = await collect(page, 'click');
    log(`${view} ${label}: ${round(run.ms)} ms (${run.count} lessons, ${run.longTasks} long tasks, ${round(run.longTaskMs)} ms)`);
    return run;
  };
  for (let i = 0; i <= RUNS; i++) {
    const a = await switchOnce(next, { min: rendered, title: weekTitle, afterClick: true }, `switch ${i}/${RUNS} → week`);
    const b = await switchOnce(previous, { min: beforeCount, max: beforeCount, title: beforeTitle, afterClick: true }, `switch ${i}/${RUNS} ← back`);
    // The first round is the warm-up (the week's window is fetched or refreshed then).
    if (i > 0) {
      into.push(a);
      back.push(b);
    }
  }

  // 3. One more switch, traced (main thread split) and one profiled (JS self time), not counted above.
  let trace = null;
  let profile = null;
  if (TRACE) {
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink', 'v8', '__metadata'],
    });
    await switchOnce(next, { min: rendered, title: weekTitle, afterClick: true }, 'traced switch → week');
    trace = traceBreakdown(await browser.stopTracing());
    await switchOnce(previous, { min: beforeCount, max: beforeCount, title: beforeTitle, afterClick: true }, 'back');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await switchOnce(next, { min: rendered, title: weekTitle, afterClick: true }, 'profiled switch → week');
    const raw = (await cdp.send('Profiler.stop')).profile;
    await cdp.detach();
    profile = profileTop(raw);
    // For DevTools (Performance panel → load profile), or to map onto a source-mapped build of the same code.
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, `week500-${view}.cpuprofile`), JSON.stringify(raw));
  }

  const domNodes = await page.evaluate(() => ({
    lessons: document.getElementsByClassName('vl-lesson').length,
    calendarElements: document.querySelector('.ec')?.getElementsByTagName('*').length ?? null,
    documentElements: document.getElementsByTagName('*').length,
  }));
  await context.close();
  return {
    view: `/planning?vue=semaine${byInstructor}`,
    renderedLessons: rendered,
    weekTitle,
    previousWeek: { title: beforeTitle, lessons: beforeCount },
    domNodes,
    navigation: summarise(navigation),
    switchToWeek: summarise(into),
    switchBack: summarise(back),
    raw: { navigation, switchToWeek: into, switchBack: back },
    trace,
    profile,
    problems: problems.slice(0, 20),
  };
}

function markdown(summary) {
  const lines = [];
  lines.push(`# Planning week view with ${summary.week.weekNonCancelled} lessons (headless Chromium)`);
  lines.push('');
  lines.push(
    `${summary.date} · binary \`${summary.binary}\` · Chromium ${summary.chromium} · viewport 1280×800 · ` +
      `load average ${summary.loadAverage.start.join(' / ')} (start) → ${summary.loadAverage.end.join(' / ')} (end) on ${summary.cpus} CPUs`,
  );
  lines.push('');
  lines.push(
    `Week of ${summary.week.monday} (${summary.week.agency}): ${summary.week.weekLessons} lessons, ${summary.week.weekNonCancelled} not cancelled ` +
      `(${summary.week.lessonsCreated} booked by the bench over ${summary.week.openSlots} opening hours, ${summary.week.instructorsUsed} instructors; ` +
      `${summary.week.weekWithWarnings} with warnings).`,
  );
  lines.push('');
  lines.push('Interactive = every lesson of the week in the DOM, then a requestAnimationFrame + setTimeout(0) round trip (layout and paint done, no long task pending). Times in ms, `performance.now()` in the page.');
  lines.push('');
  for (const v of summary.views) {
    lines.push(`## \`${v.view}\` (${v.renderedLessons} lessons drawn, ${v.domNodes.calendarElements} calendar elements)`);
    lines.push('');
    lines.push('| measure | n | min | median | p90 | max | long tasks (median count / median total ms / max single ms) |');
    lines.push('|---|---|---|---|---|---|---|');
    const row = (name, s) =>
      lines.push(
        `| ${name} | ${s.ms.n} | ${s.ms.min} | ${s.ms.median} | ${s.ms.p90} | ${s.ms.max} | ${s.longTasks.median} / ${s.longTaskMs.median} / ${s.longestTaskMs.max} |`,
      );
    row('navigation (goto → interactive)', v.navigation);
    row('**switch to the week** (click “Période suivante” → interactive)', v.switchToWeek);
    row(`switch back (“Période précédente”, ${v.previousWeek.lessons} lessons)`, v.switchBack);
    lines.push('');
    if (v.navigation.lessonsFetchEndMs) lines.push(`Navigation: the lessons' answer ends at ${v.navigation.lessonsFetchEndMs.median} ms (median).`);
    lines.push(`Switch to the week: lessons fetched during ${v.switchToWeek.lessonsFetched}/${v.switchToWeek.ms.n} switches (warm cache otherwise); long tasks after the end mark: ${v.switchToWeek.longTasksAfter}; calendar mutations in the second after: ${v.switchToWeek.lateMutationRuns} runs.`);
    if (v.trace) {
      const t = v.trace;
      lines.push(
        `Traced switch: main thread busy ${t.mainThreadBusyMs} ms; top-level script ${t.topLevelMs.script}, style ${t.topLevelMs.style}, layout ${t.topLevelMs.layout}, paint ${t.topLevelMs.paint} ms; all layout ${t.allLayoutMs} ms, all style recalc ${t.allStyleMs} ms (forced from script included).`,
      );
    }
    if (v.profile) {
      lines.push('');
      lines.push(`Profiled switch, JS self time by script: ${v.profile.scripts.map((s) => `${s.what} ${s.ms} ms`).join(', ')}.`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

// --- Main ----------------------------------------------------------------------------------------------------------

async function main() {
  const binary = await resolveBinary();
  process.env.VOLANT_BIN = binary;
  const loadStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  log(`binary ${binary}; load average ${loadStart.join(' ')}`);
  const stack = {};
  try {
    stack.browser = await launchBrowser();
    stack.smtp = await startSmtpSink();
    stack.volant = await startVolant({ smtpUrl: stack.smtp.url });
    const baseUrl = stack.volant.baseUrl;
    log(`volant demo on ${baseUrl}`);
    const spa = await fetch(`${baseUrl}/planning`);
    const html = await spa.text();
    if (spa.status !== 200 || !html.includes('<script')) {
      throw new Error(`the server does not serve the SPA (${spa.status}: ${html.slice(0, 200)}): run \`npm run build\` in web/ (release binaries embed web/dist when compiled)`);
    }

    const seeder = await stack.browser.newContext({ baseURL: baseUrl });
    const api = new Api(seeder.request);
    await api.login(ADMIN, DEMO_PASSWORD);
    const week = await seedWeek(api);
    await seeder.close();
    log(`week of ${week.monday}: ${week.weekNonCancelled} non-cancelled lessons (${week.lessonsCreated} created in ${week.seedSeconds} s)`);
    if (week.weekNonCancelled < TARGET) throw new Error(`the week holds ${week.weekNonCancelled} non-cancelled lessons, fewer than ${TARGET}: ${JSON.stringify(week)}`);

    const views = [];
    for (const view of VIEWS) views.push(await measureView(stack.browser, baseUrl, week, view));

    const summary = {
      date: new Date().toISOString(),
      binary,
      chromium: stack.browser.version(),
      cpus: os.cpus().length,
      loadAverage: { start: loadStart, end: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      runs: RUNS,
      week,
      views,
    };
    const table = markdown(summary);
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, 'week500.md'), `${table}\n`);
    await writeFile(join(RESULTS, 'week500.json'), `${JSON.stringify(summary, null, 2)}\n`);
    // Each run also kept under its time (runs on a shared machine differ with its load).
    const stamp = summary.date.replace(/[:.]/g, '-');
    await writeFile(join(RESULTS, `week500-${stamp}.md`), `${table}\n`);
    await writeFile(join(RESULTS, `week500-${stamp}.json`), `${JSON.stringify(summary, null, 2)}\n`);
    const { views: full, ...rest } = summary;
    console.log(JSON.stringify({ ...rest, views: full.map(({ raw, ...v }) => v) }, null, 2));
    console.log('');
    console.log(table);
  } finally {
    await stack.browser?.close().catch(() => {});
    await stack.volant?.stop();
    await stack.smtp?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
