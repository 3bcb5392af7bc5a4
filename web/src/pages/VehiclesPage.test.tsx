import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import VehiclesPage from './VehiclesPage.tsx';
import { setCsrfToken, type Session } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';

const agency = {
  id: 'a-1',
  name: 'Tours Centre',
  opening_hours: [],
  closures: [],
  meeting_points: [],
  rooms: [],
  alsace_moselle: false,
  version: 1,
};
const polo = {
  id: 'v-1',
  kind: 'car',
  plate: '1234 TV 37',
  make: 'Volkswagen',
  model: 'Polo',
  gearbox: 'manual',
  category: 'B',
  dual_controls: true,
  agency_id: 'a-1',
  status: 'maintenance',
  inspection_due_on: '2020-01-01',
  insurance_expires_on: '2099-12-31',
  mileage_km: 148900,
  version: 1,
};

function renderVehicles(session: Session = demoSession) {
  renderWithProviders(<VehiclesPage />, { session });
}

describe('VehiclesPage', () => {
  afterEach(() => setCsrfToken(null));

  it('lists the vehicles with their status and colours a past inspection red', async () => {
    mockFetch({
      'GET /api/v1/vehicles': () => jsonResponse(200, { items: [polo], next_cursor: null }),
      'GET /api/v1/agencies': () => jsonResponse(200, { items: [agency], next_cursor: null }),
    });
    renderVehicles({ ...demoSession, role: 'INSTRUCTOR' });
    const row = await screen.findByTestId('vehicle-1234 TV 37');
    expect(row).toHaveTextContent('Volkswagen Polo');
    expect(row).toHaveTextContent('En maintenance');
    await waitFor(() => expect(row).toHaveTextContent('Tours Centre'));
    const inspection = within(row).getByText('01/01/2020').closest('[data-expiry]');
    expect(inspection).toHaveAttribute('data-expiry', 'expired');
    expect(inspection).toHaveTextContent('01/01/2020 (dépassée)');
    expect(within(row).getByText('31/12/2099').closest('[data-expiry]')).toHaveAttribute('data-expiry', 'ok');
    // An instructor reads only.
    expect(screen.queryByRole('button', { name: 'Nouveau véhicule' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Modifier le véhicule/ })).not.toBeInTheDocument();
  });

  it('shows the server error under the plate, then creates the vehicle', async () => {
    let posts = 0;
    const { calls } = mockFetch({
      'GET /api/v1/vehicles': () => jsonResponse(200, { items: [polo], next_cursor: null }),
      'GET /api/v1/agencies': () => jsonResponse(200, { items: [agency], next_cursor: null }),
      'POST /api/v1/vehicles': () => {
        posts += 1;
        return posts === 1
          ? problemResponse(400, {
              detail: 'Certaines informations sont invalides.',
              errors: [{ field: 'plate', message: 'Immatriculation invalide : format attendu AA-123-AA (SIV) ou 1234 AB 56 (FNI).' }],
            })
          : jsonResponse(201, { ...polo, id: 'v-2', plate: 'AB-987-CD', status: 'active', version: 1 });
      },
    });
    const user = userEvent.setup();
    renderVehicles();
    await user.click(await screen.findByRole('button', { name: 'Nouveau véhicule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Nouveau véhicule' });
    const plate = within(dialog).getByRole('textbox', { name: /Immatriculation/ });
    await user.type(plate, 'AB123');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    expect(await within(dialog).findByText(/Immatriculation invalide/)).toBeInTheDocument();
    expect(plate).toHaveAttribute('aria-invalid', 'true');

    await user.clear(plate);
    await user.type(plate, 'AB-987-CD');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Le véhicule AB-987-CD a été ajouté.')).toBeInTheDocument();
    const bodies = await Promise.all(calls.filter((r) => r.method === 'POST').map((r) => r.json() as Promise<Record<string, unknown>>));
    expect(bodies[1]).toMatchObject({ plate: 'AB-987-CD', kind: 'car', gearbox: 'manual', status: 'active' });
  });
});
