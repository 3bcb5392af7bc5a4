import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MantineProvider } from '@mantine/core';
import { ApiError } from '../api/problem.ts';
import { QueryView, type QueryLike } from './QueryView.tsx';

function query<T>(state: Partial<QueryLike<T>>): QueryLike<T> {
  return { isPending: false, isError: false, error: null, data: undefined, refetch: vi.fn(), ...state };
}

function show<T>(q: QueryLike<T>, extra: { empty?: string; notFound?: string } = {}) {
  render(
    <MantineProvider>
      <QueryView query={q} empty={extra.empty} notFound={extra.notFound}>
        {(data) => <p>{JSON.stringify(data)}</p>}
      </QueryView>
    </MantineProvider>,
  );
}

describe('QueryView', () => {
  it('says it is loading', () => {
    show(query({ isPending: true }));
    expect(screen.getByRole('status')).toBeInTheDocument();
    expect(screen.getByLabelText('Chargement…')).toBeInTheDocument();
  });

  it('shows the problem in French, and "Réessayer" refetches', async () => {
    const q = query({ isError: true, error: new ApiError({ status: 500, detail: 'La base ne répond pas.' }) });
    show(q);
    expect(screen.getByRole('alert')).toHaveTextContent('La base ne répond pas.');
    await userEvent.click(screen.getByRole('button', { name: 'Réessayer' }));
    expect(q.refetch).toHaveBeenCalled();
  });

  it('shows what it is given for a 404', () => {
    show(query({ isError: true, error: new ApiError({ status: 404 }) }), { notFound: 'Page introuvable' });
    expect(screen.getByText('Page introuvable')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says an empty list (an array or an API page) is empty, else renders the data', () => {
    show(query({ data: [] }), { empty: 'Aucun véhicule.' });
    show(query({ data: { items: [] } }), { empty: 'Aucun courriel.' });
    show(query({ data: ['Polo'] }), { empty: 'Aucun.' });
    expect(screen.getByText('Aucun véhicule.')).toBeInTheDocument();
    expect(screen.getByText('Aucun courriel.')).toBeInTheDocument();
    expect(screen.getByText('["Polo"]')).toBeInTheDocument();
  });

  it('offers the next page of a paged list', async () => {
    const fetchNextPage = vi.fn();
    show(query({ data: ['a'], hasNextPage: true, fetchNextPage }));
    await userEvent.click(screen.getByRole('button', { name: 'Afficher plus' }));
    expect(fetchNextPage).toHaveBeenCalled();
  });
});
