import { act, render, screen } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { AppProviders } from '../AppProviders.tsx';
import { notifySuccess } from './notify.ts';

describe('notify', () => {
  it('shows a toast whose close button is named in French', async () => {
    render(
      <AppProviders queryClient={new QueryClient()}>
        <p>page</p>
      </AppProviders>,
    );
    act(() => notifySuccess('Vous êtes déconnecté.'));
    expect(await screen.findByText('Vous êtes déconnecté.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Fermer' })).toBeInTheDocument();
  });
});
