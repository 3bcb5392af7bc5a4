// Browser test of the RdvPermis places (practical-test places booked on the platform for a student, under their mandate),
// against the RdvPermis simulator `volant demo` starts and configures the demo school for. Until the school granted access,
// the exams page's "Places" tab says so (the server's sentence) and gives the admin the way to "Connecteurs". The admin
// connects RdvPermis (its consent page, "Autoriser"), then on the exams page searches the free places of one centre and
// one day, and books one with "Réserver" for an eligible demo student (the eligibility rules of the place's day; when no
// demo student is eligible, "Passer outre" with a reason). The booking is listed under "Réservations RdvPermis", the
// practical exam is on "À venir", its accompaniment lesson in the planning of that day. "Annuler" (confirmed) cancels the
// booking and the exam. axe-core audits the places, the booking dialog and the bookings: no serious or critical violation.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/rdvpermis.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, audit, withA11yPage } from './a11y.mjs';
import { apiGet, login, startStack } from './harness.mjs';
import { addDays, parisInstant, parts, todayInParis } from './paris.mjs';

/** An exact label whose apostrophes may be straight or curly. */
const label = (text) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]")}$`);

const DESKTOP = { width: 1280, height: 900 };
const ADMIN = 'admin@demo.volant.test';
const SECTION = 'Places RdvPermis';
const STEP_TIMEOUT = 45_000;
const OVERRIDE_REASON = 'Dossier vérifié avec la préfecture (test de bout en bout)';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

