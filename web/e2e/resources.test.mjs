// Browser tests of the school resources (instructors and their availability, vehicles, agencies) against the real
// server (`volant demo`, fresh data: its own server, so that app.test.mjs's password change does not matter here).
// Run: VOLANT_BIN=… npm run e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGet, login, startStack, withPage } from './harness.mjs';

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });

const navLinks = async (page) => {
  await nav(page).getByRole('link', { name: 'Accueil' }).waitFor();
  return (await nav(page).getByRole('link').allInnerTexts()).map((s) => s.trim());
};

/** GET through the page's session (same cookies), as JSON. */

describe('school resources', () => {
  test('the office edits an instructor’s weekly availability; it survives a reload', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'secretariat@demo.volant.test');
      const links = await navLinks(page);
      assert.ok(links.includes('Moniteurs') && links.includes('Véhicules'), links.join(', '));
      assert.ok(!links.includes('Agences'), links.join(', '));

      await nav(page).getByRole('link', { name: 'Moniteurs' }).click();
      await page.getByRole('heading', { name: 'Moniteurs', level: 1 }).waitFor();
      // The secretariat reads the list but does not create instructors.
      assert.equal(await page.getByRole('link', { name: 'Nouveau moniteur' }).count(), 0);
      await page.getByRole('link', { name: 'Sophie Lambert' }).click();
      await page.getByRole('heading', { name: 'Sophie Lambert', level: 1 }).waitFor();
      const id = /\/moniteurs\/([0-9a-f-]+)/.exec(page.url())?.[1];
      assert.ok(id, page.url());

      await page.getByRole('tab', { name: 'Disponibilités' }).click();
      const start = page.getByLabel('Mardi, début de la plage 1', { exact: true });
      const end = page.getByLabel('Mardi, fin de la plage 1', { exact: true });
      assert.equal(await start.inputValue(), '09:00');
      await start.fill('10:00');
      await end.fill('12:00');
      await page.getByRole('button', { name: 'Enregistrer la semaine type' }).click();
      await page.getByText('La semaine type a été enregistrée.').waitFor();

      await page.reload();
      await page.getByRole('heading', { name: 'Sophie Lambert', level: 1 }).waitFor();
      // The tab is kept in the address.
      await start.waitFor();
      assert.equal(await start.inputValue(), '10:00');
      assert.equal(await end.inputValue(), '12:00');
      assert.equal(await page.getByLabel('Mardi, début de la plage 2', { exact: true }).inputValue(), '14:00');

      const availability = await apiGet(page, `/api/v1/instructors/${id}/availability`);
      const tuesday = availability.weekly.filter((r) => r.weekday === 2);
      assert.deepEqual(tuesday, [
        { weekday: 2, start: '10:00', end: '12:00' },
        { weekday: 2, start: '14:00', end: '18:00' },
      ]);
      // Her leave, which PUT sent back as it was, is still there.
      assert.equal(availability.exceptions.length, 1);
    });
  });

  test('ADMIN creates a vehicle: the French plate error shows under the field, then the vehicle is listed', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'admin@demo.volant.test');
      await nav(page).getByRole('link', { name: 'Véhicules' }).click();
      await page.getByRole('heading', { name: 'Véhicules', level: 1 }).waitFor();
      const polo = page.getByTestId('vehicle-1234 TV 37');
      await polo.waitFor();
      assert.match(await polo.innerText(), /En maintenance/i);

      await page.getByRole('button', { name: 'Nouveau véhicule' }).click();
      const drawer = page.getByRole('dialog', { name: 'Nouveau véhicule' });
      await drawer.waitFor();
      const plate = drawer.getByRole('textbox', { name: /^Immatriculation/ });
      await plate.fill('AB123');
      await drawer.getByRole('textbox', { name: /^Marque/ }).fill('Renault');
      await drawer.getByRole('textbox', { name: /^Modèle/ }).fill('Clio');
      await drawer.getByRole('button', { name: 'Enregistrer' }).click();

      const error = drawer.getByText(/Immatriculation invalide/);
      await error.waitFor();
      assert.equal(await plate.getAttribute('aria-invalid'), 'true');
      // The message is the plate field's own (announced with it), not a generic alert.
      const errorId = await error.getAttribute('id');
      assert.ok(errorId && (await plate.getAttribute('aria-describedby'))?.split(' ').includes(errorId));

      await plate.fill('AB-987-CD');
      await drawer.getByRole('button', { name: 'Enregistrer' }).click();
      await drawer.waitFor({ state: 'hidden' });
      const row = page.getByTestId('vehicle-AB-987-CD');
      await row.waitFor();
      assert.match(await row.innerText(), /Renault Clio/);
      assert.match(await row.innerText(), /En service/i);
    });
  });

  test('an instructor opens "Mes disponibilités", reads the week and declares a leave', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'moniteur@demo.volant.test');
      const links = await navLinks(page);
      assert.ok(links.includes('Mes disponibilités'), links.join(', '));
      assert.ok(!links.includes('Moniteurs'), links.join(', '));

      await nav(page).getByRole('link', { name: 'Mes disponibilités' }).click();
      await page.getByRole('heading', { name: 'Mes disponibilités', level: 1 }).waitFor();
      await page.getByText('Julien Moreau').first().waitFor();
      // The week is read-only for them (PUT is for the office).
      const week = page.getByTestId('week-grid');
      await week.waitFor();
      assert.equal(await week.getByRole('textbox').count(), 0);
      assert.match(await week.getByRole('group', { name: 'Lundi' }).innerText(), /08:00–12:00, 13:30–19:00/);
      assert.equal(await page.getByRole('button', { name: 'Enregistrer la semaine type' }).count(), 0);

      // A week of leave across the change to summer time (28 March 2027), in school time.
      await page.getByRole('textbox', { name: 'Début', exact: true }).fill('2027-03-22T00:00');
      await page.getByRole('textbox', { name: 'Fin', exact: true }).fill('2027-03-29T00:00');
      await page.getByLabel('Note (facultatif)').fill('Vacances de printemps');
      await page.getByRole('button', { name: "Ajouter l'indisponibilité" }).click();
      await page.getByText("L'indisponibilité a été ajoutée.").waitFor();
      const row = page.getByTestId('exceptions-table').getByRole('row', { name: /Vacances de printemps/ });
      await row.waitFor();
      const text = await row.innerText();
      assert.match(text, /22\/03\/2027 00:00/);
      assert.match(text, /29\/03\/2027 00:00/);
      assert.match(text, /Congés/);

      const session = await apiGet(page, '/api/v1/me');
      const availability = await apiGet(page, `/api/v1/instructors/${session.instructor_id}/availability`);
      const leave = availability.exceptions.find((e) => e.note === 'Vacances de printemps');
      assert.ok(leave, JSON.stringify(availability.exceptions));
      assert.equal(leave.kind, 'leave');
      assert.equal(Date.parse(leave.starts_at), Date.parse('2027-03-21T23:00:00Z')); // CET
      assert.equal(Date.parse(leave.ends_at), Date.parse('2027-03-28T22:00:00Z')); // CEST

      // The office pages stay closed to them.
      await page.goto('/moniteurs');
      await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
      await page.goto('/agences');
      await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();

      // On a phone, the page fits the screen (tables scroll inside their own box).
      await page.setViewportSize({ width: 375, height: 740 });
      await page.goto('/mes-disponibilites');
      await page.getByRole('heading', { name: 'Mes disponibilités', level: 1 }).waitFor();
      await page.getByTestId('exceptions-table').waitFor();
      const overflow = await page.evaluate(() => globalThis.document.documentElement.scrollWidth - globalThis.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);

      // They may remove their own leave too.
      await page.getByRole('button', { name: "Supprimer l'indisponibilité du 22/03/2027 00:00" }).click();
      const confirm = page.getByRole('dialog', { name: 'Supprimer cette indisponibilité ?' });
      await confirm.getByRole('button', { name: 'Supprimer' }).click();
      await page.getByText("L'indisponibilité a été supprimée.").waitFor();
      await page.getByText('Aucune indisponibilité déclarée.').waitFor();
    });
  });

  test('ADMIN edits an agency: a closure and a room, saved with its version', async (t) => {
    await withPage(stack, t, async (page) => {
      await login(page, 'admin@demo.volant.test');
      await nav(page).getByRole('link', { name: 'Agences' }).click();
      await page.getByRole('heading', { name: 'Agences', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Tours Nord' }).click();
      await page.getByRole('heading', { name: 'Tours Nord', level: 1 }).waitFor();
      const id = /\/agences\/([0-9a-f-]+)/.exec(page.url())?.[1];
      const before = await apiGet(page, `/api/v1/agencies/${id}`);

      // Opening on Monday morning (closed so far), a closure, a room.
      const monday = page.getByRole('group', { name: 'Lundi' });
      assert.match(await monday.innerText(), /Fermé/);
      await page.getByRole('button', { name: 'Lundi, ajouter une plage' }).click();
      const mondayStart = page.getByLabel('Lundi, début de la plage 1', { exact: true });
      const mondayEnd = page.getByLabel('Lundi, fin de la plage 1', { exact: true });
      await mondayStart.fill('25:00');
      await mondayEnd.fill('12:00');
      await page.getByRole('button', { name: 'Ajouter une fermeture' }).click();
      const closures = before.closures.length + 1;
      await page.getByLabel(`Fermeture ${closures}, premier jour`, { exact: true }).fill('2027-08-09');
      await page.getByLabel(`Fermeture ${closures}, dernier jour`, { exact: true }).fill('2027-08-20');
      await page.getByLabel(`Fermeture ${closures}, motif`, { exact: true }).fill('Congés d’été');
      await page.getByRole('button', { name: 'Ajouter une salle' }).click();
      const rooms = before.rooms.length + 1;
      await page.getByLabel(`Salle ${rooms}, nom`, { exact: true }).fill('Salle du fond');
      await page.getByLabel(`Salle ${rooms}, nombre de places`, { exact: true }).fill('8');

      // A bad time is caught before sending.
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Heure invalide : format attendu HH:MM.').waitFor();
      await mondayStart.fill('9h30');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText("L'agence Tours Nord a été enregistrée.").waitFor();

      const after = await apiGet(page, `/api/v1/agencies/${id}`);
      assert.equal(after.version, before.version + 1);
      assert.ok(after.closures.some((c) => c.date === '2027-08-09' && c.end_date === '2027-08-20'), JSON.stringify(after.closures));
      assert.ok(after.rooms.some((r) => r.name === 'Salle du fond' && r.capacity === 8), JSON.stringify(after.rooms));
      assert.deepEqual(after.opening_hours.filter((r) => r.weekday === 1), [{ weekday: 1, start: '09:30', end: '12:00' }]);
      // Existing rooms kept their ids.
      for (const room of before.rooms) assert.ok(after.rooms.some((r) => r.id === room.id), room.name);
    });
  });
});
