/* global document -- in page.waitForFunction callbacks, which run in the browser */
// Browser test of "Import et export" (issue #24): the ADMIN opens the page from the menu, chooses "Élèves" and a small
// CSV file (written here: "Nom;Prénom;Date de naissance;E-mail" and 3 rows, the second one born on 31/02/2004), and
// "Vérifier" runs a dry run whose report names row 3, the column "Date de naissance" and the French message, with
// "Importer" held back. The fixed file (the date corrected) checks clean, "Importer" creates the 3 students, and the
// students' list finds them by name; the same file imported again changes nothing (3 "Déjà à jour"). Then the school
// export: "Exporter toute l'école", its progress, and the link that downloads the zip (eleves.csv, soldes.csv,
// livret.csv inside). axe-core audits /import-export at each step, on a desktop and a 375 px phone.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/imports.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertClean, assertFitsPhone, audit, withA11yPage } from './a11y.mjs';
import { apiGet, login, startStack } from './harness.mjs';

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
const ADMIN = 'admin@demo.volant.test';
/** A family name no demo student bears: the three imported students are found by it. */
const FAMILY = 'Quintard';
const HEADER = 'Nom;Prénom;Date de naissance;E-mail';
const rows = (secondBirthDate) => [
  `${FAMILY};Aurore;14/05/2003;aurore.quintard@exemple.fr`,
  `${FAMILY};Basile;${secondBirthDate};basile.quintard@exemple.fr`,
  `${FAMILY};Céleste;02/09/2005;celeste.quintard@exemple.fr`,
];
const BAD_DATE_MESSAGE = "« 31/02/2004 » n'est pas une date (JJ/MM/AAAA).";

let stack;
let dir;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'volant-import-'));
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });
const wizard = (page) => page.getByRole('region', { name: 'Importer depuis l’ancien logiciel' });

