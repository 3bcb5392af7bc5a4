import { screen, within } from '@testing-library/react';
import { setCsrfToken } from '../../api/client.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../../test/render.tsx';
import { MyFiguresCard } from './MyFiguresCard.tsx';
import { presetPeriod } from './period.ts';

const instructorSession = { ...demoSession, role: 'INSTRUCTOR' as const, instructor_id: 'i-1' };
const THIS_MONTH = presetPeriod('ce-mois', todayIn('Europe/Paris'));
const fr = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

const mine = {
  instructor_id: 'i-1',
  name: 'Julien Moreau',
  lessons_done: 18,
  minutes_done: 1110,
  no_shows: 2,
  cancellations: 1,
  busiest_week_minutes: 2160,
  overbooked: true,
  practical_first_attempt: { attempts: 0, passed: 0, rate_bp: null },
};

describe('MyFiguresCard', () => {
  afterEach(() => setCsrfToken(null));

  it('shows the instructor’s own figures of this month', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/analytics/instructors': () => jsonResponse(200, [mine]) });
    renderWithProviders(<MyFiguresCard />, { session: instructorSession });
    const card = await screen.findByRole('region', { name: 'Mes statistiques' });
    expect(within(card).getByText(`Ce mois-ci, du ${fr(THIS_MONTH.from)} au ${fr(THIS_MONTH.to)}.`)).toBeInTheDocument();
    expect(await within(card).findByTestId('my-lessons')).toHaveTextContent('Séances faites18');
    expect(within(card).getByTestId('my-hours')).toHaveTextContent('18 h 30');
    expect(within(card).getByTestId('my-no-shows')).toHaveTextContent('2');
    expect(within(card).getByTestId('my-busiest')).toHaveTextContent('36 h');
    expect(within(card).getByTestId('overbooked')).toHaveTextContent('Surchargé');
    expect(Object.fromEntries(new URL(calls[0]?.url ?? '').searchParams)).toEqual({ from: THIS_MONTH.from, to: THIS_MONTH.to });
  });

  it('says when there is nothing this month', async () => {
    mockFetch({ 'GET /api/v1/analytics/instructors': () => jsonResponse(200, []) });
    renderWithProviders(<MyFiguresCard />, { session: instructorSession });
    expect(await screen.findByText('Aucun chiffre ce mois-ci.')).toBeInTheDocument();
  });

  it('shows no "Surchargé" under 35 hours', async () => {
    mockFetch({ 'GET /api/v1/analytics/instructors': () => jsonResponse(200, [{ ...mine, busiest_week_minutes: 1800, overbooked: false }]) });
    renderWithProviders(<MyFiguresCard />, { session: instructorSession });
    expect(await screen.findByTestId('my-busiest')).toHaveTextContent('30 h');
    expect(screen.queryByTestId('overbooked')).not.toBeInTheDocument();
  });
});
