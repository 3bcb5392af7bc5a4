import { screen, within } from '@testing-library/react';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../test/render.tsx';
import { AlertsPanel } from './AlertsPanel.tsx';

const STUDENT = '00000000-0000-4000-8000-000000000201';
const ALERTS = [
  {
    code: 'ants_incomplete',
    severity: 'danger',
    message: 'Dossier ANTS incomplet pour Lina Durand : Justificatif de domicile : pièce manquante',
    student_id: STUDENT,
    instructor_id: null,
    vehicle_id: null,
    due_on: null,
  },
  {
    code: 'connector_failing',
    severity: 'warning',
    message: "Le connecteur ANTS est en échec : l'ANTS ne répond pas.",
    student_id: null,
    instructor_id: null,
    vehicle_id: null,
    due_on: null,
  },
];

describe('AlertsPanel', () => {
  afterEach(() => setCsrfToken(null));

  it('links an incomplete ANTS dossier to the file, and a failing connector to "Connecteurs" for an ADMIN', async () => {
    mockFetch({ 'GET /api/v1/alerts': () => jsonResponse(200, { items: ALERTS }) });
    renderWithProviders(<AlertsPanel />, { session: demoSession });
    const ants = (await screen.findByText(/Dossier ANTS incomplet pour Lina Durand/)).closest('li') as HTMLElement;
    expect(ants).toHaveTextContent('Justificatif de domicile : pièce manquante');
    expect(within(ants).getByRole('link', { name: "Ouvrir le dossier de l'élève" })).toHaveAttribute('href', `/eleves/${STUDENT}`);
    const connector = screen.getByText(/Le connecteur ANTS est en échec/).closest('li') as HTMLElement;
    expect(within(connector).getByRole('link', { name: 'Voir les connecteurs' })).toHaveAttribute('href', '/connecteurs');
  });

  it('gives a secretary no link to the connectors, which only an ADMIN opens', async () => {
    mockFetch({ 'GET /api/v1/alerts': () => jsonResponse(200, { items: ALERTS }) });
    renderWithProviders(<AlertsPanel />, { session: { ...demoSession, role: 'SECRETARY' } });
    const connector = (await screen.findByText(/Le connecteur ANTS est en échec/)).closest('li') as HTMLElement;
    expect(within(connector).queryByRole('link')).not.toBeInTheDocument();
  });
});
