// Browser tests of the planning (calendar, drag and drop, conflicts, series, the instructor's phone) against the
// real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… npm run e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, apiPost, login, startStack, withPage } from './harness.mjs';
import { ZONE, parisInstant, addDays, weekdayOf, todayInParis } from './paris.mjs';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

/** The first `weekday` strictly after `day`. */
const nextWeekday = (day, weekday) => {
  for (let i = 1; i <= 7; i++) {
    const d = addDays(day, i);
    if (weekdayOf(d) === weekday) return d;
  }
  throw new Error('unreachable');
};
const slot = (day, start = '07:00', end = '08:00') => ({ starts_at: parisInstant(day, start), ends_at: parisInstant(day, end) });

// --- API through the page's session --------------------------------------------------------------------------

/** The planned lessons overlapping `[from, to)`. */
const plannedBetween = async (page, from, to, query = '') =>
  (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${query}`)).items.filter(
    (l) => l.status === 'planned',
  );

/** Instructors, cars and students free in every given slot (so that only the conflicts a test makes exist). */
const freeResources = async (page, slots) => {
  const taken = [];
  for (const s of slots) taken.push(...(await plannedBetween(page, s.starts_at, s.ends_at)));
  const busy = (field, id) => taken.some((l) => l[field] === id || (field === 'student_id' && l.attendee_ids.includes(id)));
  const name = (p) => `${p.first_name} ${p.last_name}`;
  const instructors = (await apiGet(page, '/api/v1/instructors?limit=200')).items
    .filter((i) => i.active && !busy('instructor_id', i.id))
    .sort((a, b) => name(a).localeCompare(name(b), 'fr'));
  const cars = (await apiGet(page, '/api/v1/vehicles?limit=200')).items.filter(
    (v) => v.status === 'active' && v.kind === 'car' && v.dual_controls && !busy('vehicle_id', v.id),
  );
  const students = (await apiGet(page, '/api/v1/students?limit=200')).items.filter(
    (s) => s.status === 'active' && s.ants_status === 'validated' && !busy('student_id', s.id),
  );
  assert.ok(instructors.length >= 2 && cars.length >= 2 && students.length >= 2, 'the demo has free people and cars at 07:00');
  return { instructors, cars, students, name };
};

// --- The calendar in the page --------------------------------------------------------------------------------

const lessonEvent = (page, id) => page.locator(`.ec-event.vl-id-${id}`);
const columnHeader = (page, instructorId, day) => page.locator(`.vl-resource[data-resource="${instructorId}"][data-date="${day}"]`);

/** Scrolls the calendar sideways so that both elements are in view (the instructor columns of a week are wide). */
const bringIntoView = async (page, first, second) => {
  await page.evaluate(
    ([a, b]) => {
      const elA = globalThis.document.querySelector(a);
      const elB = globalThis.document.querySelector(b);
      let scroller = elA.parentElement;
      while (scroller && !(scroller.scrollWidth > scroller.clientWidth && globalThis.getComputedStyle(scroller).overflowX !== 'visible')) {
        scroller = scroller.parentElement;
      }
      if (!scroller) return;
      const ra = elA.getBoundingClientRect();
      const rb = elB.getBoundingClientRect();
      const rc = scroller.getBoundingClientRect();
      scroller.scrollLeft += (Math.min(ra.left, rb.left) + Math.max(ra.right, rb.right)) / 2 - (rc.left + rc.right) / 2;
    },
    [first, second],
  );
};

/** Drags a lesson horizontally onto an instructor's column of another day (same time), with real pointer moves. */
const dragLessonToColumn = async (page, lessonId, instructorId, day) => {
  const eventSelector = `.ec-event.vl-id-${lessonId}`;
  const headerSelector = `.vl-resource[data-resource="${instructorId}"][data-date="${day}"]`;
  // Every query of the week answered: a late answer re-lays the calendar out under the pointer (seen under load).
  await page.waitForLoadState('networkidle');
  await bringIntoView(page, eventSelector, headerSelector);
  const from = await lessonEvent(page, lessonId).boundingBox();
  const to = await columnHeader(page, instructorId, day).boundingBox();
  assert.ok(from && to, 'the lesson and the target column are on screen');
  const x = from.x + from.width / 2;
  const y = from.y + Math.min(12, from.height / 2);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 8, y, { steps: 2 });
  await page.mouse.move(to.x + to.width / 2, y, { steps: 20 });
  await page.mouse.up();
};

/** Whether the lesson is drawn in the instructor's column of that day. A late answer of the week re-lays the calendar
 *  out (the event is drawn again, seen under load in CI): the boxes are measured once the page is quiet, again if the
 *  event was being redrawn. */
const columnOf = async (page, lessonId, instructorId, day) => {
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.waitForLoadState('networkidle');
    const event = await lessonEvent(page, lessonId).boundingBox();
    const header = await columnHeader(page, instructorId, day).boundingBox();
    if (event && header) {
      const middle = event.x + event.width / 2;
      return middle >= header.x && middle <= header.x + header.width;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`lesson ${lessonId} or the column of ${instructorId} on ${day} is not on screen`);
};

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });

// Shared by the drag tests: the lesson moved in (a), dragged again in (b).
const state = {};

describe('planning', () => {
  test('the planning page loads in at most 4 API requests, lessons drawn with their names', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'admin@demo.volant.test');
      // A new tab of the same session: what the home page asked for does not count.
      const tab = await page.context().newPage();
      const requests = [];
      tab.on('request', (request) => {
        const url = new URL(request.url());
        // The shell's bell asks for its unread count on every page: not the planning's cost.
        if (url.pathname.startsWith('/api/') && url.pathname !== '/api/v1/notifications/unread-count') {
          requests.push(`${request.method()} ${url.pathname}${url.search}`);
        }
      });
      await tab.goto('/planning');
      await tab.locator('.ec-event').first().waitFor();
      await tab.waitForLoadState('networkidle');
      assert.ok(requests.length <= 4, `first load of /planning: ${requests.length} API requests\n${requests.join('\n')}`);
      // Names come with the window: a lesson of the week shows its student's name, not a placeholder.
      const window = requests.find((r) => r.startsWith('GET /api/v1/lessons?'));
      assert.ok(window?.includes('include=names'), `the week is asked with its names: ${window}`);
      const title = await tab.locator('.ec-event:not(.vl-kind-unavailability)').first().innerText();
      assert.doesNotMatch(title, /^Élève$/m, `a lesson is titled with a name: ${title}`);
    });
  });

  test('(a) the office drags a lesson to Thursday in another instructor’s column: it is moved and reassigned', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 1600, height: 1000 });
      await login(page, 'secretariat@demo.volant.test');
      const wednesday = nextWeekday(todayInParis(), 3);
      const thursday = addDays(wednesday, 1);
      const friday = addDays(wednesday, 2);
      const { instructors, cars, students, name } = await freeResources(page, [slot(wednesday), slot(thursday), slot(friday)]);
      // The last and the first columns by name: Wednesday's last column is close to Thursday's first.
      const from = instructors[instructors.length - 1];
      const to = instructors[0];
      const { lesson } = await apiPost(page, '/api/v1/lessons', {
        kind: 'driving',
        ...slot(wednesday),
        student_id: students[0].id,
        instructor_id: from.id,
        vehicle_id: cars[0].id,
      });
      Object.assign(state, { lesson, wednesday, thursday, friday, to, cars, students, name });

      await nav(page).getByRole('link', { name: 'Planning' }).click();
      await page.getByRole('heading', { name: 'Planning', level: 1 }).waitFor();
      await page.goto(`/planning?vue=semaine&moniteurs=1&date=${wednesday}`);
      await lessonEvent(page, lesson.id).waitFor();
      assert.match(await lessonEvent(page, lesson.id).innerText(), /07:00 – 08:00/);
      assert.ok(await columnOf(page, lesson.id, from.id, wednesday), 'the lesson starts in its instructor’s Wednesday column');

      await dragLessonToColumn(page, lesson.id, to.id, thursday);
      await page.getByText(`Séance déplacée et confiée à ${name(to)}`).waitFor();

      const moved = await apiGet(page, `/api/v1/lessons/${lesson.id}`);
      assert.equal(Date.parse(moved.starts_at), Date.parse(slot(thursday).starts_at));
      assert.equal(Date.parse(moved.ends_at), Date.parse(slot(thursday).ends_at));
      assert.equal(moved.instructor_id, to.id);
      assert.equal(moved.version, lesson.version + 1);
      assert.ok(await columnOf(page, lesson.id, to.id, thursday), 'the lesson is shown in the new column');
      state.lesson = moved;
    });
  });

  test('(b) dropping it onto another lesson of that instructor snaps back with a French conflict message', async (t) => {
    assert.ok(state.lesson, 'test (a) ran');
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 1600, height: 1000 });
      await login(page, 'secretariat@demo.volant.test');
      const { lesson, thursday, friday, to, cars, students } = state;
      // Another student and another car: the only clash is the instructor.
      const { lesson: blocker } = await apiPost(page, '/api/v1/lessons', {
        kind: 'driving',
        ...slot(friday),
        student_id: students[1].id,
        instructor_id: to.id,
        vehicle_id: cars[1].id,
      });

      await page.goto(`/planning?vue=semaine&moniteurs=1&date=${thursday}`);
      await lessonEvent(page, lesson.id).waitFor();
      await lessonEvent(page, blocker.id).waitFor();
      await dragLessonToColumn(page, lesson.id, to.id, friday);

      const message = page.getByText('Conflit : le moniteur a déjà une séance de 07:00 à 08:00.');
      await message.waitFor();
      // Back in its Thursday column, and unchanged on the server.
      await page.waitForFunction(
        ([selector, header]) => {
          const e = globalThis.document.querySelector(selector)?.getBoundingClientRect();
          const h = globalThis.document.querySelector(header)?.getBoundingClientRect();
          return e && h && e.left + e.width / 2 >= h.left && e.left + e.width / 2 <= h.right;
        },
        [`.ec-event.vl-id-${lesson.id}`, `.vl-resource[data-resource="${to.id}"][data-date="${thursday}"]`],
      );
      const unchanged = await apiGet(page, `/api/v1/lessons/${lesson.id}`);
      assert.equal(Date.parse(unchanged.starts_at), Date.parse(lesson.starts_at));
      assert.equal(unchanged.instructor_id, lesson.instructor_id);
      assert.equal(unchanged.version, lesson.version);
    });
  });

  test('(c) the office creates a weekly series of three lessons from the dialog', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 1400, height: 1000 });
      await login(page, 'secretariat@demo.volant.test');
      // Three Tuesdays from the week after next, at 07:00 (no demo lesson then).
      const first = nextWeekday(addDays(todayInParis(), 14), 2);
      const days = [first, addDays(first, 7), addDays(first, 14)];
      const { instructors, cars, students, name } = await freeResources(
        page,
        days.map((d) => slot(d)),
      );
      const instructor = instructors[1];
      const student = students[students.length - 1];
      const car = cars[0];

      await page.goto(`/planning?vue=semaine&date=${first}`);
      await page.getByRole('button', { name: 'Autres actions' }).click();
      await page.getByRole('menuitem', { name: 'Série hebdomadaire' }).click();
      const dialog = page.getByRole('dialog', { name: 'Série hebdomadaire' });
      await dialog.waitFor();

      const pick = async (label, search, option) => {
        const input = dialog.getByRole('combobox', { name: label });
        await input.click();
        await input.fill(search);
        await page.getByRole('option', { name: option }).first().click();
      };
      await pick(/^Élève/, student.last_name, name(student));
      await pick(/^Moniteur/, instructor.last_name, name(instructor));
      await pick(/^Véhicule/, car.plate, new RegExp(`^${car.plate}`));
      await dialog.getByLabel(/^Première date/).fill(first);
      await dialog.getByLabel(/^Heure de début/).fill('07:00');
      // The weekday follows the first date.
      assert.equal(await dialog.getByRole('checkbox', { name: 'Mardi' }).isChecked(), true);
      await dialog.getByRole('textbox', { name: /^Nombre de séances/ }).fill('3');
      await dialog.getByRole('button', { name: 'Créer la série' }).click();

      const result = dialog.getByTestId('series-result');
      await result.waitFor();
      assert.match(await result.innerText(), /3 séances créées/);
      await result.getByRole('button', { name: 'Fermer' }).click();

      const lessons = await plannedBetween(page, slot(days[0]).starts_at, slot(days[2]).ends_at, `&student_id=${student.id}`);
      const series = lessons.filter((l) => l.series_id !== null && l.series_id !== undefined);
      assert.equal(series.length, 3, JSON.stringify(lessons));
      assert.equal(new Set(series.map((l) => l.series_id)).size, 1);
      assert.deepEqual(
        series.map((l) => Date.parse(l.starts_at)).sort(),
        days.map((d) => Date.parse(slot(d).starts_at)),
      );
      for (const l of series) {
        assert.equal(l.instructor_id, instructor.id);
        assert.equal(l.vehicle_id, car.id);
        assert.equal(Date.parse(l.ends_at) - Date.parse(l.starts_at), 60 * 60_000);
      }
      // And the calendar shows the first one.
      await lessonEvent(page, series.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at))[0].id).waitFor();
    });
  });

  test('an instructor on a phone sees "Mon planning" as a list and marks a lesson done from its panel', async (t) => {
    await withPage(stack, t, async (page) => {
      await page.setViewportSize({ width: 375, height: 740 });
      await login(page, 'moniteur@demo.volant.test');
      await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
      await nav(page).getByRole('link', { name: 'Mon planning' }).click();
      await page.getByRole('heading', { name: 'Mon planning', level: 1 }).waitFor();
      // An empty day opens on the upcoming lessons; the calendar is one tap away, its list of the day by default.
      await page.getByRole('radiogroup', { name: 'Séances à venir ou calendrier' }).getByText('Calendrier', { exact: true }).click();
      await page.locator('.ec-list').waitFor();
      const view = page.getByRole('radiogroup', { name: 'Affichage' });
      assert.equal(await view.getByRole('radio', { name: 'Liste' }).isChecked(), true);

      // Yesterday at 07:00, the office planned a lesson for them (Julien Moreau) that nobody has marked yet.
      const yesterday = addDays(todayInParis(), -1);
      const office = await stack.browser.newContext({ baseURL: stack.baseUrl, locale: 'fr-FR', timezoneId: ZONE });
      let lesson;
      try {
        const officePage = await office.newPage();
        await login(officePage, 'secretariat@demo.volant.test');
        const { instructors, cars, students } = await freeResources(officePage, [slot(yesterday)]);
        const julien = instructors.find((i) => i.first_name === 'Julien' && i.last_name === 'Moreau');
        assert.ok(julien, 'Julien Moreau is free yesterday at 07:00');
        ({ lesson } = await apiPost(officePage, '/api/v1/lessons', {
          kind: 'driving',
          ...slot(yesterday),
          student_id: students[0].id,
          instructor_id: julien.id,
          vehicle_id: cars[0].id,
        }));
      } finally {
        await office.close();
      }
      const day = yesterday;
      await page.goto(`/mon-planning?date=${day}`);
      await lessonEvent(page, lesson.id).click();
      const panel = page.getByRole('dialog');
      await panel.getByRole('button', { name: 'Marquer faite' }).click();
      await panel.getByLabel('Commentaire (facultatif)').fill('Créneaux et insertions travaillés.');
      await panel.getByRole('form', { name: 'Marquer la séance faite' }).getByRole('button', { name: 'Marquer faite' }).click();
      await page.getByText('La séance est marquée faite.').waitFor();
      await panel.getByText('Faite', { exact: true }).waitFor();

      const done = await apiGet(page, `/api/v1/lessons/${lesson.id}`);
      assert.equal(done.status, 'done');
      assert.equal(done.comment, 'Créneaux et insertions travaillés.');
      // The instructor does not move lessons: nothing of the office's tools.
      assert.equal(await page.getByRole('button', { name: 'Nouvelle séance' }).count(), 0);
      const overflow = await page.evaluate(() => globalThis.document.documentElement.scrollWidth - globalThis.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    });
  });
});
