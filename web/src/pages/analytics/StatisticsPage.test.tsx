import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../../test/render.tsx';
import type { InstructorFigures, Overview } from './api.ts';
import { monthsOf, presetPeriod, previousMonth } from './period.ts';
import StatisticsPage from './StatisticsPage.tsx';

const TODAY = todayIn('Europe/Paris');
const TWELVE_MONTHS = presetPeriod('12-mois', TODAY);
const LAST_MONTH = presetPeriod('mois-dernier', TODAY);

const rate = (attempts: number, passed: number) => ({ attempts, passed, rate_bp: attempts ? Math.round((passed * 10000) / attempts) : null });

/** An overview of the period asked (from/to echoed), with a week and a month of figures at its end. */
function overview(from: string, to: string, revenueCents = 123_400): Overview {
  return {
    from,
    to,
    agency_id: null,
    theory: { first_attempt: rate(40, 35), overall: rate(50, 40), national_rate_bp: 5800 },
    practical: { first_attempt: rate(0, 0), overall: rate(8, 5), national_rate_bp: null },
    weeks: [{ week_start: mondayOf(to), done_minutes: 360, planned_minutes: 90, cancelled_minutes: 60, no_show_minutes: 45 }],
    attendance: { lessons: 20, done: 15, cancelled_by_student: 2, cancelled_by_school: 1, no_shows: 2, cancellation_rate_bp: 1500, no_show_rate_bp: 1176 },
    hours_to_first_practical: { students: 3, average_minutes: 870 },
    revenue: { invoiced_cents: revenueCents, collected_cents: 100_000, months: [{ month: to.slice(0, 7), invoiced_cents: revenueCents, collected_cents: 100_000 }] },
    funnel: { registered: 10, became_students: 8, licensed: 2 },
  };
}

function mondayOf(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

const instructors: InstructorFigures[] = [
  {
    instructor_id: 'i-1',
    name: 'Julien Moreau',
    lessons_done: 42,
    minutes_done: 2520,
    no_shows: 1,
    cancellations: 3,
    busiest_week_minutes: 2280,
    overbooked: true,
    practical_first_attempt: rate(4, 3),
  },
  {
    instructor_id: 'i-2',
    name: 'Sophie Bernard',
    lessons_done: 12,
    minutes_done: 720,
    no_shows: 0,
    cancellations: 0,
    busiest_week_minutes: 600,
    overbooked: false,
    practical_first_attempt: rate(0, 0),
  },
];

const agencies = { items: [{ id: 'a-1', name: 'Centre-ville', alsace_moselle: false, closures: [], meeting_points: [], opening_hours: [], rooms: [], version: 1 }], next_cursor: null };

function routes(extra: Record<string, (request: Request) => Response> = {}) {
  return {
    'GET /api/v1/analytics/overview': (request: Request) => {
      const url = new URL(request.url);
      return jsonResponse(200, overview(url.searchParams.get('from') ?? '', url.searchParams.get('to') ?? ''));
    },
    'GET /api/v1/analytics/instructors': () => jsonResponse(200, instructors),
    'GET /api/v1/agencies': () => jsonResponse(200, agencies),
    ...extra,
  };
}

const queryOf = (request: Request | undefined) => Object.fromEntries(new URL(request?.url ?? 'http://x/').searchParams);

/** The files the page saved: the object URLs' blobs and the `<a download>` names clicked. */
function catchDownloads() {
  const saved: { name: string; blob: Blob | undefined }[] = [];
  const blobs = new Map<string, Blob>();
  Object.defineProperty(URL, 'createObjectURL', {
    configurable: true,
    value: (blob: Blob) => {
      const url = `blob:test/${String(blobs.size)}`;
      blobs.set(url, blob);
      return url;
    },
  });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: () => undefined });
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.href) });
  });
  return saved;
}

