// Browser test of notifications and calendar feeds (issue 16): the secretary moves a lesson of the demo student; the
// student, on a 375 × 812 phone, sees the unread count in the bell, opens it and reads "Séance déplacée"; the mail to
// the student reaches the real SMTP sink. axe-core audits the bell's popover, the notifications page, the preferences
// and the ADMIN's delivery log. The student opens "Ajouter à mon agenda": its address answers text/calendar (fetched
// from here), and after "Changer l'adresse" the old one answers 404. Against the real server (`volant demo`, fresh
// data: its own server). Run: VOLANT_BIN=… node --test e2e/notifications.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, assertFitsPhone, audit, withA11yPage } from './a11y.mjs';
import { apiGet, csrfHeaders, login, startStack } from './harness.mjs';
import { ZONE, parts } from './paris.mjs';

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };
const STUDENT = 'eleve@demo.volant.test';
const SECRETARY = 'secretariat@demo.volant.test';
const ADMIN = 'admin@demo.volant.test';
const BELL = /^Notifications : (\d+) non lues?$/;

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

// --- API helpers ---------------------------------------------------------------------------------------------------

/** A write through the page's session (its cookie and CSRF token); asserts the status and returns the JSON. */
async function apiWrite(page, method, path, data, expected = 200) {
  const response = await page.request.fetch(path, { method, headers: await csrfHeaders(page), data });
  const text = await response.text();
  if (response.status() !== expected) throw new Error(`${method} ${path}: ${response.status()} (expected ${expected}) ${text}`);
  return text ? JSON.parse(text) : null;
}

const pad = (n) => String(n).padStart(2, '0');
/** Paris wall-clock `HH:MM` of now plus `hours`. */
const parisClock = (hours) => {
  const p = parts(Date.now() + hours * 3_600_000);
  return `${pad(Number(p.hour) % 24)}:${p.minute}`;
};

/**
 * The student's preferences: e-mail on for "Séance déplacée", and quiet hours that do not hold the mail back now
 * (from 3 to 4 hours ahead, school time), whatever time the test runs.
 */
async function prepareStudent(page) {
  const current = await apiGet(page, '/api/v1/me/notification-preferences');
  assert.ok(current.events.includes('lesson_moved'), `a student can be told of a moved lesson: ${current.events.join(', ')}`);
  const channels = { ...current.channels, lesson_moved: { ...current.channels.lesson_moved, email: true, in_app: true } };
  const saved = await apiWrite(page, 'PUT', '/api/v1/me/notification-preferences', {
    channels,
    quiet_hours: { start: parisClock(3), end: parisClock(4) },
    version: current.version,
  });
  assert.equal(saved.channels.lesson_moved.email, true);
  assert.equal(saved.channels.lesson_moved.in_app, true);
  assert.ok(saved.version > current.version, 'the version moved on');
  // A stale version is refused.
  const stale = await page.request.put('/api/v1/me/notification-preferences', {
    headers: await csrfHeaders(page),
    data: { channels, quiet_hours: saved.quiet_hours, version: current.version },
  });
  assert.equal(stale.status(), 412, `a stale version: ${stale.status()} ${await stale.text()}`);
  return saved;
}

