/**
 * French strings of the "Inscriptions en ligne" page (ADMIN, SECRETARY): the people who registered on the school's
 * public site, to call back. Merged into `fr.ts` under `siteRegistrations`. The status labels are the students'
 * (`students.statuses`).
 */
const siteRegistrations = {
  title: 'Inscriptions en ligne',
  intro: 'Les personnes inscrites depuis le site internet de l’école : rappelez-les pour fixer l’évaluation de départ.',
  empty: 'Aucune inscription en ligne pour l’instant.',
  list: 'Inscriptions reçues sur le site internet, les plus récentes d’abord',
  columns: {
    name: 'Nom',
    status: 'Statut',
    contact: 'Contact',
    message: 'Message',
    consentedAt: 'Date du consentement',
  },
  noContact: 'Aucun moyen de contact',
  /** The button under a long message (cut to two lines), with the name of whom it is from for a screen reader. */
  showMessage: 'Lire tout le message',
  showMessageOf: 'Lire tout le message {{name, de}}',
  hideMessage: 'Réduire le message',
  hideMessageOf: 'Réduire le message {{name, de}}',
  page: 'Page {{page}}',
  newer: 'Plus récent',
  older: 'Plus ancien',
  pages: 'Pages des inscriptions en ligne',
} as const;

export default siteRegistrations;