const csv = (name: string, text: string) =>
  new Response(`\ufeff${text}`, { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` } });

/** jsdom lays nothing out: the charts have no size there, which recharts says on every render. */
function quietCharts() {
  const warn = console.warn.bind(console);
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('The width(0) and height(0) of chart')) return;
    warn(...args);
  });
}

describe('StatisticsPage', () => {
  beforeEach(quietCharts);
  afterEach(() => {
    setCsrfToken(null);
    vi.restoreAllMocks();
  });

  it('shows the figures of the last 12 months: pass rates, weekly hours, cancellations, first exam, revenue, funnel', async () => {
    const { calls } = mockFetch(routes());
    renderWithProviders(<StatisticsPage />, { session: demoSession, route: '/statistiques' });
    expect(await screen.findByRole('heading', { name: 'Statistiques', level: 1 })).toBeInTheDocument();
    const passRates = await screen.findByRole('region', { name: 'Taux de réussite' });
    // The default period: the last 12 months, asked of the server.
    expect(queryOf(calls.find((r) => r.url.includes('/analytics/overview')))).toEqual({ from: TWELVE_MONTHS.from, to: TWELVE_MONTHS.to });
    expect(screen.getByRole('combobox', { name: 'Période' })).toHaveValue('12-mois');

    const theory = within(passRates).getByTestId('theory');
    expect(within(theory).getByTestId('theory-first')).toHaveTextContent('87,5 %');
    expect(within(theory).getByTestId('theory-first')).toHaveTextContent('35 réussites sur 40 présentations');
    expect(within(theory).getByTestId('theory-overall')).toHaveTextContent('80 %');
    expect(within(theory).getByTestId('theory-national')).toHaveTextContent('Moyenne nationale : 58 %');
    const practical = within(passRates).getByTestId('practical');
    expect(within(practical).getByTestId('practical-first')).toHaveTextContent('Aucune présentation sur la période');
    expect(within(practical).getByTestId('practical-overall')).toHaveTextContent('62,5 %');
    expect(within(practical).getByTestId('practical-national')).toHaveTextContent('Moyenne nationale : non communiquée');
    expect(within(passRates).getByRole('link', { name: 'Voir les examens' })).toHaveAttribute('href', '/examens?onglet=historique');

    const attendance = screen.getByRole('region', { name: 'Annulations et absences' });
    expect(within(attendance).getByTestId('cancellation-rate')).toHaveTextContent('15 %');
    expect(within(attendance).getByTestId('no-show-rate')).toHaveTextContent('11,8 %');
    expect(within(attendance).getByTestId('cancelled-by-student')).toHaveTextContent('2');

    const firstExam = screen.getByRole('region', { name: 'Heures avant le premier examen' });
    expect(within(firstExam).getByTestId('first-exam-average')).toHaveTextContent('14 h 30');
    expect(within(firstExam).getByTestId('first-exam-average')).toHaveTextContent('Sur 3 élèves présentés pour la première fois');

    // The weekly chart's numbers, as a table (every week of the period, empty ones too) and a sentence.
    const weekly = screen.getByRole('region', { name: 'Heures de conduite par semaine' });
    const table = within(weekly).getByRole('table', { name: /Heures de conduite par semaine/ });
    expect(within(table).getAllByRole('row').length).toBeGreaterThanOrEqual(53);
    const busy = within(table).getByRole('row', { name: /6 h 1 h 30 1 h 45 min/ });
    expect(busy).toHaveTextContent(/^Semaine du \d{2}\/\d{2}\/\d{4}/);
    expect(within(weekly).getByTestId('weeks-summary')).toHaveTextContent('Sur la période : 6 h faites, 1 h 30 prévues, 1 h annulées, 45 min d’absences.');
    expect(within(weekly).getByRole('link', { name: 'Voir le planning' })).toHaveAttribute('href', expect.stringMatching(/^\/planning\?vue=semaine&date=\d{4}-\d{2}-\d{2}$/));

    const revenue = screen.getByRole('region', { name: 'Chiffre d’affaires' });
    expect(within(revenue).getByTestId('revenue-invoiced')).toHaveTextContent('1 234,00 €');
    expect(within(revenue).getByTestId('revenue-collected')).toHaveTextContent('1 000,00 €');
    expect(within(revenue).getAllByRole('row')).toHaveLength(1 + monthsOf(TWELVE_MONTHS).length);

    const funnel = screen.getByRole('list', { name: 'Du premier contact au permis' });
    expect(within(funnel).getByTestId('funnel-registered')).toHaveTextContent('Inscrits10');
    expect(within(funnel).getByTestId('funnel-became-students')).toHaveTextContent('8 (80 % des inscrits)');
    expect(within(funnel).getByTestId('funnel-licensed')).toHaveTextContent('2 (20 % des inscrits)');
  });

  it('shows the chart’s table on demand', async () => {
    mockFetch(routes());
    const user = userEvent.setup();
    renderWithProviders(<StatisticsPage />, { session: demoSession, route: '/statistiques' });
    const weekly = await screen.findByRole('region', { name: 'Heures de conduite par semaine' });
    const toggle = within(weekly).getByRole('button', { name: 'Afficher le tableau des données' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(within(weekly).getByRole('button', { name: 'Masquer le tableau des données' })).toHaveAttribute('aria-expanded', 'true');
    expect(within(weekly).getByRole('region', { name: /Heures de conduite par semaine :/ })).toBeInTheDocument();
  });

  it('asks again for the period chosen: a preset, the agency, then two dates typed (refused when the end comes first)', async () => {
    let revenue = 123_400;
    const { calls } = mockFetch(
      routes({
        'GET /api/v1/analytics/overview': (request) => {
          const url = new URL(request.url);
          return jsonResponse(200, overview(url.searchParams.get('from') ?? '', url.searchParams.get('to') ?? '', revenue));
        },
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<StatisticsPage />, { session: demoSession, route: '/statistiques' });
    const invoiced = await screen.findByTestId('revenue-invoiced');
    expect(invoiced).toHaveTextContent('1 234,00 €');

    revenue = 50_000;
    await user.selectOptions(screen.getByRole('combobox', { name: 'Période' }), 'Mois dernier');
    await vi.waitFor(() => expect(screen.getByTestId('revenue-invoiced')).toHaveTextContent('500,00 €'));
    const overviews = () => calls.filter((r) => r.url.includes('/analytics/overview'));
    expect(queryOf(overviews().at(-1))).toEqual({ from: LAST_MONTH.from, to: LAST_MONTH.to });
    expect(queryOf(calls.filter((r) => r.url.includes('/analytics/instructors')).at(-1))).toEqual({ from: LAST_MONTH.from, to: LAST_MONTH.to });
    expect(screen.getByTestId('analytics-range')).toHaveTextContent(`Du ${fr(LAST_MONTH.from)} au ${fr(LAST_MONTH.to)}`);

    await user.selectOptions(await screen.findByRole('combobox', { name: 'Agence' }), 'Centre-ville');
    await vi.waitFor(() => expect(queryOf(overviews().at(-1))).toEqual({ from: LAST_MONTH.from, to: LAST_MONTH.to, agency_id: 'a-1' }));

    // Two dates by hand: they start from the period on screen.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Période' }), 'Période personnalisée');
    const from = screen.getByLabelText('Du');
    const to = screen.getByLabelText('Au');
    expect(from).toHaveValue(LAST_MONTH.from);
    expect(to).toHaveValue(LAST_MONTH.to);
    const before = overviews().length;
    await user.clear(to);
    await user.type(to, '2020-01-01');
    expect(await screen.findByText('La fin de la période doit suivre son début.')).toBeInTheDocument();
    expect(overviews()).toHaveLength(before);
    await user.clear(from);
    await user.type(from, '2019-09-01');
    await vi.waitFor(() => expect(queryOf(overviews().at(-1))).toEqual({ from: '2019-09-01', to: '2020-01-01', agency_id: 'a-1' }));
    expect(screen.queryByText('La fin de la période doit suivre son début.')).not.toBeInTheDocument();
  });

  it('lists the instructors with their figures, flags an overbooked week and links each to their file', async () => {
    mockFetch(routes());
    renderWithProviders(<StatisticsPage />, { session: demoSession, route: '/statistiques' });
    const table = await screen.findByRole('table', { name: 'Chiffres des moniteurs' });
    const rows = await within(table).findAllByTestId('instructor-figures');
    expect(rows).toHaveLength(2);
    const [julien, sophie] = rows as [HTMLElement, HTMLElement];
    expect(julien).toHaveTextContent('42');
    expect(julien).toHaveTextContent('42 h');
    expect(julien).toHaveTextContent('38 h');
    const badge = within(julien).getByTestId('overbooked');
    expect(badge).toHaveTextContent('Surchargé');
    expect(badge).toHaveAttribute('title', 'Plus de 35 heures cette semaine-là');
    expect(julien).toHaveTextContent('75 % (3/4)');
    expect(within(julien).getByRole('link', { name: 'Julien Moreau' })).toHaveAttribute('href', '/moniteurs/i-1');
    expect(within(sophie).queryByText('Surchargé')).not.toBeInTheDocument();
    expect(sophie).toHaveTextContent('10 h');
    expect(within(sophie).getByRole('link', { name: 'Sophie Bernard' })).toHaveAttribute('href', '/moniteurs/i-2');
  });

  it('exports a report of the period and the payroll of last month as CSV, under the server’s names', async () => {
    const saved = catchDownloads();
    const { calls } = mockFetch(
      routes({
        'GET /api/v1/analytics/export.csv': () => csv('heures-par-semaine.csv', 'semaine;faites\r\n'),
        'GET /api/v1/payroll': () => csv('paie.csv', 'moniteur;type;seances_faites;heures_faites;heures_absence_eleve\r\n'),
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<StatisticsPage />, { session: demoSession, route: '/statistiques' });
    const weekly = await screen.findByRole('region', { name: 'Heures de conduite par semaine' });
    await user.click(within(weekly).getByRole('button', { name: 'Exporter (CSV) les heures de conduite par semaine' }));
    expect(await screen.findByText('Fichier « heures-par-semaine.csv » téléchargé.')).toBeInTheDocument();
    expect(queryOf(calls.find((r) => r.url.includes('/export.csv')))).toEqual({ report: 'weeks', from: TWELVE_MONTHS.from, to: TWELVE_MONTHS.to });

    const payroll = screen.getByRole('region', { name: 'Paie du mois' });
    const month = within(payroll).getByLabelText('Mois');
    expect(month).toHaveValue(previousMonth(TODAY));
    // No month: said under the field, nothing asked.
    await user.clear(month);
    await user.click(within(payroll).getByRole('button', { name: 'Télécharger la paie (CSV)' }));
    expect(await within(payroll).findByText('Indiquez un mois au format AAAA-MM.')).toBeInTheDocument();
    expect(calls.some((r) => r.url.includes('/payroll'))).toBe(false);
    await user.type(month, previousMonth(TODAY));
    expect(within(payroll).queryByText('Indiquez un mois au format AAAA-MM.')).not.toBeInTheDocument();
    await user.click(within(payroll).getByRole('button', { name: 'Télécharger la paie (CSV)' }));
    await vi.waitFor(() => expect(saved.map((s) => s.name)).toEqual(['heures-par-semaine.csv', 'paie.csv']));
    expect(queryOf(calls.find((r) => r.url.includes('/payroll')))).toEqual({ month: previousMonth(TODAY) });
    expect(await saved[1]?.blob?.text()).toContain('moniteur;type;seances_faites');
  });
});

/** "2026-11-01" → "01/11/2026" */
function fr(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}
