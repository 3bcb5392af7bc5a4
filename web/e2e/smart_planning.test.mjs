// Browser test of the smart planning (SPEC § 6.10): the demo puts Léa Martin (the demo student) on the waitlist for
// Monday to Saturday, 08:00–20:00. The secretary cancels, in the planning's side panel, a future driving lesson of
// another student (at least a day ahead, 08:00–19:00 school time, Monday to Saturday, not overlapping any of Léa's
// lessons); its slot is offered at once to the waiting students. Léa, on a 375 × 740 phone, opens "Liste d'attente",
// finds the offer for that date, taps "Accepter" and reads "Leçon réservée"; the planning then holds her lesson at that
// time. axe-core audits /ma-liste-attente and /liste-attente (and its dialog): no serious or critical violation.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/smart_planning.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, assertFitsPhone, audit, withA11yPage } from './a11y.mjs';
import { apiGet, login, startStack, withPage } from './harness.mjs';
import { ZONE, parts } from './paris.mjs';

const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const STUDENT = 'eleve@demo.volant.test';
const SECRETARY = 'secretariat@demo.volant.test';
const DAY_MS = 86_400_000;

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });

/** "mercredi 9 décembre 2026", as the pages write a lesson's day (school time). */
const frenchDay = (iso) =>
  new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: ZONE }).format(new Date(iso));

/** "Mardi 8 décembre" and "9 h 00": the phone agenda's day headings and times. */
const agendaDay = (iso) => {
  const day = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: ZONE }).format(new Date(iso));
  return day.charAt(0).toLocaleUpperCase('fr-FR') + day.slice(1);
};
const agendaTime = (iso) => {
  const p = parts(Date.parse(iso));
  return `${Number(p.hour)} h ${p.minute}`;
};

