/* global document -- in page.waitForFunction callbacks, which run in the browser */
// Browser test of "Statistiques" (ADMIN) and of the school's public site: the ADMIN opens /statistiques from the menu,
// finds every card (pass rates, driving time per week, cancellations, hours before the first test, revenue, funnel,
// instructors, payroll) with the figures the API counts, changes the period from the last 12 months to last month and
// sees the figures and the charts follow (the demo has lessons in the past weeks and sales today), downloads the
// payroll of last month as CSV and checks its columns; axe-core audits the page on a desktop and on a 375 px phone.
// Then the demo school's published site, rendered by the server, read with JavaScript off: its h1, and axe again.
// Against the real server (`volant demo`, fresh data: its own server). Run: VOLANT_BIN=… node --test e2e/analytics.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { assertClean, assertFitsPhone, audit, withA11yPage } from './a11y.mjs';
import { apiGet, login, startStack } from './harness.mjs';
import { ZONE, todayInParis } from './paris.mjs';

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };
const ADMIN = 'admin@demo.volant.test';
const SITE = '/sites/auto-ecole-du-centre/';
const PAGES = ['', 'formations', 'agences', 'mentions-legales', 'confidentialite'];
const PAYROLL_HEADER = 'moniteur;type;seances_faites;heures_faites;heures_absence_eleve';
const CARDS = [
  'Taux de réussite',
  'Annulations et absences',
  'Heures avant le premier examen',
  'Parcours des élèves',
  'Heures de conduite par semaine',
  'Chiffre d’affaires',
  'Moniteurs',
  'Paie du mois',
];

let stack;

before(async () => {
  stack = await startStack();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });
/** Every kind of space as one plain space: the app writes "1 200,00 €" with no-break spaces. */
const plain = (text) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

/** Cents the way the app writes them (spaces made plain): 119000 → "1 190,00 €". */
const euros = (cents) => {
  const abs = Math.abs(cents);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${cents < 0 ? '\u2212' : ''}${whole},${String(abs % 100).padStart(2, '0')} €`;
};

/** Minutes the way the app writes them: 1200 → "20 h", 90 → "1 h 30", 45 → "45 min". */
const duration = (total) => {
  const abs = Math.abs(total);
  const [h, m] = [Math.floor(abs / 60), abs % 60];
  const body = h === 0 && m > 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')}`;
  return `${total < 0 ? '\u2212' : ''}${body}`;
};

