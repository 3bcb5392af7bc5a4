import { useState } from 'react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, mockFetch, renderWithProviders } from '../test/render.tsx';
import { foldText, matchesWords } from '../lib/people.ts';
import { StudentPicker } from './PersonPicker.tsx';

const eloise = {
  id: 's-eloise',
  first_name: 'Éloïse',
  last_name: 'Lefèvre',
  civility: 'mme',
  birth_date: '2007-05-03',
  neph: '120000001234',
  status: 'active',
};
const homonym = { ...eloise, id: 's-eloise-2', civility: null, birth_date: '1999-11-20', neph: null };

function Harness({ onPick }: { onPick: (id: string | null) => void }) {
  const [value, setValue] = useState<string | null>(null);
  return (
    <StudentPicker
      label="Élève"
      value={value}
      onChange={(id) => {
        setValue(id);
        onPick(id);
      }}
    />
  );
}

describe('the student picker', () => {
  it('asks the server for the typed words (debounced) and tells namesakes apart', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/students': (request) => {
        const q = new URL(request.url).searchParams.get('q');
        return jsonResponse(200, { items: q === 'eloise' ? [eloise, homonym] : [], next_cursor: null });
      },
    });
    const picked = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<Harness onPick={picked} />);

    const input = screen.getByRole('combobox', { name: 'Élève' });
    await user.click(input);
    await user.type(input, 'eloise');

    expect(await screen.findByRole('option', { name: 'Éloïse Lefèvre — née le 03/05/2007 · NEPH …1234', hidden: true })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: 'Éloïse Lefèvre — né(e) le 20/11/1999', hidden: true })).toBeInTheDocument();

    // One request per settled search, never one per key: the empty list, then "eloise".
    const searches = calls.map((r) => new URL(r.url).searchParams);
    expect(searches.map((p) => p.get('q'))).toEqual([null, 'eloise']);
    expect(searches.every((p) => p.get('limit') === '20')).toBe(true);

    await user.click(screen.getByRole('option', { name: /née le 03\/05\/2007/, hidden: true }));
    expect(picked).toHaveBeenCalledWith('s-eloise');
    // The chosen label is not searched for.
    await waitFor(() => expect(input).toHaveValue('Éloïse Lefèvre — née le 03/05/2007 · NEPH …1234'));
    await new Promise((r) => setTimeout(r, 400));
    expect(calls.map((r) => new URL(r.url).searchParams.get('q'))).not.toContain('Éloïse Lefèvre — née le 03/05/2007 · NEPH …1234');
  });

  it('shows the label of a preset value it has not searched for', async () => {
    mockFetch({
      'GET /api/v1/students': () => jsonResponse(200, { items: [], next_cursor: null }),
      'GET /api/v1/students/s-eloise': () => jsonResponse(200, eloise),
    });
    renderWithProviders(<StudentPicker label="Élève" value="s-eloise" onChange={() => undefined} />);
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Élève' })).toHaveValue('Éloïse Lefèvre — née le 03/05/2007 · NEPH …1234'));
  });
});

describe('accent-insensitive word prefixes (lists held in the page)', () => {
  it('folds case and accents', () => {
    expect(foldText('Éloïse LEFÈVRE')).toBe('eloise lefevre');
  });

  it('matches every typed word at the start of a word, in any order', () => {
    expect(matchesWords('Éloïse Lefèvre', 'eloise')).toBe(true);
    expect(matchesWords('Éloïse Lefèvre', 'lef elo')).toBe(true);
    expect(matchesWords('Éloïse Lefèvre', 'loise')).toBe(false);
    expect(matchesWords('Jean-Noël Ménard', 'noel men')).toBe(true);
    expect(matchesWords('Éloïse Lefèvre', '')).toBe(true);
  });
});
