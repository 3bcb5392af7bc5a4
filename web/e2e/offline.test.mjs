/* global document, caches -- in page.evaluate callbacks, which run in the browser */
// Browser test of the instructor's phone app offline (SPEC § 6.3): four lessons of Léa Martin (the demo student) with
// Julien Moreau (the demo instructor, moniteur@), planned yesterday by the admin and not marked yet. On a 375 × 740
// phone the instructor opens the app; the network goes away; the page is reloaded (the service worker's shell, the
// day kept in the browser); two lessons are marked done with a comment and a booklet evaluation each, and wait in the
// outbox ("Hors ligne — 2 actions en attente d'envoi"); the network comes back, the outbox empties, and the server has
// each lesson done once, with its comment, and each evaluation once. A third lesson marked absent offline is cancelled
// by the office meanwhile: the refusal is kept with the server's message until the instructor discards it. The fourth
// is marked online but its answer is lost: the same request, same Idempotency-Key, is sent again and the server does
// the work once. axe-core audits the page with the queue shown: no serious or critical violation.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/offline.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { assertClean, assertFitsPhone, audit } from './a11y.mjs';
import { ARTIFACTS, apiGet, apiPost, login, startStack, withPage } from './harness.mjs';
import { addDays, parisInstant, todayInParis } from './paris.mjs';

const PHONE = { width: 375, height: 740 };
const ADMIN = 'admin@demo.volant.test';
const INSTRUCTOR = 'moniteur@demo.volant.test';
const SHELL_CACHE = 'volant-shell-v1';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const overlaps = (a, b) => Date.parse(a.starts_at) < Date.parse(b.ends_at) && Date.parse(b.starts_at) < Date.parse(a.ends_at);

/**
 * A phone page of a fresh context (own cookies, own storage, service workers allowed unless told), whose CSP is
 * bypassed so that axe's source can be injected. On failure, a screenshot and the page's errors join the message.
 */
