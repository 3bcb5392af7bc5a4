/**
 * French strings of the "Conformité" page (ADMIN): the fiscal archives and the school's key, the journal of technical
 * events (the closures and the verification of the records are in `billing`). Merged into `fr.ts` under `compliance`.
 */
const compliance = {
  title: 'Conformité',
  intro:
    'Ce que la loi anti-fraude à la TVA demande d’un logiciel de caisse (CGI art. 286 I 3° bis) : des enregistrements inaltérables, clôturés, archivés et un journal des événements techniques.',
  archives: {
    title: 'Archives fiscales',
    hint: 'Une archive par année : factures, lignes, règlements, clôtures, chaîne fiscale et journal technique en fichiers CSV, avec un manifeste signé par la clé de l’école. Lisible sans Volant.',
    year: 'Année à archiver',
    create: 'Archiver l’année',
    created: 'Archive {{year}} créée : le téléchargement a commencé.',
    empty: 'Aucune archive pour l’instant.',
    list: 'Archives fiscales de l’école',
    columns: { year: 'Année', period: 'Période couverte', state: 'État', size: 'Taille', createdAt: 'Créée le', download: 'Télécharger' },
    period: '{{from}} – {{to}}',
    complete: 'Complète',
    partial: 'Partielle',
    completeHint: 'Toute l’année était close.',
    partialHint: 'Les journées closes à la date de l’archive.',
    size: '{{size}} Ko',
    download: 'Télécharger',
    downloadOf: 'Télécharger l’archive {{year}} du {{from}} au {{to}}',
    key: {
      title: 'Clé publique de l’école',
      fingerprint: 'Empreinte de la clé',
      pem: 'Clé publique (PEM)',
      verify: 'Vérifier une archive hors ligne',
      intro:
        'Chaque archive contient un manifeste (manifest.json) qui donne l’empreinte SHA-256 de chaque fichier, et sa signature Ed25519 (manifest.sig). Pour vérifier une archive sans passer par l’application :',
      withVolant: 'avec Volant : la commande ci-dessous contrôle la signature et chaque fichier, et affiche l’empreinte de la clé ;',
      withOpenssl:
        'sans Volant : enregistrez la clé ci-dessus dans un fichier cle-publique.pem, décompressez l’archive, puis vérifiez la signature du manifeste avec OpenSSL (« Signature Verified Successfully ») et l’empreinte de chaque fichier avec sha256sum.',
    },
  },
  journal: {
    title: 'Journal des événements techniques',
    hint: 'Démarrages et arrêts du logiciel, clôtures, archives, exports, restaurations et sauts d’horloge : écrit par l’application, jamais modifié.',
    empty: 'Aucun événement.',
    columns: { time: 'Date et heure', kind: 'Événement', detail: 'Détail' },
    kinds: {
      startup: 'Démarrage',
      shutdown: 'Arrêt',
      closure: 'Clôture',
      archive: 'Archive',
      export: 'Export',
      restore: 'Restauration',
      clock_jump: 'Saut d’horloge',
    },
    installation: 'installation',
    installationHint: 'Concerne toute l’installation, pas seulement l’école',
    none: '—',
    periods: { day: 'Journée', month: 'Mois', year: 'Année' },
    summary: {
      closureDay: '{{period}} du {{date}} · {{chain}}',
      closureSpan: '{{period}} du {{from}} au {{to}} · {{chain}}',
      chainIntact: 'chaîne intacte',
      chainBroken: 'chaîne rompue',
      chainBrokenAt: 'chaîne rompue au n° {{seq}}',
      archive: 'Archive de l’année {{year}}',
      export: 'Téléchargement de l’archive {{year}}',
      clockForward_one: 'L’horloge a avancé de {{value}} seconde',
      clockForward_other: 'L’horloge a avancé de {{value}} secondes',
      clockBack_one: 'L’horloge a reculé de {{value}} seconde',
      clockBack_other: 'L’horloge a reculé de {{value}} secondes',
      version: 'Version {{version}}',
    },
    page: 'Page {{page}}',
    first: 'Première page',
    previous: 'Page précédente',
    next: 'Page suivante',
    pages: 'Pages du journal',
  },
} as const;

export default compliance;
