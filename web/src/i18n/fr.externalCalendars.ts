/**
 * French strings of the "Agendas externes" card (an instructor's page, and "Mes disponibilités"): the calendars whose
 * busy times the planning warns about. Merged into `fr.ts` under `externalCalendars`.
 */
const externalCalendars = {
  title: 'Agendas externes',
  hint: "Les créneaux occupés de ces agendas sont signalés dans le planning : une séance posée dessus affiche un avertissement (ou est refusée, selon les réglages de l'école).",
  listLabel: 'Agendas externes suivis',
  empty: 'Aucun agenda externe.',
  followed: 'Adresse suivie, actualisée chaque heure',
  imported: 'Fichier importé',
  lastFetched: 'Dernière actualisation : {{date}}',
  neverFetched: 'Pas encore actualisé',
  busyNone: 'Aucun créneau occupé à venir',
  busyCount_one: '{{count}} créneau occupé à venir',
  busyCount_other: '{{count}} créneaux occupés à venir',
  lastError: 'Dernière erreur : {{message}}',
  remove: 'Supprimer',
  removeOf: "Supprimer l'agenda « {{name}} »",
  confirmTitle: 'Supprimer un agenda externe',
  confirmText:
    "Supprimer l'agenda « {{name}} » ? Ses créneaux occupés ne seront plus signalés dans le planning. L'agenda d'origine n'est pas modifié.",
  removed: "L'agenda « {{name}} » a été supprimé.",
  addTitle: 'Ajouter un agenda',
  source: "Source de l'agenda",
  sourceUrl: 'Adresse (URL)',
  sourceFile: 'Fichier .ics',
  name: 'Nom',
  nameDescription: 'Par exemple « Agenda personnel » ou « Autre auto-école ».',
  url: "Adresse de l'agenda",
  urlDescription:
    "L'adresse iCalendar (https://, http:// ou webcal://) donnée par votre application d'agenda, souvent appelée « adresse secrète au format iCal ». Elle est relue chaque heure.",
  urlInvalid: "Saisissez une adresse commençant par https://, http:// ou webcal://.",
  file: 'Fichier .ics',
  fileDescription: "Un export de votre agenda (1 Mo au plus). Ses créneaux sont importés une fois : importez-le de nouveau s'il change.",
  fileChosen: 'Fichier .ics : {{name}}',
  filePlaceholder: 'Choisir un fichier',
  clearFile: 'Retirer le fichier',
  noFile: 'Choisissez un fichier .ics.',
  badType: "Choisissez un fichier .ics (format iCalendar).",
  tooLarge: 'Ce fichier dépasse 1 Mo.',
  unreadable: 'Ce fichier ne peut pas être lu.',
  add: "Ajouter l'agenda",
  added: "L'agenda « {{name}} » a été ajouté.",
};

export default externalCalendars;
