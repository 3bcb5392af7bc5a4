import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import CataloguePage from './CataloguePage.tsx';
import { setCsrfToken, type Session } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';

const forfait = {
  id: 'p-1',
  name: 'Forfait 20 heures',
  kind: 'hours_package',
  price_cents: 120_000,
  vat_rate_bp: 2000,
  minutes: 1200,
  active: true,
  version: 1,
};
const registration = { id: 'p-2', name: "Frais d'inscription", kind: 'registration', price_cents: 15_000, vat_rate_bp: 2000, minutes: null, active: false, version: 2 };

function renderCatalogue(session: Session = demoSession) {
  renderWithProviders(<CataloguePage />, { session });
}

describe('CataloguePage', () => {
  afterEach(() => setCsrfToken(null));

  it('lists the products with their price, VAT, hours and state; the secretariat only reads', async () => {
    mockFetch({ 'GET /api/v1/products': () => jsonResponse(200, [forfait, registration]) });
    renderCatalogue({ ...demoSession, role: 'SECRETARY' });
    const table = await screen.findByRole('table', { name: 'Catalogue' });
    const [first, second] = within(table).getAllByTestId('product');
    expect(first).toHaveTextContent('Forfait 20 heures');
    expect(first).toHaveTextContent('Forfait d’heures');
    // (toHaveTextContent makes every space plain: the page writes no-break spaces.)
    expect(first).toHaveTextContent('1 200,00 €');
    expect(first).toHaveTextContent('20 %');
    expect(first).toHaveTextContent('20 h');
    expect(first).toHaveTextContent('En vente');
    expect(second).toHaveTextContent('Frais d’inscription');
    expect(second).toHaveTextContent('Retiré');
    expect(screen.queryByRole('button', { name: 'Nouveau produit' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Modifier le produit/ })).not.toBeInTheDocument();
  });

  it('says a forbidden fee under the name, then adds a product priced in euros with its driving time', async () => {
    let posts = 0;
    const { calls } = mockFetch({
      'GET /api/v1/products': () => jsonResponse(200, [forfait]),
      'POST /api/v1/products': async (request) => {
        posts += 1;
        if (posts === 1) {
          return problemResponse(422, {
            detail: 'Cette opération est refusée par une règle de gestion.',
            rules: [{ code: 'forbidden_fee', message: "La loi interdit de facturer la présentation d'un élève à l'examen." }],
          });
        }
        return jsonResponse(201, { ...((await request.clone().json()) as object), id: 'p-3', version: 1 });
      },
    });
    const user = userEvent.setup();
    renderCatalogue();
    await user.click(await screen.findByRole('button', { name: 'Nouveau produit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Nouveau produit' });
    const name = within(dialog).getByRole('textbox', { name: /Nom du produit/ });
    await user.type(name, "Présentation à l'examen");
    await user.type(within(dialog).getByRole('textbox', { name: /Prix TTC/ }), '1 200,50');
    await user.type(within(dialog).getByRole('textbox', { name: /: heures$/ }), '10');
    await user.type(within(dialog).getByRole('textbox', { name: /: minutes$/ }), '30');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    expect(await within(dialog).findByText("La loi interdit de facturer la présentation d'un élève à l'examen.")).toBeInTheDocument();
    expect(name).toHaveAttribute('aria-invalid', 'true');

    await user.clear(name);
    await user.type(name, 'Forfait 10 h 30');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Le produit « Forfait 10 h 30 » a été ajouté.')).toBeInTheDocument();
    const body = (await calls.filter((r) => r.method === 'POST')[1]?.json()) as Record<string, unknown>;
    expect(body).toEqual({ name: 'Forfait 10 h 30', kind: 'hours_package', price_cents: 120_050, vat_rate_bp: 2000, minutes: 630, active: true });
  });

  it('refuses a price it cannot read before sending anything', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/products': () => jsonResponse(200, [forfait]) });
    const user = userEvent.setup();
    renderCatalogue();
    await user.click(await screen.findByRole('button', { name: 'Nouveau produit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Nouveau produit' });
    await user.type(within(dialog).getByRole('textbox', { name: /Nom du produit/ }), 'Leçon');
    await user.type(within(dialog).getByRole('textbox', { name: /Prix TTC/ }), '12,345');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    expect(await within(dialog).findByText('Indiquez un prix en euros, par exemple 1 200,00.')).toBeInTheDocument();
    expect(await within(dialog).findByText('Indiquez le temps de conduite crédité.')).toBeInTheDocument();
    expect(calls.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});
