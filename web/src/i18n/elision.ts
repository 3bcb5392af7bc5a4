/**
 * French elision before a name: "d'Inès", "de Paul", "qu'Éloïse". Conservative: only a vowel (accented or not)
 * elides; a "h" never does (mute or aspirated cannot be told from the spelling of a name), and a "y" only before a
 * consonant ("d'Yves", but "de Yann"). Used by the i18n strings as `{{name, de}}` and `{{name, que}}`
 * (formatters registered in i18n/index.ts).
 */

const VOWEL = /^[aeiouàâäéèêëîïôöùûüœæ]/iu;
const Y_BEFORE_CONSONANT = /^y[^aeiouàâäéèêëîïôöùûüyœæ\s'’-]/iu;

/** Whether "de"/"que" elide before this word (its first letter, ignoring leading spaces and quotes). */
export function elides(word: string): boolean {
  const w = word.trimStart().replace(/^["«“\s]+/u, '');
  return VOWEL.test(w) || Y_BEFORE_CONSONANT.test(w);
}

/** "de Paul", "d'Inès", "d'Éloïse", "de Hugo". */
export function de(name: string): string {
  const trimmed = name.trim();
  return elides(trimmed) ? `d'${trimmed}` : `de ${trimmed}`;
}

/** "que Paul", "qu'Inès". */
export function que(name: string): string {
  const trimmed = name.trim();
  return elides(trimmed) ? `qu'${trimmed}` : `que ${trimmed}`;
}