/** Writes a CSV file as an office's spreadsheet would save it (CRLF line ends). */
async function csvFile(name, lines) {
  const path = join(dir, name);
  await writeFile(path, `${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8');
  return path;
}

/** The four counts the wizard shows, from their badges: { created, updated, skipped, errors }. */
async function counts(page) {
  const out = {};
  for (const key of ['created', 'updated', 'skipped', 'errors']) {
    out[key] = Number(await wizard(page).getByTestId(`count-${key}`).getAttribute('data-count'));
  }
  return out;
}

/** Chooses "Élèves" and the file, then "Vérifier": resolves on the dry run's report. */
async function check(page, path) {
  const steps = wizard(page);
  await steps.getByRole('radio', { name: 'Élèves' }).check();
  await steps.locator('input[type="file"]').setInputFiles(path);
  await steps.getByRole('button', { name: 'Vérifier', exact: true }).click();
  await steps.getByRole('heading', { name: 'Rapport de vérification', level: 3 }).waitFor({ timeout: 30_000 });
}

describe('import and export', () => {
  test('the ADMIN imports students: the report names the bad row, the fixed file imports, the list finds them; axe finds nothing', { timeout: 180_000 }, async (t) => {
    const bad = await csvFile('eleves-ancien-logiciel.csv', rows('31/02/2004'));
    const fixed = await csvFile('eleves-corrige.csv', rows('28/02/2004'));
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await login(page, ADMIN);
      await nav(page).getByRole('link', { name: 'Import et export' }).click();
      await page.getByRole('heading', { name: 'Import et export', level: 1 }).waitFor();
      assert.match(page.url(), /\/import-export$/);
      const steps = wizard(page);
      await steps.getByTestId('kind-help').filter({ hasText: 'Date de naissance (JJ/MM/AAAA)' }).waitFor();
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'Import et export (desktop)')));

      // The dry run of the file with a bad date: row 3, "Date de naissance", the French message; nothing imported yet.
      await check(page, bad);
      assert.deepEqual(await counts(page), { created: 2, updated: 0, skipped: 0, errors: 1 });
      const table = steps.getByRole('table', { name: /^Lignes refusées/ });
      const errorRows = table.getByTestId('import-error');
      assert.equal(await errorRows.count(), 1);
      const cells = (await errorRows.first().locator('th, td').allInnerTexts()).map((text) => text.trim());
      t.diagnostic(`refused: ${JSON.stringify(cells)}`);
      assert.deepEqual(cells, ['3', `${FAMILY} Basile`, 'Date de naissance', BAD_DATE_MESSAGE]);
      assert.ok(await steps.getByRole('button', { name: 'Importer', exact: true }).isDisabled(), 'a refused row holds "Importer" back');
      assert.equal((await apiGet(page, `/api/v1/students?q=${FAMILY}`)).items.length, 0, 'a dry run writes nothing');
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'Import et export, report with a refused row (desktop)')));

      // The same report on a phone: the table scrolls in its own box, the page does not.
      await page.setViewportSize(PHONE);
      await steps.getByRole('heading', { name: 'Rapport de vérification', level: 3 }).waitFor();
      found.push(...(await audit(page, 'Import et export, report with a refused row (phone)')));
      await assertFitsPhone(page, 'Import et export, report');
      await page.setViewportSize(DESKTOP);

      // The fixed file: checked again, clean, then imported.
      await steps.getByRole('button', { name: 'Choisir un autre fichier' }).click();
      await check(page, fixed);
      assert.deepEqual(await counts(page), { created: 3, updated: 0, skipped: 0, errors: 0 });
      await steps.getByText('Aucune ligne refusée.').waitFor();
      await steps.getByRole('button', { name: 'Importer', exact: true }).click();
      await steps.getByRole('heading', { name: 'Import terminé', level: 3 }).waitFor({ timeout: 30_000 });
      assert.deepEqual(await counts(page), { created: 3, updated: 0, skipped: 0, errors: 0 });
      assert.equal((await steps.getByTestId('count-created').textContent()).trim(), 'Créés : 3');
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'Import et export, import done (desktop)')));

      // The students' list shows them: searched by name.
      await steps.getByRole('link', { name: 'Voir la liste des élèves' }).click();
      await page.getByRole('heading', { name: 'Élèves', level: 1 }).waitFor();
      assert.match(page.url(), /\/eleves$/);
      await page.getByLabel('Rechercher').fill(`Céleste ${FAMILY}`);
      await page.waitForURL(/[?&]q=/);
      const list = page.getByTestId('students-table');
      // (The list writes the family name first, in capitals.)
      await list.locator('tbody tr').filter({ hasText: new RegExp(`${FAMILY}\\s+Céleste`, 'i') }).waitFor();
      await page.getByLabel('Rechercher').fill(FAMILY);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="students-table"] tbody tr').length === 3);
      const names = (await list.locator('tbody tr').allInnerTexts()).join('\n');
      for (const first of ['Aurore', 'Basile', 'Céleste']) assert.match(names, new RegExp(`${FAMILY}\\s+${first}`, 'i'));
      const imported = (await apiGet(page, `/api/v1/students?q=${FAMILY}`)).items;
      assert.deepEqual(imported.map((s) => s.birth_date).sort(), ['2003-05-14', '2004-02-28', '2005-09-02']);

      // The same file a second time changes nothing: every row is already there.
      await nav(page).getByRole('link', { name: 'Import et export' }).click();
      await page.getByRole('heading', { name: 'Import et export', level: 1 }).waitFor();
      await check(page, fixed);
      assert.deepEqual(await counts(page), { created: 0, updated: 0, skipped: 3, errors: 0 });
      assertClean(found);
    });
  });

  test('the ADMIN exports the whole school and gets the zip’s download link; axe finds nothing', { timeout: 300_000 }, async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await login(page, ADMIN);
      await page.goto('/import-export');
      const card = page.getByRole('region', { name: 'Exporter toute l’école' });
      await card.waitFor();
      await card.getByText('eleves.csv, comme « Élèves »').waitFor();
      await card.getByRole('button', { name: 'Exporter toute l’école' }).click();
      // Its progress while it runs (the demo's 60 booklets and invoices in PDF take a moment), then the link.
      await card.getByTestId('job-progress').waitFor();
      const link = card.getByRole('link', { name: /^Télécharger l’export \(\d+,\d Mo\)$/ });
      await link.waitFor({ timeout: 240_000 });
      const href = await link.getAttribute('href');
      t.diagnostic(`${(await link.innerText()).trim()}: ${href}`);
      assert.match(href, /^\/api\/v1\/jobs\/[0-9a-f-]{36}\/file$/);
      assert.equal(await card.getByTestId('job-progress').count(), 0);

      // The link downloads the zip: its CSV files in the import's format are inside.
      const response = await page.request.get(href);
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-type'] ?? '', /application\/zip/);
      assert.match(response.headers()['content-disposition'] ?? '', /attachment; filename="export-ecole-\d{4}-\d{2}-\d{2}\.zip"/);
      const zip = await response.body();
      assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK');
      const names = zip.toString('latin1');
      for (const file of ['eleves.csv', 'soldes.csv', 'livret.csv', 'LISEZMOI.txt']) assert.ok(names.includes(file), `${file} in the zip`);

      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'Import et export, export ready (desktop)')));
      await page.setViewportSize(PHONE);
      await link.waitFor();
      found.push(...(await audit(page, 'Import et export, export ready (phone)')));
      await assertFitsPhone(page, 'Import et export, export');
      assertClean(found);
    });
  });
});
