/**
 * French strings of the connectors to the State platforms (ANTS), on the "Connecteurs" page (ADMIN). The ANTS card of a
 * student file is in `fr.students.ts` (`students.ants`). Merged into `fr.ts` under `connectors`.
 */
const connectors = {
  title: 'Connecteurs',
  intro: "Les plateformes de l'État auxquelles l'école transmet ses dossiers : leurs réglages, l'état de la connexion et le journal des échanges.",
  empty: 'Aucun connecteur disponible.',
  status: 'État de la connexion',
  statuses: {
    connected: 'Connecté',
    failing: 'En échec',
    not_configured: 'Non configuré',
  },
  lastSuccess: 'Dernier échange réussi : {{when}}',
  lastError: 'Dernière erreur',
  suspended: "Appels suspendus jusqu'à {{time}}",
  suspendedHint: 'Après plusieurs échecs de suite, les appels reprennent seuls à cette heure (ou dès que les réglages changent).',
  form: {
    title: 'Réglages',
    baseUrl: 'Adresse de la plateforme',
    baseUrlHint: 'https://…, communiquée par la plateforme.',
    clientId: 'Identifiant client',
    clientSecret: 'Secret client',
    secretKept: 'Laissez vide pour garder le secret enregistré.',
    secretNone: 'Aucun secret enregistré.',
    removeSecret: 'Effacer le secret enregistré',
    submit: 'Enregistrer',
    saved: 'Réglages du connecteur {{label}} enregistrés.',
    stale: "Ces réglages ont été modifiés entre-temps par quelqu'un d'autre. Ils ont été rechargés : vérifiez puis recommencez.",
  },
  oauth: {
    authorized: "Accès autorisé par l'école.",
    notAuthorized: "L'école n'a pas encore autorisé l'accès (ou l'autorisation a été retirée).",
    connect: 'Connecter {{label}}',
    reconnect: 'Reconnecter {{label}}',
    needsSettings: "Enregistrez d'abord l'adresse, l'identifiant et le secret client.",
    outcomes: {
      connected: '{{label}} est connecté : l’accès est autorisé.',
      refused: "L'accès à {{label}} a été refusé sur sa page d'autorisation.",
      expired: "La demande d'autorisation a expiré ou ne venait pas de vous : recommencez.",
      failed: "{{label}} n'a pas confirmé l'autorisation : vérifiez les réglages puis recommencez.",
    },
  },
  test: {
    run: 'Tester la connexion',
    notConfigured: "Enregistrez d'abord l'adresse de la plateforme.",
  },
  events: {
    title: 'Journal des échanges',
    hint: 'Les appels à la plateforme, du plus récent au plus ancien : jamais un secret ni une pièce du dossier.',
    empty: 'Aucun échange pour le moment.',
    more: 'Afficher plus',
    columns: {
      date: 'Date',
      operation: 'Opération',
      request: 'Requête',
      status: 'Statut',
      duration: 'Durée',
      error: 'Erreur',
    },
    operations: {
      token: "Jeton d'accès",
      check: 'Test de connexion',
      submit: 'Dépôt',
      resubmit: 'Dépôt complété',
      sync: 'Synchronisation',
      authorize: 'Autorisation',
      refresh: 'Renouvellement du jeton',
      livret: 'Transmission au livret',
    },
    ok: 'Réussi',
    failed: 'Échec',
    noAnswer: 'Sans réponse',
    duration: '{{value}} ms',
    student: "Ouvrir le dossier de l'élève",
  },
} as const;

export default connectors;