const minutesOfDay = (iso) => {
  const p = parts(Date.parse(iso));
  return Number(p.hour) * 60 + Number(p.minute);
};
const dayOf = (iso) => {
  const p = parts(Date.parse(iso));
  return `${p.year}-${p.month}-${p.day}`;
};
/** 1 = Monday … 7 = Sunday, in school time. */
const weekdayOf = (iso) => {
  const d = new Date(`${dayOf(iso)}T12:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
};
const overlaps = (a, b) => Date.parse(a.starts_at) < Date.parse(b.ends_at) && Date.parse(b.starts_at) < Date.parse(a.ends_at);

/**
 * Future driving lessons of other students that Léa could take: at least a day ahead, 08:00–19:00 school time,
 * Monday to Saturday, with an instructor, overlapping none of her own lessons. Soonest first.
 */
async function candidates(page, leaId) {
  const from = new Date(Date.now() + DAY_MS + 3_600_000).toISOString();
  const to = new Date(Date.now() + 21 * DAY_MS).toISOString();
  const lessons = (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items;
  const hers = lessons.filter((l) => l.status !== 'cancelled' && (l.student_id === leaId || l.attendee_ids.includes(leaId)));
  return lessons
    .filter(
      (l) =>
        l.kind === 'driving' &&
        l.status === 'planned' &&
        l.instructor_id &&
        l.student_id &&
        l.student_id !== leaId &&
        weekdayOf(l.starts_at) <= 6 &&
        dayOf(l.starts_at) === dayOf(l.ends_at) &&
        minutesOfDay(l.starts_at) >= 8 * 60 &&
        minutesOfDay(l.ends_at) <= 19 * 60 &&
        !hers.some((h) => overlaps(h, l)),
    )
    .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
}

describe('smart planning', () => {
  test('a lesson cancelled by the office is offered to Léa, who accepts it on her phone', { timeout: 180_000 }, async (t) => {
    const found = [];
    let leaId;
    let freed;

    // The secretary finds a lesson Léa could take, opens it in the planning and cancels it from its panel.
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      await login(page, SECRETARY);
      const lea = (await apiGet(page, '/api/v1/students?q=Martin&limit=50')).items.find((s) => s.first_name === 'Léa' && s.last_name === 'Martin');
      assert.ok(lea, 'the demo has Léa Martin');
      leaId = lea.id;
      const waiting = await apiGet(page, '/api/v1/waitlist');
      const entry = waiting.find((e) => e.student_id === leaId);
      assert.ok(entry, `Léa waits on the demo's waitlist: ${JSON.stringify(waiting.map((e) => e.student_name))}`);
      assert.deepEqual(
        entry.windows.map((w) => `${w.weekday} ${w.start}-${w.end}`),
        [1, 2, 3, 4, 5, 6].map((d) => `${d} 08:00-20:00`),
      );

      // The planning by instructor draws the trips between two lessons at different meeting points.
      const weekFrom = new Date(Date.now() + DAY_MS).toISOString();
      const weekTo = new Date(Date.now() + 8 * DAY_MS).toISOString();
      const gaps = (await apiGet(page, `/api/v1/travel-gaps?from=${encodeURIComponent(weekFrom)}&to=${encodeURIComponent(weekTo)}`)).filter(
        (g) => Date.parse(g.ends_at) > Date.parse(g.starts_at),
      );
      assert.ok(gaps.length > 0, 'the demo has trips between lessons at different meeting points');
      const trip = gaps[0];
      await page.goto(`/planning?vue=jour&moniteurs=1&date=${dayOf(trip.starts_at)}`);
      const band = page.locator('.ec-bg-event.vl-travel').filter({ hasText: `Trajet ${trip.needed_minutes} min` }).first();
      await band.waitFor();
      assert.match(await band.innerText(), new RegExp(`${trip.from} → ${trip.to}`));

      const list = await candidates(page, leaId);
      assert.ok(list.length > 0, 'the demo has a lesson of another student that Léa could take');
      freed = list[0];
      const day = dayOf(freed.starts_at);

      await page.goto(`/planning?vue=jour&date=${day}`);
      await page.getByRole('heading', { name: 'Planning', level: 1 }).waitFor();
      const event = page.locator(`.ec-event.vl-id-${freed.id}`);
      await event.waitFor();
      await event.click();
      const drawer = page.getByRole('dialog');
      await drawer.getByTestId('lesson-details').waitFor();
      await drawer.getByRole('button', { name: 'Annuler la séance' }).click();
      const form = drawer.getByRole('form', { name: 'Annuler la séance' });
      await form.getByLabel('Motif').fill('Moniteur en formation');
      await form.getByRole('button', { name: "Confirmer l'annulation" }).click();
      await page.getByText('La séance a été annulée.').first().waitFor();
      const after = await apiGet(page, `/api/v1/lessons/${freed.id}`);
      assert.equal(after.status, 'cancelled');
      await drawer.getByRole('button', { name: 'Fermer' }).click();
      await drawer.waitFor({ state: 'hidden' });

      // The office's waitlist page: Léa waits, and the freed slot is offered (axe on the page and its dialog).
      await nav(page).getByRole('link', { name: "Liste d'attente" }).click();
      await page.getByRole('heading', { name: "Liste d'attente", level: 1 }).waitFor();
      const row = page.locator(`[data-testid="waitlist-entry"][data-student="${leaId}"]`);
      await row.waitFor();
      assert.match(await row.innerText(), /lun\.–sam\. 08:00–20:00/);
      const offers = page.getByRole('table', { name: 'Propositions des 30 derniers jours, les plus proches d’abord' });
      await offers.getByText(frenchDay(freed.starts_at), { exact: false }).first().waitFor();
      // Away from the menu link just clicked (its hover colour is not the page's).
      await page.mouse.move(DESKTOP.width - 10, DESKTOP.height - 10);
      found.push(...(await audit(page, '/liste-attente (secretary, desktop)')));
      await page.getByRole('button', { name: 'Inscrire un élève' }).click();
      const dialog = page.getByRole('dialog', { name: "Inscrire un élève sur la liste d'attente" });
      await dialog.getByLabel('Créneau 1, jour').waitFor();
      found.push(...(await audit(page, "/liste-attente, the dialog 'Inscrire un élève'")));
      await dialog.getByRole('button', { name: 'Annuler' }).click();
    });

    // Léa, on her phone: the offer for that date, "Accepter", "Leçon réservée".
    await withA11yPage(stack, t, PHONE, async (page) => {
      await login(page, STUDENT);
      const me = await apiGet(page, '/api/v1/me');
      assert.equal(me.student_id, leaId, 'the demo student account is Léa');
      const offer = (await apiGet(page, '/api/v1/waitlist/offers')).find((o) => o.freed_lesson_id === freed.id);
      assert.ok(offer, 'the freed slot is offered to Léa');
      assert.equal(offer.status, 'offered');
      assert.equal(offer.starts_at, freed.starts_at);

      await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
      await nav(page).getByRole('link', { name: "Liste d'attente" }).click();
      await page.getByRole('heading', { name: "Liste d'attente", level: 1 }).waitFor();
      const card = page.locator(`[data-testid="open-offer"][data-offer="${offer.id}"]`);
      await card.waitFor();
      assert.match(await card.innerText(), new RegExp(frenchDay(freed.starts_at)));
      await assertFitsPhone(page, '/ma-liste-attente');
      found.push(...(await audit(page, '/ma-liste-attente (phone, an open offer)')));

      const accept = card.getByRole('button', { name: /^Accepter le créneau du / });
      const box = await accept.boundingBox();
      assert.ok(box && box.height >= 44, `"Accepter" is big enough to tap: ${JSON.stringify(box)}`);
      await accept.click();
      const booked = page.getByTestId('booked');
      await booked.waitFor();
      assert.match(await booked.innerText(), /Leçon réservée/);
      await assertFitsPhone(page, '/ma-liste-attente after accepting');
      found.push(...(await audit(page, '/ma-liste-attente (phone, after accepting)')));

      // The planning holds her lesson at that time.
      const from = new Date(Date.parse(freed.starts_at) - 3_600_000).toISOString();
      const to = new Date(Date.parse(freed.ends_at) + 3_600_000).toISOString();
      const lessons = (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items;
      const mine = lessons.find((l) => l.status === 'planned' && l.starts_at === freed.starts_at && l.student_id === leaId);
      assert.ok(mine, `Léa's planning holds the lesson: ${JSON.stringify(lessons.map((l) => [l.starts_at, l.status, l.student_id]))}`);
      assert.equal(mine.ends_at, freed.ends_at);
      assert.equal(mine.instructor_id, freed.instructor_id);
      const accepted = (await apiGet(page, '/api/v1/waitlist/offers')).find((o) => o.id === offer.id);
      assert.equal(accepted.status, 'accepted');
      assert.equal(accepted.booked_lesson_id, mine.id);

      // And her "Mon planning" lists it among the lessons to come.
      await page.getByRole('link', { name: 'Voir mon planning' }).click();
      await page.getByRole('heading', { name: 'Mon planning', level: 1 }).waitFor();
      const upcoming = page.getByTestId('upcoming-lessons');
      await upcoming.waitFor();
      // "Mardi 8 décembre" (or "Demain — mardi 8 décembre" when the slot is tomorrow), then a card "9 h 00 – 10 h 00"
      // (the agenda's way of writing times).
      const ofDay = upcoming.getByRole('region', { name: new RegExp(`${agendaDay(freed.starts_at)}$`, 'i') });
      const agendaCard = ofDay.locator(`[data-testid="agenda-lesson"][data-lesson-id="${mine.id}"]`);
      await agendaCard.waitFor();
      assert.match(await agendaCard.innerText(), new RegExp(`${agendaTime(freed.starts_at)} – ${agendaTime(freed.ends_at)}`));
    });

    // The office sees the offer accepted.
    await withPage(stack, t, async (page) => {
      await login(page, SECRETARY);
      const offers = await apiGet(page, '/api/v1/waitlist/offers');
      const of = offers.filter((o) => o.freed_lesson_id === freed.id);
      assert.ok(of.some((o) => o.student_id === leaId && o.status === 'accepted'), JSON.stringify(of));
      assert.ok(of.every((o) => o.student_id === leaId || o.status !== 'offered'), 'the other offers of the slot are closed');
    });

    assertClean(found);
  });
});