/** The Mondays of the weeks with a day in [from, to] (the rows of the weekly table). */
const weeksBetween = (from, to) => {
  const monday = new Date(`${from}T12:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  let n = 0;
  for (; monday.toISOString().slice(0, 10) <= to; monday.setUTCDate(monday.getUTCDate() + 7)) n += 1;
  return n;
};

/** Last month, `YYYY-MM`, and its first and last days, in school time. */
const lastMonth = () => {
  const [y, m] = todayInParis().split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 2, 1));
  const last = new Date(Date.UTC(y, m - 1, 0));
  return { month: first.toISOString().slice(0, 7), from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
};

/** The sentence under the weekly chart, from the API's weeks. */
const weeksSummary = (weeks) => {
  const sum = (key) => weeks.reduce((total, w) => total + w[key], 0);
  return `Sur la période : ${duration(sum('done_minutes'))} faites, ${duration(sum('planned_minutes'))} prévues, ${duration(sum('cancelled_minutes'))} annulées, ${duration(sum('no_show_minutes'))} d’absences.`;
};

/** Waits until the figures on screen are those of the period [from, to]. */
async function waitForPeriod(page, from, to) {
  await page.waitForFunction(
    ([f, t]) => {
      const el = document.querySelector('[data-testid="overview"]');
      return el?.getAttribute('data-from') === f && el?.getAttribute('data-to') === t && el?.getAttribute('aria-busy') !== 'true';
    },
    [from, to],
    { timeout: 15_000 },
  );
}

/** What the page shows of the period: revenue, weekly sentence, rows of the weekly table, bars drawn. */
async function shown(page) {
  const weekly = page.getByTestId('weekly-hours');
  const hasChart = (await weekly.getByTestId('weeks-chart').count()) > 0;
  return {
    invoiced: plain(await page.getByTestId('revenue-invoiced').innerText()),
    collected: plain(await page.getByTestId('revenue-collected').innerText()),
    summary: hasChart ? plain(await weekly.getByTestId('weeks-summary').innerText()) : null,
    weekRows: hasChart ? (await weekly.getByTestId('weeks-table').locator('tbody tr').count()) : 0,
    bars: hasChart ? await weekly.getByTestId('weeks-chart').locator('.recharts-bar-rectangle').count() : 0,
    lessons: plain(await page.getByTestId('lessons').innerText()),
  };
}

describe('analytics', () => {
  test('the ADMIN reads the school’s figures, changes the period and they follow, downloads the payroll; axe finds nothing', { timeout: 180_000 }, async (t) => {
    await withA11yPage(stack, t, DESKTOP, async (page) => {
      const found = [];
      await login(page, ADMIN);
      await nav(page).getByRole('link', { name: 'Statistiques' }).click();
      await page.getByRole('heading', { name: 'Statistiques', level: 1 }).waitFor();
      for (const name of CARDS) await page.getByRole('heading', { name, level: 2 }).waitFor();

      // By default, the last 12 months: the figures on screen are the API's.
      const period = page.getByRole('combobox', { name: 'Période' });
      assert.equal(await period.inputValue(), '12-mois');
      const overview = page.getByTestId('overview');
      await overview.waitFor();
      const yearFrom = await overview.getAttribute('data-from');
      const yearTo = await overview.getAttribute('data-to');
      assert.equal(yearTo, todayInParis());
      const year = await apiGet(page, `/api/v1/analytics/overview?from=${yearFrom}&to=${yearTo}`);
      assert.ok(year.weeks.length > 0, 'the demo has driving lessons in the last 12 months');
      assert.ok(year.revenue.invoiced_cents > 0, 'the demo sold something today');
      await waitForPeriod(page, yearFrom, yearTo);
      const before = await shown(page);
      t.diagnostic(`12 months: ${JSON.stringify(before)}`);
      assert.equal(before.invoiced, `Total facturé ${euros(year.revenue.invoiced_cents)}`);
      assert.equal(before.collected, `Total encaissé ${euros(year.revenue.collected_cents)}`);
      assert.equal(before.summary, weeksSummary(year.weeks));
      assert.equal(before.weekRows, weeksBetween(yearFrom, yearTo), 'one row per week of the period');
      assert.ok(before.bars > 0, 'the weekly chart draws bars');
      assert.equal(before.lessons, plain(`Leçons de conduite ${year.attendance.lessons.toLocaleString('fr-FR')}`));
      const theory = plain(await page.getByTestId('theory').innerText());
      assert.ok(theory.includes(`sur ${year.theory.overall.attempts} présentation`), theory);
      assert.ok(theory.includes('Moyenne nationale : non communiquée') || year.theory.national_rate_bp !== null, theory);
      const instructors = page.getByRole('table', { name: 'Chiffres des moniteurs' }).getByTestId('instructor-figures');
      await instructors.first().waitFor();
      const figures = await apiGet(page, `/api/v1/analytics/instructors?from=${yearFrom}&to=${yearTo}`);
      assert.equal(await instructors.count(), figures.length);
      const first = instructors.filter({ hasText: figures[0].name });
      assert.equal(await first.getByRole('link', { name: figures[0].name }).getAttribute('href'), `/moniteurs/${figures[0].instructor_id}`);
      assert.ok(plain(await first.innerText()).includes(duration(figures[0].minutes_done)));
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'Statistiques, 12 derniers mois (desktop)')));

      // The chart's numbers, shown as a table on demand.
      await page.getByTestId('weekly-hours').getByRole('button', { name: 'Afficher le tableau des données' }).click();
      await page.getByRole('region', { name: /^Heures de conduite par semaine :/ }).waitFor();
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'Statistiques, weekly table shown (desktop)')));
      await page.getByTestId('weekly-hours').getByRole('button', { name: 'Masquer le tableau des données' }).click();

      // Last month: other figures, other bars.
      const month = lastMonth();
      await period.selectOption({ label: 'Mois dernier' });
      await waitForPeriod(page, month.from, month.to);
      await page.getByTestId('analytics-range').filter({ hasText: `Du ${month.from.split('-').reverse().join('/')}` }).waitFor();
      const last = await apiGet(page, `/api/v1/analytics/overview?from=${month.from}&to=${month.to}`);
      const after = await shown(page);
      t.diagnostic(`last month: ${JSON.stringify(after)}`);
      assert.equal(after.invoiced, `Total facturé ${euros(last.revenue.invoiced_cents)}`);
      assert.equal(after.summary, last.weeks.length > 0 ? weeksSummary(last.weeks) : null);
      assert.equal(after.weekRows, last.weeks.length > 0 ? weeksBetween(month.from, month.to) : 0);
      assert.equal(after.lessons, plain(`Leçons de conduite ${last.attendance.lessons.toLocaleString('fr-FR')}`));
      assert.notDeepEqual(after, before, 'the figures changed with the period');
      assert.notEqual(after.weekRows, before.weekRows, 'the weekly chart covers other weeks');
      assert.notEqual(after.bars, before.bars, 'the weekly chart draws other bars');
      if (last.revenue.invoiced_cents === 0) await page.getByTestId('revenue-empty').waitFor();
      await page.mouse.move(DESKTOP.width - 20, DESKTOP.height - 20);
      found.push(...(await audit(page, 'Statistiques, mois dernier (desktop)')));

      // The payroll of last month (the default), as CSV for Excel.
      const payroll = page.getByRole('region', { name: 'Paie du mois' });
      assert.equal(await payroll.getByLabel('Mois').inputValue(), month.month);
      const downloading = page.waitForEvent('download');
      await payroll.getByRole('button', { name: 'Télécharger la paie (CSV)' }).click();
      const download = await downloading;
      assert.match(download.suggestedFilename(), /\.csv$/);
      const csv = await readFile(await download.path(), 'utf8');
      assert.equal(csv.charCodeAt(0), 0xfeff, 'a byte-order mark for Excel');
      assert.equal(csv.replace(/^\ufeff/, '').split(/\r?\n/)[0], PAYROLL_HEADER);
      await page.getByText(`Fichier « ${download.suggestedFilename()} » téléchargé.`).waitFor();

      // A report of the period, from its card.
      const report = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Exporter (CSV) les heures de conduite par semaine' }).click();
      assert.match((await report).suggestedFilename(), /\.csv$/);

      // On a phone: the same page, nothing wider than the screen.
      await page.setViewportSize(PHONE);
      await page.getByRole('heading', { name: 'Moniteurs', level: 2 }).waitFor();
      await page.getByRole('list', { name: 'Chiffres des moniteurs' }).waitFor();
      found.push(...(await audit(page, 'Statistiques, mois dernier (phone)')));
      await assertFitsPhone(page, 'Statistiques');
      await period.selectOption({ label: '12 derniers mois' });
      await waitForPeriod(page, yearFrom, yearTo);
      found.push(...(await audit(page, 'Statistiques, 12 derniers mois (phone)')));
      await assertFitsPhone(page, 'Statistiques, 12 months');
      assertClean(found);
    });
  });

  test('the demo school’s public site is served as HTML, readable with JavaScript off; axe finds nothing', { timeout: 120_000 }, async (t) => {
    // With scripts off, as a crawler or a visitor without JavaScript: the server wrote the whole page.
    const context = await stack.browser.newContext({ baseURL: stack.baseUrl, locale: 'fr-FR', timezoneId: ZONE, viewport: DESKTOP, javaScriptEnabled: false });
    context.setDefaultTimeout(15_000);
    try {
      const page = await context.newPage();
      for (const path of PAGES) {
        const response = await page.goto(`${SITE}${path}`);
        assert.equal(response?.status(), 200, `GET ${SITE}${path}`);
        assert.match(response.headers()['content-type'] ?? '', /^text\/html/);
        assert.equal(await page.locator('h1').count(), 1, `${path}: one h1`);
        const title = plain(await page.locator('h1').innerText());
        assert.ok(title.length > 0, `${path}: the h1 says something`);
        t.diagnostic(`${path}: ${title}`);
      }
      await page.goto(SITE);
      // The home page's title: the headline of the school's site settings.
      await page.getByRole('heading', { level: 1, name: 'Votre permis à Tours, sans stress' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    } finally {
      await context.close();
    }

    // axe needs scripts (its own): the same server-rendered pages, audited on a desktop and a 375 px phone.
    for (const viewport of [DESKTOP, PHONE]) {
      await withA11yPage(stack, t, viewport, async (page) => {
        const found = [];
        for (const path of PAGES) {
          await page.goto(`${SITE}${path}`);
          await page.getByRole('heading', { level: 1 }).waitFor();
          found.push(...(await audit(page, `public site ${path} (${viewport.width} px)`)));
          if (viewport === PHONE) await assertFitsPhone(page, `public site ${path}`);
        }
        assertClean(found);
      });
    }
  });
});
