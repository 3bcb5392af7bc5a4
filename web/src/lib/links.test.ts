import { splitLinks } from './links.ts';

describe('splitLinks', () => {
  it('finds http links and leaves trailing punctuation out', () => {
    const text = 'Bonjour,\nCliquez ici : http://127.0.0.1:8080/reinitialiser?token=abc_123. Merci';
    expect(splitLinks(text)).toEqual([
      { text: 'Bonjour,\nCliquez ici : ' },
      { text: 'http://127.0.0.1:8080/reinitialiser?token=abc_123', href: 'http://127.0.0.1:8080/reinitialiser?token=abc_123' },
      { text: '. Merci' },
    ]);
  });

  it('ignores non-http schemes', () => {
    expect(splitLinks('javascript:alert(1) mailto:a@b.fr')).toEqual([{ text: 'javascript:alert(1) mailto:a@b.fr' }]);
  });
});
