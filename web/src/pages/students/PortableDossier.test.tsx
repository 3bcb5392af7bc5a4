import { screen } from '@testing-library/react';
import { setCsrfToken } from '../../api/client.ts';
import { demoSession, renderWithProviders } from '../../test/render.tsx';
import type { Student } from './api.ts';
import { PortableDossier } from './PortableDossier.tsx';

// Only what the card reads of a student file.
const INES = { id: '00000000-0000-4000-8000-000000000201', first_name: 'Inès', last_name: 'Moreau' } as Student;

describe('PortableDossier', () => {
  afterEach(() => setCsrfToken(null));

  it('gives the office the student’s dossier as a zip, and says what it holds', () => {
    renderWithProviders(<PortableDossier student={INES} self={false} />, { session: demoSession });
    expect(screen.getByRole('heading', { name: 'Dossier portable' })).toBeInTheDocument();
    expect(screen.getByText(/Tout le dossier de l’élève : livret, heures, leçons, examens, factures — pour un changement d’école ou une demande RGPD/)).toBeInTheDocument();
    const link = screen.getByRole('link', { name: 'Dossier portable (zip) d\'Inès Moreau' });
    expect(link).toHaveTextContent('Dossier portable (zip)');
    expect(link).toHaveAttribute('href', `/api/v1/students/${INES.id}/dossier.zip`);
    expect(link).toHaveAttribute('download');
  });

  it('gives the student their own', () => {
    renderWithProviders(<PortableDossier student={INES} self />, { session: { ...demoSession, role: 'STUDENT', student_id: INES.id } });
    expect(screen.getByRole('heading', { name: 'Mon dossier complet' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Télécharger mon dossier' })).toHaveAttribute('href', `/api/v1/students/${INES.id}/dossier.zip`);
  });
});