async function withPhone(t, fn, { serviceWorkers = 'allow' } = {}) {
  const context = await stack.browser.newContext({
    baseURL: stack.baseUrl,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: PHONE,
    bypassCSP: true,
    serviceWorkers,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  try {
    await fn(page, context);
  } catch (error) {
    await mkdir(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${t.name.replace(/[^\w.-]+/g, '_').slice(0, 100)}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    error.message += `\nscreenshot: ${file}\nurl: ${page.url()}${problems.length ? `\n${problems.join('\n')}` : ''}`;
    throw error;
  } finally {
    await context.close();
  }
}

/** Four free hours of yesterday (07:00–20:00 school time) where Léa, Julien Moreau and a dual-control car are free. */
async function plantLessons(t) {
  const planted = {};
  await withPage(stack, t, async (page) => {
    await login(page, ADMIN);
    const lea = (await apiGet(page, '/api/v1/students?q=Martin&limit=50')).items.find((s) => s.first_name === 'Léa' && s.last_name === 'Martin');
    assert.ok(lea, 'the demo has Léa Martin');
    const julien = (await apiGet(page, '/api/v1/instructors?limit=200')).items.find((i) => i.first_name === 'Julien' && i.last_name === 'Moreau');
    assert.ok(julien, 'the demo has Julien Moreau (moniteur@)');
    const cars = (await apiGet(page, '/api/v1/vehicles?limit=200')).items.filter((v) => v.status === 'active' && v.kind === 'car' && v.dual_controls);
    const yesterday = addDays(todayInParis(), -1);
    const from = parisInstant(yesterday, '00:00');
    const to = parisInstant(todayInParis(), '00:00');
    const taken = (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items.filter((l) => l.status !== 'cancelled');
    const slots = [];
    for (let hour = 7; hour < 20 && slots.length < 4; hour++) {
      const slot = { starts_at: parisInstant(yesterday, `${String(hour).padStart(2, '0')}:00`), ends_at: parisInstant(yesterday, `${String(hour + 1).padStart(2, '0')}:00`) };
      const busy = taken.filter((l) => overlaps(l, slot));
      if (busy.some((l) => l.instructor_id === julien.id || l.student_id === lea.id || l.attendee_ids.includes(lea.id))) continue;
      const car = cars.find((c) => !busy.some((l) => l.vehicle_id === c.id));
      if (!car) continue;
      slots.push({ ...slot, vehicle_id: car.id });
    }
    assert.equal(slots.length, 4, 'four hours of yesterday where Léa, Julien Moreau and a car are free');
    planted.lessons = [];
    for (const slot of slots) {
      const { lesson } = await apiPost(page, '/api/v1/lessons', { kind: 'driving', ...slot, student_id: lea.id, instructor_id: julien.id });
      planted.lessons.push(lesson);
    }
    planted.leaId = lea.id;
    // Items Léa never worked: each evaluation is then the item's only one tied to its lesson.
    const booklet = await apiGet(page, `/api/v1/students/${lea.id}/booklet`);
    planted.items = booklet.competencies.flatMap((c) => c.items.filter((i) => i.history.length === 0).map((i) => ({ code: i.code, competency: c.code })));
    assert.ok(planted.items.length >= 3, 'Léa has three items never evaluated');
  });
  return planted;
}

/** The evaluations of Léa's booklet tied to a lesson. */
const evaluationsOf = (booklet, lessonId) => booklet.competencies.flatMap((c) => c.items.flatMap((i) => i.history.filter((h) => h.lesson_id === lessonId)));

/** The home page's card of a lesson (in "À marquer"). */
const card = (page, lesson) => page.getByTestId('to-mark').locator(`li[data-lesson-id="${lesson.id}"]`);

/** Waits until the service worker controls the page and keeps the shell and every asset the page loaded. */
async function shellKept(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
  await page.waitForFunction(
    async (name) => {
      const cache = await caches.open(name);
      const kept = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
      const loaded = performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.startsWith('/assets/'));
      return kept.has('/index.html') && loaded.length > 0 && loaded.every((p) => kept.has(p));
    },
    SHELL_CACHE,
    { timeout: 20_000, polling: 250 },
  );
}

/** Waits until the day (with Léa's booklet) is written in the browser's storage. */
async function dayKept(page, leaId) {
  await page.waitForFunction(
    (id) => {
      const user = localStorage.getItem('volant.offline.v1.user');
      const day = user ? localStorage.getItem(`volant.offline.v1.cache.${user}`) : null;
      return day !== null && day.includes('"days"') && day.includes(`"booklet","${id}"`);
    },
    leaId,
    { timeout: 20_000, polling: 250 },
  );
}

/** Opens the list of the waiting actions from the bar. */
const showOutbox = (page) => page.getByTestId('offline-bar-region').getByRole('button', { name: 'Voir les actions', exact: true }).click();

/** Opens a lesson from the home page, marks it done with a comment and one level of an item. */
async function completeWith(page, lesson, item, level, comment) {
  await card(page, lesson).getByRole('button').click();
  const panel = page.getByRole('dialog').filter({ has: page.getByTestId('lesson-details') });
  await panel.getByRole('button', { name: 'Marquer faite' }).click();
  const form = panel.getByRole('form', { name: 'Marquer la séance faite' });
  await form.getByTestId('quick-evaluations').waitFor();
  const group = form.getByRole('group', { name: new RegExp(`^${item.code.replace('.', '\\.')} `) });
  if (!(await group.isVisible())) await form.getByRole('button', { name: new RegExp(`^${item.competency} · `) }).click();
  const button = group.getByRole('button', { name: `${level} (${item.code})`, exact: true });
  await button.click();
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  await form.getByLabel('Commentaire (facultatif)').fill(comment);
  await form.getByRole('button', { name: 'Marquer faite' }).click();
  return panel;
}

describe('the instructor’s app offline', () => {
  let planted;

  test('setup: four lessons of Léa with Julien Moreau yesterday, not marked yet', { timeout: 60_000 }, async (t) => {
    planted = await plantLessons(t);
  });

  test('offline: the app opens again, two lessons are marked done and sent once the network is back', { timeout: 150_000 }, async (t) => {
    const [first, second] = planted.lessons;
    const [itemA, itemB] = planted.items;
    const comments = ['Créneaux et rétrogradages, bien.', 'Insertion sur voie rapide à revoir.'];
    const found = [];
    await withPhone(t, async (page, context) => {
      await login(page, INSTRUCTOR);
      await card(page, first).waitFor();
      await card(page, second).waitFor();
      // Installable: the manifest is named in the page and says what the phone needs.
      const manifest = await (await page.request.get(await page.locator('link[rel="manifest"]').getAttribute('href'))).json();
      assert.equal(manifest.name, 'Volant');
      assert.equal(manifest.lang, 'fr');
      assert.equal(manifest.start_url, '/');
      assert.equal(manifest.display, 'standalone');
      assert.ok(manifest.icons.length > 0 && manifest.theme_color);
      await shellKept(page);
      await dayKept(page, planted.leaId);

      // No network: the page opens again from the service worker's shell and the day kept in the browser.
      await context.setOffline(true);
      await page.reload();
      await page.getByTestId('offline-bar').filter({ hasText: /^Hors ligne/ }).waitFor();
      await card(page, first).waitFor();
      await card(page, second).waitFor();
      assert.equal(await page.evaluate(() => navigator.onLine), false);

      let panel = await completeWith(page, first, itemA, 'traité', comments[0]);
      await page.getByText('Enregistré sur le téléphone : ce sera envoyé au retour du réseau.').first().waitFor();
      await panel.getByTestId('pending-badge').filter({ hasText: 'Terminée (en attente d’envoi)' }).waitFor();
      await panel.getByRole('button', { name: 'Fermer' }).click();
      await panel.waitFor({ state: 'hidden' });
      panel = await completeWith(page, second, itemB, 'abordé', comments[1]);
      await panel.getByTestId('pending-badge').filter({ hasText: 'Terminée (en attente d’envoi)' }).waitFor();
      await panel.getByRole('button', { name: 'Fermer' }).click();
      await panel.waitFor({ state: 'hidden' });

      const bar = page.getByTestId('offline-bar');
      assert.equal(await bar.getAttribute('role'), 'status');
      assert.equal((await bar.innerText()).trim(), 'Hors ligne — 2 actions en attente d’envoi');
      assert.equal(await card(page, first).getByTestId('pending-badge').textContent(), 'Terminée (en attente d’envoi)');

      // Still there after a reload without network (kept in the browser).
      await page.reload();
      await card(page, second).getByTestId('pending-badge').waitFor();
      assert.equal((await bar.innerText()).trim(), 'Hors ligne — 2 actions en attente d’envoi');

      await showOutbox(page);
      const list = page.getByRole('dialog', { name: 'Actions en attente d’envoi' });
      const entries = list.getByTestId('outbox-entry');
      await entries.first().waitFor();
      assert.equal(await entries.count(), 2);
      assert.equal(await entries.nth(0).getAttribute('data-lesson-id'), first.id);
      assert.match(await entries.nth(0).innerText(), /Séance faite · Séance du [\s\S]*avec Léa Martin[\s\S]*Commentaire : Créneaux[\s\S]*1 évaluation du livret/);
      assert.match(await entries.nth(1).textContent(), /En attente/);
      found.push(...(await audit(page, 'the outbox list, offline')));
      await list.getByRole('button', { name: 'Fermer' }).click();
      await list.waitFor({ state: 'hidden' });
      found.push(...(await audit(page, 'the home page offline, with the bar')));
      await assertFitsPhone(page, 'the home page offline');

      // The network is back: the outbox is sent, in order, and empties.
      await context.setOffline(false);
      await page.waitForFunction(() => document.querySelector('[data-testid="offline-bar"]')?.textContent === '', undefined, { timeout: 30_000 });
      await card(page, first).waitFor({ state: 'detached' });
      await card(page, second).waitFor({ state: 'detached' });
      const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('volant.offline.v1.outbox.')));
      assert.deepEqual(stored, [], 'nothing left in the outbox');
    });
    assertClean(found);

    // The server did each once: done with its comment, one hour consumed each, one evaluation each.
    await withPage(stack, t, async (page) => {
      await login(page, ADMIN);
      const booklet = await apiGet(page, `/api/v1/students/${planted.leaId}/booklet`);
      const hours = await apiGet(page, `/api/v1/students/${planted.leaId}/hours`);
      for (const [i, lesson] of [first, second].entries()) {
        const now = await apiGet(page, `/api/v1/lessons/${lesson.id}`);
        assert.equal(now.status, 'done');
        assert.equal(now.comment, comments[i]);
        const evaluations = evaluationsOf(booklet, lesson.id);
        assert.equal(evaluations.length, 1, `one evaluation for lesson ${i + 1}`);
        assert.equal(evaluations[0].item_code, [itemA, itemB][i].code);
        assert.equal(evaluations[0].level, ['traite', 'aborde'][i]);
        assert.equal(hours.entries.filter((e) => e.lesson_id === lesson.id).length, 1, `one line of the ledger for lesson ${i + 1}`);
      }
    });
  });

  test('a lesson cancelled by the office meanwhile: the refusal is kept, with the server’s message, until discarded', { timeout: 120_000 }, async (t) => {
    const third = planted.lessons[2];
    const found = [];
    await withPhone(t, async (page, context) => {
      await login(page, INSTRUCTOR);
      await card(page, third).waitFor();
      await context.setOffline(true);
      await card(page, third).getByRole('button').click();
      const panel = page.getByRole('dialog').filter({ has: page.getByTestId('lesson-details') });
      await panel.getByRole('button', { name: 'Élève absent' }).click();
      await panel.getByRole('button', { name: "Confirmer l'absence" }).click();
      await panel.getByTestId('pending-badge').filter({ hasText: 'Absent (en attente d’envoi)' }).waitFor();
      await panel.getByRole('button', { name: 'Fermer' }).click();

      // Meanwhile the office cancels the lesson.
      await withPage(stack, t, async (office) => {
        await login(office, ADMIN);
        await apiPost(office, `/api/v1/lessons/${third.id}/cancel`, { reason: 'Véhicule en panne', by: 'school', waive_charge: false }, 200);
      });

      await context.setOffline(false);
      const bar = page.getByTestId('offline-bar');
      await bar.filter({ hasText: '1 action refusée par le serveur' }).waitFor({ timeout: 30_000 });
      await showOutbox(page);
      const list = page.getByRole('dialog', { name: 'Actions en attente d’envoi' });
      const entry = list.getByTestId('outbox-entry');
      await entry.filter({ hasText: 'Refusée' }).waitFor();
      assert.equal(await entry.getAttribute('data-status'), 'conflict');
      const conflict = (await entry.getByTestId('outbox-conflict').innerText()).trim();
      assert.match(conflict, /^Refusée par le serveur : \S/, 'the server’s French message');
      await entry.getByRole('button', { name: /^Réessayer : Élève absent · Séance du / }).waitFor();
      found.push(...(await audit(page, 'the outbox list with a refused action')));
      await assertFitsPhone(page, 'the outbox list');

      // Still refused on a retry (the lesson is cancelled): kept again, then discarded by the instructor.
      await entry.getByRole('button', { name: /^Réessayer/ }).click();
      await entry.filter({ hasText: 'Refusée' }).waitFor();
      await entry.getByRole('button', { name: /^Abandonner : Élève absent/ }).click();
      await list.getByTestId('outbox-empty').waitFor();
    });
    assertClean(found);
  });

  test('an answer lost on the way back: the same request with the same key is sent again, and done once', { timeout: 120_000 }, async (t) => {
    const fourth = planted.lessons[3];
    const item = planted.items[2];
    const seen = [];
    // Service workers are left out here: the point is the outbox and the key, and routing sees every request then.
    await withPhone(
      t,
      async (page, context) => {
        await login(page, INSTRUCTOR);
        await card(page, fourth).waitFor();
        await context.route(`**/api/v1/lessons/${fourth.id}/complete`, async (route) => {
          const response = await route.fetch();
          seen.push({ key: route.request().headers()['idempotency-key'], status: response.status(), replayed: response.headers()['idempotent-replayed'] ?? null });
          // The first answer never reaches the phone: the server did the work, the phone does not know.
          if (seen.length === 1) await route.abort('internetdisconnected');
          else await route.fulfill({ response });
        });
        const panel = await completeWith(page, fourth, item, 'traité', 'Réponse perdue, séance faite une fois.');
        await panel.getByTestId('pending-badge').filter({ hasText: 'Terminée (en attente d’envoi)' }).waitFor();
        await panel.getByRole('button', { name: 'Fermer' }).click();
        await page.getByTestId('offline-bar').filter({ hasText: '1 action en attente d’envoi' }).waitFor();
        await showOutbox(page);
        const list = page.getByRole('dialog', { name: 'Actions en attente d’envoi' });
        await list.getByRole('button', { name: 'Envoyer maintenant' }).click();
        await list.getByTestId('outbox-empty').waitFor({ timeout: 30_000 });
      },
      { serviceWorkers: 'block' },
    );
    assert.equal(seen.length, 2, 'sent twice');
    assert.ok(seen[0].key && seen[0].key.length >= 32, 'an Idempotency-Key was sent');
    assert.equal(seen[1].key, seen[0].key, 'the same key both times');
    assert.deepEqual(
      seen.map((s) => s.status),
      [200, 200],
    );
    assert.equal(seen[1].replayed, 'true', 'the second answer is the replay of the first');

    await withPage(stack, t, async (page) => {
      await login(page, ADMIN);
      const lesson = await apiGet(page, `/api/v1/lessons/${fourth.id}`);
      assert.equal(lesson.status, 'done');
      assert.equal(lesson.comment, 'Réponse perdue, séance faite une fois.');
      const booklet = await apiGet(page, `/api/v1/students/${planted.leaId}/booklet`);
      assert.equal(evaluationsOf(booklet, fourth.id).length, 1, 'one evaluation, not two');
      const hours = await apiGet(page, `/api/v1/students/${planted.leaId}/hours`);
      assert.equal(hours.entries.filter((e) => e.lesson_id === fourth.id).length, 1, 'one line of the ledger, not two');
    });
  });
});
