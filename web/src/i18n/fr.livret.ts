/**
 * French strings of the "Livret numérique" page (office): the ETP preview of the month and the transmissions of the
 * lessons to the digital livret (through RdvPermis). Merged into `fr.ts` under `livret`.
 */
const livret = {
  title: 'Livret numérique',
  intro: "Les heures transmises au livret numérique des élèves, et ce qu'elles pèsent dans l'ETP de l'école au 24 du mois.",
  kinds: {
    practical: 'Leçons de conduite',
    aac_practice: 'Conduite en AAC (× 1,2)',
    theory: 'Cours de code',
    start_evaluation: 'Évaluations de départ',
    exam_accompaniment: "Accompagnements à l'examen",
  },
  /** Short names, for the chart's axis (a phone has little room). */
  shortKinds: {
    practical: 'Conduite',
    aac_practice: 'AAC',
    theory: 'Code',
    start_evaluation: 'Évaluation',
    exam_accompaniment: 'Examen',
  },
  etp: {
    title: 'Prévision ETP',
    hint: 'Heures transmises et acceptées sur les 3 mois qui précèdent le 24, pondérées, rapportées à un temps plein.',
    month: 'Mois',
    monthHelp: 'Au format AAAA-MM (par exemple 2026-12).',
    invalidMonth: 'Indiquez un mois au format AAAA-MM.',
    window: 'Heures prises en compte du {{from}} au {{to}} (exclu).',
    daysLeft: 'J-{{days}} avant le {{day}}',
    closed: 'Clôturé le {{day}}',
    cutoff: 'Clôture',
    atRiskTitle: 'Heures en danger avant le {{day}}',
    atRisk: 'Des transmissions échouent ou attendent encore à moins de 3 jours de la clôture : corrigez-les dans le suivi ci-dessous, sinon ces heures ne compteront pas dans l’ETP.',
    figures: {
      etp: 'ETP',
      etpDetail: '{{hours}} pondérées sur {{fullTime}} de temps plein',
      notTransmitted: 'Heures non transmises',
      etpLost: 'soit {{etp}} ETP en moins',
    },
    caption: 'Heures par type de séance',
    columns: {
      kind: 'Type',
      done: 'Réalisées',
      transmitted: 'Transmises',
      notTransmitted: 'Non transmises',
      weight: 'Coefficient',
      weighted: 'Heures pondérées',
    },
    total: 'Total',
    chart: 'Heures transmises et non transmises par type de séance',
    series: {
      transmitted: 'Transmises',
      notTransmitted: 'Non transmises',
    },
    hours: '{{value}} h',
    empty: 'Aucune heure réalisée sur la période.',
  },
  transmissions: {
    title: 'Transmissions au livret',
    hint: 'Chaque séance réalisée est transmise au livret numérique de l’élève. Une transmission refusée se renvoie une fois le dossier corrigé (le NEPH, par exemple).',
    filter: 'Statut',
    all: 'Toutes ({{n}})',
    statusCount: '{{label}} ({{n}})',
    statuses: {
      pending: 'En attente',
      sent: 'Envoyée',
      accepted: 'Acceptée',
      rejected: 'Refusée',
      retrying: 'Nouvel essai',
    },
    /** The filter chips' names (plural). */
    filters: {
      pending: 'En attente',
      sent: 'Envoyées',
      accepted: 'Acceptées',
      rejected: 'Refusées',
      retrying: 'En nouvel essai',
    },
    list: 'Transmissions au livret numérique',
    empty: 'Aucune transmission.',
    emptyFiltered: 'Aucune transmission avec ce statut.',
    limit: 'Seules les 500 séances les plus récentes sont affichées.',
    columns: {
      student: 'Élève',
      date: 'Séance',
      kind: 'Type',
      duration: 'Durée',
      status: 'Statut',
      reason: 'Motif',
      actions: 'Actions',
    },
    attempts_one: '{{count}} essai',
    attempts_other: '{{count}} essais',
    retry: 'Renvoyer',
    retryOf: 'Renvoyer la séance de {{name}} du {{date}}',
    retried: 'La séance de {{name}} sera transmise de nouveau.',
    noRdvPermis: 'Connectez RdvPermis (page Connecteurs) pour transmettre les heures au livret numérique.',
    openConnectors: 'Ouvrir les connecteurs',
  },
} as const;

export default livret;
