import i18n from './index.ts';
import { de, elides, que } from './elision.ts';

describe('French elision', () => {
  it('elides "de" before a vowel, accented or capital', () => {
    expect(de('Inès')).toBe("d'Inès");
    expect(de('Éloïse Lefèvre')).toBe("d'Éloïse Lefèvre");
    expect(de('Adam')).toBe("d'Adam");
    expect(de('Œdipe')).toBe("d'Œdipe");
    expect(de('Ugo')).toBe("d'Ugo");
    expect(de('agence Centre')).toBe("d'agence Centre");
  });

  it('keeps "de" before a consonant, a h, and a y before a vowel', () => {
    expect(de('Paul')).toBe('de Paul');
    expect(de('Hugo')).toBe('de Hugo');
    expect(de('Hélène')).toBe('de Hélène');
    expect(de('Yann')).toBe('de Yann');
    expect(de('Yves')).toBe("d'Yves");
    expect(de('  Zoé ')).toBe('de Zoé');
    expect(elides('')).toBe(false);
  });

  it('elides "que" the same way', () => {
    expect(que('Inès')).toBe("qu'Inès");
    expect(que('Paul')).toBe('que Paul');
  });

  it('is the `de` formatter of the French strings', () => {
    expect(i18n.t('students.created', { name: 'Inès Martin' })).toBe("Le dossier d'Inès Martin a été créé.");
    expect(i18n.t('students.created', { name: 'Paul Martin' })).toBe('Le dossier de Paul Martin a été créé.');
    expect(i18n.t('planning.closure', { agency: 'Agence Centre' })).toBe("Fermeture d'Agence Centre");
  });
});