/** `2026-12-21`: the Paris day of an instant. */
const parisDay = (iso) => {
  const p = parts(Date.parse(iso));
  return `${p.year}-${p.month}-${p.day}`;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tab = (page, name) => page.getByRole('tab', { name, exact: true });

async function openPlaces(page) {
  await page.goto('/examens?onglet=places');
  await page.getByRole('heading', { name: 'Examens', level: 1 }).waitFor();
  const section = page.getByRole('region', { name: SECTION, exact: true });
  await section.waitFor();
  return section;
}

/** The demo students worth trying, the most likely to be eligible first (NEPH and ANTS validated, a referent). */
async function candidates(page) {
  const students = (await apiGet(page, '/api/v1/students?limit=200')).items.filter((s) => s.status === 'active');
  const score = (s) => (s.neph ? 4 : 0) + (s.ants_status === 'validated' ? 2 : 0) + (s.referent_instructor_id ? 1 : 0);
  return students.sort((a, b) => score(b) - score(a));
}

describe('RdvPermis places', () => {
  const demo = {};
  const ready = (...steps) => {
    for (const step of steps) assert.ok(demo[step], `an earlier step failed: ${step} (see above)`);
  };

  test('before the consent: the page says RdvPermis is not connected; the admin connects it', { timeout: 120_000 }, async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, ADMIN);
      const section = await openPlaces(page);
      const missing = section.getByTestId('rdvpermis-not-connected');
      await missing.waitFor();
      assert.match(await missing.innerText(), /Connecteurs/, 'the server’s sentence names « Connecteurs »');
      await section.getByRole('link', { name: 'Ouvrir les connecteurs', exact: true }).click();
      await page.waitForURL(/\/connecteurs$/);

      const card = page.getByRole('region', { name: 'RdvPermis', exact: true });
      await card.waitFor();
      await card.getByRole('link', { name: 'Connecter RdvPermis', exact: true }).click();
      await page.getByRole('heading', { name: label("Autoriser l'accès à RdvPermis") }).waitFor();
      await page.getByRole('button', { name: 'Autoriser', exact: true }).click();
      await page.waitForURL(/\/connecteurs\?rdvpermis=connected$/);
      await page.getByTestId('oauth-outcome').filter({ hasText: /RdvPermis est connecté/ }).waitFor();
      demo.connected = true;
    });
  });

  test('the admin searches the places of a centre and a day, books one for a student: the exam, the lesson, the booking', { timeout: 300_000 }, async (t) => {
    ready('connected');
    const found = [];
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, ADMIN);
      const today = todayInParis();
      const from = parisInstant(today, '00:00');
      const to = parisInstant(addDays(today, 29), '00:00');
      const centres = (await apiGet(page, '/api/v1/rdvpermis/centres')).items;
      assert.ok(centres.length > 0, 'the simulator lists centres');
      const places = (await apiGet(page, `/api/v1/rdvpermis/places?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items;
      assert.ok(places.length > 0, 'the simulator has free places in the next four weeks');
      for (let i = 1; i < places.length; i++) assert.ok(places[i - 1].starts_at <= places[i].starts_at, 'soonest first');

      // The student: the first one eligible on a place's day (else the admin passes the rules over).
      const students = await candidates(page);
      assert.ok(students.length > 0, 'the demo has active students');
      // The latest places first: the planning of the weeks to come is emptier (the accompaniment must fit).
      const tries = [...places].reverse().filter((_, i) => i % 7 === 0).slice(0, 6);
      let student = null;
      let eligible = false;
      const seen = [];
      for (const s of students.slice(0, 40)) {
        const verdict = await apiGet(page, `/api/v1/students/${s.id}/eligibility?date=${parisDay(tries[0].starts_at)}`);
        seen.push(`${s.first_name} ${s.last_name}: ${verdict.rules.filter((r) => r.status === 'block').map((r) => r.code).join(',') || 'eligible'}`);
        if (verdict.eligible) {
          student = s;
          eligible = true;
          break;
        }
      }
      if (!student) student = students[0];
      t.diagnostic(eligible ? `eligible: ${student.first_name} ${student.last_name}` : `no eligible student (override):\n  ${seen.join('\n  ')}`);
      const name = `${student.first_name} ${student.last_name}`;

      const section = await openPlaces(page);
      await section.getByRole('button', { name: 'Rechercher', exact: true }).waitFor();
      // The default search: the next four weeks, every centre.
      await section.getByTestId('rdvpermis-place-list').waitFor();
      assert.equal(await section.getByLabel('Du', { exact: true }).inputValue(), today);
      assert.equal(await section.getByLabel('Au', { exact: true }).inputValue(), addDays(today, 28));
      found.push(...(await audit(page, 'the RdvPermis places')));

      let booked = null;
      const failures = [];
      for (const place of tries) {
        const day = parisDay(place.starts_at);
        const centre = centres.find((c) => c.id === place.centre_id);
        assert.ok(centre, `the centre of ${place.id}`);
        // Search that centre on that day.
        await section.getByRole('combobox', { name: "Centre d'examen" }).click();
        await section.getByRole('option', { name: new RegExp(`^${centre.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first().click();
        await section.getByLabel('Du', { exact: true }).fill(day);
        await section.getByLabel('Au', { exact: true }).fill(day);
        await section.getByRole('button', { name: 'Rechercher', exact: true }).click();
        const row = section.locator(`tr[data-place="${place.id}"]`);
        await row.waitFor({ timeout: STEP_TIMEOUT });
        // Only that centre and that day.
        const rows = section.locator('tr[data-place]');
        await page.waitForFunction(
          ([sel, n]) => globalThis.document.querySelectorAll(sel).length === n,
          ['[data-testid="rdvpermis-places"] tr[data-place]', places.filter((p) => p.centre_id === place.centre_id && parisDay(p.starts_at) === day).length],
          { timeout: STEP_TIMEOUT },
        );
        assert.ok((await rows.count()) >= 1);

        await row.getByRole('button', { name: /^Réserver la place du/ }).click();
        const dialog = page.getByRole('dialog', { name: /^Réserver la place du/ });
        await dialog.waitFor();
        const picker = dialog.getByRole('combobox', { name: /^Élève/ });
        await picker.click();
        await picker.fill(student.last_name);
        await page.getByRole('option', { name: new RegExp(`^${name} —`) }).first().click();
        if (!demo.dialogAudited) {
          found.push(...(await audit(page, 'the booking dialog')));
          demo.dialogAudited = true;
        }
        await dialog.getByRole('button', { name: 'Réserver la place', exact: true }).click();

        const outcome = async () => {
          for (let i = 0; i < STEP_TIMEOUT / 250; i++) {
            if ((await dialog.count()) === 0) return 'booked';
            if ((await dialog.getByTestId('rdv-booking-rules').count()) > 0) return 'rules';
            if ((await dialog.getByTestId('rdv-booking-error').count()) > 0) return 'error';
            await sleep(250);
          }
          return 'timeout';
        };
        let result = await outcome();
        if (result === 'rules') {
          const rules = await dialog.getByTestId('rdv-booking-rules').getByRole('listitem').allInnerTexts();
          assert.ok(rules.length > 0, 'the refusing rules are listed');
          t.diagnostic(`refused: ${rules.join(' | ')}`);
          assert.ok(!eligible || failures.length > 0, `an eligible student is not refused: ${rules.join(' | ')}`);
          await dialog.getByRole('button', { name: 'Passer outre', exact: true }).click();
          await dialog.getByLabel(/Motif de la dérogation/).fill(OVERRIDE_REASON);
          await dialog.getByRole('button', { name: 'Réserver malgré tout', exact: true }).click();
          demo.overridden = true;
          result = await outcome();
        }
        if (result === 'booked') {
          booked = place;
          break;
        }
        const why = result === 'error' ? await dialog.getByTestId('rdv-booking-error').innerText() : result;
        failures.push(`${place.id}: ${why}`);
        // (An instructor or a car busy then, say: another place.)
        await dialog.getByRole('button', { name: 'Annuler', exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
      }
      assert.ok(booked, `a place booked for ${name}; refused:\n  ${failures.join('\n  ')}`);
      await page.getByText(/^Place réservée le .*l’examen pratique et la leçon d’accompagnement sont au planning\.$/).waitFor();

      // The booking, as the API keeps it.
      const bookings = (await apiGet(page, '/api/v1/rdvpermis/bookings')).items;
      const booking = bookings.find((b) => b.place_id === booked.id && b.student_id === student.id);
      assert.ok(booking, 'the booking is listed');
      assert.equal(booking.status, 'booked');
      assert.equal(Date.parse(booking.starts_at), Date.parse(booked.starts_at));
      const exam = await apiGet(page, `/api/v1/exams/${booking.exam_id}`);
      assert.equal(exam.kind, 'practical');
      assert.equal(exam.result, 'pending');
      assert.equal(exam.student_id, student.id);
      assert.equal(Date.parse(exam.scheduled_at), Date.parse(booked.starts_at));
      assert.ok(exam.instructor_id && exam.vehicle_id, 'an accompanied exam');
      if (demo.overridden) assert.equal(exam.override_reason, OVERRIDE_REASON);
      // The place is no longer free.
      const day = parisDay(booked.starts_at);
      await page.waitForFunction(
        (id) => !globalThis.document.querySelector(`[data-testid="rdvpermis-places"] tr[data-place="${id}"]`),
        booked.id,
        { timeout: STEP_TIMEOUT },
      );

      // "Réservations RdvPermis" lists it, booked, with the student.
      // (The section, named "Réservations RdvPermis" like its table.)
      const list = page.getByTestId('rdvpermis-bookings');
      await list.getByRole('heading', { name: 'Réservations RdvPermis', exact: true }).waitFor();
      const bookingRow = list.getByTestId(`rdv-booking-${booking.id}`);
      await bookingRow.waitFor();
      assert.equal(await bookingRow.getAttribute('data-status'), 'booked');
      await bookingRow.getByRole('link', { name, exact: true }).waitFor();
      await list.scrollIntoViewIfNeeded();
      found.push(...(await audit(page, 'the RdvPermis bookings')));

      // The exam on "À venir", on its day.
      await tab(page, 'À venir').click();
      const examDay = page.getByTestId(`exam-day-${day}`);
      await examDay.waitFor();
      const examRow = examDay.getByTestId(`exam-${exam.id}`);
      await examRow.waitFor();
      assert.match(await examRow.innerText(), new RegExp(name));
      assert.match(await examRow.innerText(), /Pratique/);

      // The accompaniment lesson in the planning of that day.
      const dayFrom = parisInstant(day, '00:00');
      const dayTo = parisInstant(addDays(day, 1), '00:00');
      const lessons = (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(dayFrom)}&to=${encodeURIComponent(dayTo)}`)).items;
      // (The examinees of an accompaniment are its attendees: one car may take several to the same test.)
      const lesson = lessons.find((l) => l.kind === 'exam' && l.attendee_ids.includes(student.id) && l.status !== 'cancelled');
      assert.ok(lesson, `an exam lesson for ${name} on ${day}, among ${lessons.map((l) => `${l.kind}/${l.attendee_ids.join('+')}`).join(', ')}`);
      assert.equal(lesson.vehicle_id, exam.vehicle_id);
      assert.equal(lesson.instructor_id, exam.instructor_id);
      assert.ok(Date.parse(lesson.starts_at) <= Date.parse(exam.scheduled_at) && Date.parse(exam.scheduled_at) < Date.parse(lesson.ends_at), 'around the exam');
      await page.goto(`/planning?vue=semaine&date=${day}`);
      await page.getByRole('heading', { name: 'Planning', level: 1 }).waitFor();
      await page.locator(`.ec-event.vl-id-${lesson.id}`).waitFor({ timeout: STEP_TIMEOUT });

      Object.assign(demo, { booking, exam, lesson, student, name, day });
    });
    assertClean(found);
  });

  test('"Annuler" (confirmed) cancels the booking, the exam and its lesson', { timeout: 120_000 }, async (t) => {
    ready('booking');
    const found = [];
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, ADMIN);
      await openPlaces(page);
      const list = page.getByTestId('rdvpermis-bookings');
      const row = list.getByTestId(`rdv-booking-${demo.booking.id}`);
      await row.waitFor();
      await row.getByRole('button', { name: /^Annuler la réservation du/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Annuler la réservation' });
      await dialog.waitFor();
      found.push(...(await audit(page, 'the cancel confirmation')));
      await dialog.getByRole('button', { name: 'Annuler la réservation', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByText(/^La réservation du .* est annulée\.$/).waitFor();
      await page.waitForFunction(
        (id) => globalThis.document.querySelector(`[data-testid="rdv-booking-${id}"]`)?.getAttribute('data-status') === 'cancelled',
        demo.booking.id,
        { timeout: STEP_TIMEOUT },
      );
      assert.equal(await row.getByRole('button', { name: /^Annuler/ }).count(), 0, 'nothing more to cancel');
      const booking = (await apiGet(page, '/api/v1/rdvpermis/bookings')).items.find((b) => b.id === demo.booking.id);
      assert.equal(booking.status, 'cancelled');
      const exam = await apiGet(page, `/api/v1/exams/${demo.exam.id}`);
      assert.equal(exam.result, 'cancelled');
      const lesson = await apiGet(page, `/api/v1/lessons/${demo.lesson.id}`);
      assert.ok(lesson.status === 'cancelled' || !lesson.attendee_ids.includes(demo.student.id), 'the accompaniment no longer takes the student');
    });
    assertClean(found);
  });
});