/** Moves one of the student's planned lessons (more than 2 days ahead) to a time the planning accepts. */
async function moveALessonOf(page, studentId) {
  const now = Date.now();
  const from = new Date(now + 2 * 86_400_000).toISOString();
  const to = new Date(now + 56 * 86_400_000).toISOString();
  const lessons = (await apiGet(page, `/api/v1/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).items
    .filter((l) => l.student_id === studentId && l.status === 'planned')
    .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  assert.ok(lessons.length > 0, 'the demo student has planned lessons ahead');
  const tried = [];
  for (const lesson of lessons.slice(0, 4)) {
    for (const hours of [1, -1, 2, 24, 48, 168]) {
      const shift = hours * 3_600_000;
      const body = {
        version: lesson.version,
        kind: lesson.kind,
        starts_at: new Date(Date.parse(lesson.starts_at) + shift).toISOString(),
        ends_at: new Date(Date.parse(lesson.ends_at) + shift).toISOString(),
      };
      const response = await page.request.patch(`/api/v1/lessons/${lesson.id}`, { headers: await csrfHeaders(page), data: body });
      if (response.status() === 200) return { lesson, moved: await response.json() };
      tried.push(`${lesson.id} ${hours} h: ${response.status()} ${(await response.text()).slice(0, 200)}`);
    }
  }
  throw new Error(`no lesson of the student could be moved:\n${tried.join('\n')}`);
}

/**
 * The school's quiet hours off (00:00–00:00), so that the mail leaves now whatever time the test runs (at night, the
 * school's default 21:00–08:00 would hold it back).
 */
async function schoolQuietHoursOff() {
  await withContext(DESKTOP, async (page) => {
    await login(page, ADMIN);
    const settings = await apiGet(page, '/api/v1/settings');
    const saved = await apiWrite(page, 'PUT', '/api/v1/settings', { ...settings, notifications: { ...settings.notifications, quiet_hours: { start: '00:00', end: '00:00' } } });
    assert.deepEqual(saved.notifications.quiet_hours, { start: '00:00', end: '00:00' });
  });
}

async function withContext(viewport, fn) {
  const context = await stack.browser.newContext({ baseURL: stack.baseUrl, locale: 'fr-FR', timezoneId: ZONE, viewport });
  context.setDefaultTimeout(15_000);
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

describe('notifications', () => {
  let studentAddresses = [];

  test('a moved lesson: the student sees it under the bell on a phone, and gets the mail; axe finds nothing', async (t) => {
    await schoolQuietHoursOff();
    await withContext(DESKTOP, async (studentPage) => {
      // The student's own choices first (and their file's id).
      await login(studentPage, STUDENT);
      const me = await apiGet(studentPage, '/api/v1/me');
      assert.ok(me.student_id, 'the demo student account is linked to a file');
      await prepareStudent(studentPage);

      // The secretary moves one of their lessons.
      await withContext(DESKTOP, async (page) => {
        await login(page, SECRETARY);
        const file = await apiGet(page, `/api/v1/students/${me.student_id}`);
        studentAddresses = [me.user.email, file.email].filter(Boolean).map((a) => a.toLowerCase());
        await moveALessonOf(page, me.student_id);
      });

      // The notifications are made by a job, soon after the move.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { items } = await apiGet(studentPage, '/api/v1/notifications?unread=true&limit=10');
        if (items.some((n) => n.event === 'lesson_moved')) break;
        assert.ok(Date.now() < deadline, `no lesson_moved notification within 30 s: ${JSON.stringify(items)}`);
        await studentPage.waitForTimeout(500);
      }
    });

    await withA11yPage(stack, t, PHONE, async (page) => {
      const found = [];
      await login(page, STUDENT);
      const { count } = await apiGet(page, '/api/v1/notifications/unread-count');
      assert.ok(count >= 1, `the student has unread notifications: ${count}`);
      const bell = page.getByRole('button', { name: BELL });
      await bell.waitFor();
      const [, shown] = BELL.exec(await bell.getAttribute('aria-label'));
      assert.equal(Number(shown), count, 'the bell says the server’s count');
      assert.equal((await page.getByTestId('notification-badge').innerText()).trim(), String(count > 99 ? '99+' : count));
      await assertFitsPhone(page, 'home with the bell');

      await bell.click();
      const popover = page.getByRole('dialog', { name: 'Notifications' });
      await popover.waitFor();
      const list = popover.getByRole('list', { name: 'Dernières notifications' });
      await list.waitFor();
      const item = list.getByRole('listitem').filter({ hasText: 'Séance déplacée' }).first();
      await item.waitFor();
      assert.match(await item.innerText(), /Non lue/, 'an unread notification says so in words');
      const box = await popover.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, `the popover fits the phone: ${JSON.stringify(box)}`);
      found.push(...(await audit(page, 'the bell’s popover (phone)')));
      await assertFitsPhone(page, 'the bell’s popover');

      // Clicking it marks it read and opens its page (when it has one); the count follows.
      const latest = (await apiGet(page, '/api/v1/notifications?limit=10')).items;
      const moved = latest.find((n) => n.event === 'lesson_moved');
      assert.ok(moved, 'the latest notifications hold the move');
      await item.getByRole('button').click();
      if (moved.link) await page.waitForURL((url) => url.pathname === new URL(moved.link, stack.baseUrl).pathname);
      await page.getByRole('button', { name: count - 1 === 0 ? 'Notifications : aucune non lue' : BELL }).waitFor();
      // The click's "mark read" request may still be on its way on a busy machine: ask again for a while.
      let readAt = null;
      for (let tries = 0; tries < 40 && readAt === null; tries += 1) {
        const after = await apiGet(page, '/api/v1/notifications?limit=10');
        readAt = after.items.find((n) => n.id === moved.id)?.read_at ?? null;
        if (readAt === null) await page.waitForTimeout(250);
      }
      assert.notEqual(readAt, null, 'the notification is read');
      assertClean(found);
    });

    // The mail, in the real SMTP sink.
    const mail = await stack.smtp.waitFor(
      (m) => m.to.some((a) => studentAddresses.includes(a.toLowerCase())) && /déplac/i.test(`${m.subject}\n${m.text}`),
      60_000,
    );
    assert.ok(mail.text.length > 0, 'a plain-text part');
    assert.ok(mail.html.length > 0, 'an HTML part');
  });

  test('the notifications page, the preferences and the delivery log: usable on a phone, axe finds nothing', async (t) => {
    await withA11yPage(stack, t, PHONE, async (page) => {
      const found = [];
      await login(page, STUDENT);
      // From the menu.
      await page.getByRole('button', { name: 'Ouvrir la navigation' }).click();
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Notifications' }).click();
      await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
      const list = page.getByTestId('notification-list');
      await list.waitFor();
      const first = list.getByTestId('notification').first();
      await first.waitFor();
      found.push(...(await audit(page, 'notifications page (phone)')));
      await assertFitsPhone(page, 'notifications page');

      // Mark one unread, then all read.
      const markUnread = first.getByRole('button', { name: /^Marquer comme non lue/ });
      if (await markUnread.count()) {
        await markUnread.click();
        await page.getByTestId('notifications-result').filter({ hasText: 'marquée comme non lue' }).waitFor();
        await page.getByRole('button', { name: BELL }).waitFor();
      }
      await page.getByRole('radiogroup').getByText('Non lues', { exact: true }).click();
      await list.getByTestId('notification').first().waitFor();
      assert.equal(await list.locator('[data-unread="false"]').count(), 0, 'the unread filter shows unread ones only');
      found.push(...(await audit(page, 'notifications page, unread only (phone)')));
      await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
      await page.getByText('Aucune notification non lue.').waitFor();
      await page.getByRole('button', { name: 'Notifications : aucune non lue' }).waitFor();
      assert.equal((await apiGet(page, '/api/v1/notifications/unread-count')).count, 0);

      // The preferences, from the page.
      await page.getByRole('link', { name: 'Préférences de notification' }).click();
      await page.getByRole('heading', { name: 'Préférences de notification', level: 1 }).waitFor();
      const inApp = page.getByRole('checkbox', { name: "Séance déplacée : Dans l'application" });
      await inApp.waitFor();
      assert.equal(await inApp.isChecked(), true);
      assert.equal(await inApp.isDisabled(), true);
      await page.getByText("Pas de SMS ni d'e-mail pendant ces heures (heure de l'école) : ils partent à la fin de la plage.").waitFor();
      found.push(...(await audit(page, 'notification preferences (phone)')));
      await assertFitsPhone(page, 'notification preferences');
      // A change is saved with the version read.
      const before = await apiGet(page, '/api/v1/me/notification-preferences');
      const email = page.getByRole('checkbox', { name: 'Séance annulée : E-mail' });
      const was = await email.isChecked();
      await email.click();
      const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/me/notification-preferences' && r.request().method() === 'PUT');
      await page.getByRole('button', { name: 'Enregistrer les préférences' }).click();
      const response = await saved;
      assert.equal(response.status(), 200, await response.text());
      assert.equal(response.request().postDataJSON().version, before.version);
      await page.getByText('Vos préférences de notification ont été enregistrées.').waitFor();
      assert.equal((await apiGet(page, '/api/v1/me/notification-preferences')).channels.lesson_cancelled.email, !was);
      assertClean(found);
    });

    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await login(page, ADMIN);
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Journal des envois' }).click();
      await page.getByRole('heading', { name: 'Journal des envois', level: 1 }).waitFor();
      // The pointer leaves the menu: what is audited is the page, not the hover colour of the link just clicked.
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      const table = page.getByRole('table', { name: 'Envois' });
      await table.waitFor();
      // The mail of the moved lesson is there, its status in words.
      const row = table.getByTestId('delivery').filter({ hasText: 'Séance déplacée' }).filter({ hasText: 'E-mail' }).first();
      await row.waitFor();
      assert.match(await row.innerText(), /Envoyé|En attente|Échec|Ignoré/);
      found.push(...(await audit(page, 'delivery log (desktop)')));
      // Filtered by channel.
      const filtered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/notification-deliveries' && new URL(r.url()).searchParams.get('channel') === 'email');
      await page.getByRole('combobox', { name: 'Canal' }).click();
      await page.getByRole('option', { name: 'E-mail', exact: true }).click();
      assert.equal((await filtered).status(), 200);
      await page.waitForTimeout(200);
      await table.getByTestId('delivery').first().waitFor();
      for (const text of await table.getByTestId('delivery').allInnerTexts()) assert.match(text, /E-mail/);
      found.push(...(await audit(page, 'delivery log, e-mails only (desktop)')));
      await page.setViewportSize(PHONE);
      await page.getByRole('list', { name: 'Envois' }).waitFor();
      found.push(...(await audit(page, 'delivery log (phone)')));
      await assertFitsPhone(page, 'delivery log');
      assertClean(found);
    });
  });

  test('"Ajouter à mon agenda": the address answers text/calendar; after "Changer l’adresse" the old one answers 404', async (t) => {
    await withA11yPage(stack, t, PHONE, async (page) => {
      const found = [];
      await login(page, STUDENT);
      await page.goto('/mon-planning');
      await page.getByRole('heading', { name: 'Mon planning', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Ajouter à mon agenda' }).click();
      const dialog = page.getByRole('dialog', { name: 'Ajouter à mon agenda' });
      const input = dialog.getByRole('textbox', { name: 'Adresse de votre planning' });
      await input.waitFor();
      const url = await input.inputValue();
      assert.equal(await input.getAttribute('readonly'), '');
      assert.match(url, /\/ics\/[^/]+$/, `the feed's address: ${url}`);
      const webcal = await dialog.getByRole('link', { name: 'Ouvrir dans mon agenda' }).getAttribute('href');
      assert.match(webcal, /^webcal:\/\//, `the webcal address: ${webcal}`);
      assert.equal(webcal.replace(/^webcal:\/\//, ''), url.replace(/^https?:\/\//, ''), 'the same address, another scheme');
      await dialog.getByText('À partir de l’URL', { exact: false }).waitFor();
      await dialog.getByText('Ajouter un calendrier avec abonnement', { exact: false }).waitFor();
      found.push(...(await audit(page, 'calendar feed dialog (phone)')));

      // Fetched from here, without the browser's session: the secret address is enough.
      const feed = await fetch(url);
      assert.equal(feed.status, 200, `GET ${url}`);
      assert.match(feed.headers.get('content-type') ?? '', /^text\/calendar/);
      const ics = await feed.text();
      assert.match(ics, /^BEGIN:VCALENDAR\r?\n/);
      assert.match(ics, /END:VCALENDAR\s*$/);
      // The same address on a second read.
      assert.equal(await dialog.getByRole('textbox', { name: 'Adresse de votre planning' }).inputValue(), (await apiGet(page, '/api/v1/me/calendar-feed')).url);

      // "Changer l'adresse", confirmed: a new address, and the old one stops working.
      await dialog.getByRole('button', { name: "Changer l'adresse" }).click();
      const confirm = dialog.getByTestId('calendar-feed-confirm');
      await confirm.getByText("L'ancienne adresse cessera aussitôt de fonctionner", { exact: false }).waitFor();
      found.push(...(await audit(page, 'calendar feed dialog, confirmation (phone)')));
      await confirm.getByRole('button', { name: "Changer l'adresse" }).click();
      await dialog.getByTestId('calendar-feed-result').filter({ hasText: "L'adresse a été changée" }).waitFor();
      const renewed = await input.inputValue();
      assert.notEqual(renewed, url, 'a new address');
      assert.equal((await fetch(url)).status, 404, 'the old address answers 404');
      const fresh = await fetch(renewed);
      assert.equal(fresh.status, 200);
      assert.match(await fresh.text(), /^BEGIN:VCALENDAR/);
      await assertFitsPhone(page, 'calendar feed dialog');
      assertClean(found);
    });
  });
});
