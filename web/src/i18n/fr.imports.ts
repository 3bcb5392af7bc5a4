/**
 * French strings of the "Import et export" page (ADMIN): the import wizard (from the previous software) and the
 * whole-school export. Merged into `fr.ts` under `imports`.
 */
const imports = {
  title: 'Import et export',
  intro:
    'Reprenez les élèves, les soldes d’heures, les niveaux du livret, les leçons à venir et les examens de votre ancien logiciel, ou emportez toutes les données de l’école dans un fichier zip.',
  wizard: {
    title: 'Importer depuis l’ancien logiciel',
    hint: 'Un fichier CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252) ou Excel (.xlsx, première feuille), avec une ligne d’en-têtes. Rien n’est écrit avant la vérification, et un fichier importé deux fois ne change rien la seconde fois.',
    stepsLabel: 'Étapes de l’import',
    steps: {
      file: 'Fichier',
      fileDescription: 'Type et fichier',
      columns: 'Colonnes',
      columnsDescription: 'Vérification',
      report: 'Rapport',
      reportDescription: 'Avant d’importer',
      import: 'Import',
      importDescription: 'Écriture',
    },
    kind: 'Le fichier contient',
    kinds: {
      students: 'Élèves',
      balances: 'Soldes d’heures',
      booklet: 'Niveaux du livret',
      lessons: 'Leçons à venir',
      exams: 'Examens',
    },
    kindHelp: {
      students:
        'Colonnes attendues : Nom, Prénom, Date de naissance (JJ/MM/AAAA), et si vous les avez E-mail, Téléphone, Adresse, Lieu de naissance, NEPH, Catégorie (B ou B78). Un élève déjà présent (même NEPH, même e-mail, ou même nom et même date de naissance) est mis à jour, pas créé une seconde fois.',
      balances:
        'Colonnes attendues : Nom, Prénom, Heures restantes (12, 12,5 ou 1h30), et pour reconnaître l’élève sa Date de naissance, son E-mail ou son NEPH. Importez d’abord les élèves.',
      booklet:
        'Colonnes attendues : Nom, Prénom, Item (C1.1 à C4.7), Niveau (non abordé, abordé, traité, assimilé, ou 0 à 3), et si vous les avez Date, Date de naissance, E-mail ou NEPH. Importez d’abord les élèves.',
      lessons:
        'Colonnes attendues : l’élève (Nom et Prénom, ou « Élève » en une colonne), Date, Début, Fin ou Durée, Moniteur (prénom et nom, ou e-mail), Véhicule (immatriculation) ; si vous les avez Type, Statut, Lieu, Remarque. Chaque leçon passe les contrôles du planning : un conflit est signalé, jamais forcé. Les séances passées ou annulées sont ignorées (leurs heures sont dans le solde). Importez d’abord les élèves et les soldes.',
      exams:
        'Colonnes attendues : Nom, Prénom, Épreuve (code ou conduite), Date (JJ/MM/AAAA, avec l’heure si vous l’avez) ; si vous les avez Date de naissance, NEPH, Centre, Résultat (réussi, ajourné, absent, annulé, ou vide pour un examen à venir), Note. Un examen déjà présent le même jour n’est pas recréé. Importez d’abord les élèves.',
    },
    file: 'Fichier à importer',
    filePlaceholder: 'Choisir un fichier CSV ou Excel',
    fileDescription: 'Formats acceptés : .csv et .xlsx.',
    noFile: 'Choisissez le fichier à importer.',
    badType: 'Ce fichier n’est ni un CSV ni un classeur Excel (.xlsx).',
    check: 'Vérifier',
    checkAgain: 'Vérifier à nouveau',
    otherFile: 'Choisir un autre fichier',
    checking: 'Vérification du fichier « {{name}} »',
    importing: 'Import du fichier « {{name}} »',
    progressLabel: 'Avancement',
    progress: '{{done}} / {{total}} lignes',
    queued: 'En attente de démarrage…',
    failed: 'Le fichier n’a pas pu être lu',
    mapping: {
      title: 'Colonnes à associer',
      hint: 'Dites à quoi correspond chaque colonne que l’import ne reconnaît pas, ou ignorez-la, puis vérifiez à nouveau.',
      unknownTitle: 'Colonnes inconnues',
      column: 'Colonne « {{header}} »',
      ignore: 'Ignorer cette colonne',
      missingTitle: 'Colonnes obligatoires absentes',
      missing: 'Aucune colonne du fichier ne donne : {{names}}. Associez-leur une colonne ci-dessous, ou corrigez le fichier.',
      missingNoUnknown: 'Aucune colonne du fichier ne donne : {{names}}. Corrigez le fichier, puis choisissez-le de nouveau.',
    },
    report: {
      title: 'Rapport de vérification',
      dryRunNote: 'Rien n’a encore été écrit : voici ce que l’import fera.',
      rows_one: '{{count}} ligne lue dans « {{name}} ».',
      rows_other: '{{count}} lignes lues dans « {{name}} ».',
      countsLabel: 'Résumé',
      errorsTitle: 'Lignes refusées',
      ignoredTitle: 'Lignes ignorées',
      ignoredCaption: 'Lignes ignorées : Volant ne les reprend pas, pour la raison indiquée ; elles ne bloquent pas l’import.',
      errorsCaption: 'Lignes refusées : le numéro est celui du tableur (les en-têtes sont la ligne 1).',
      noErrors: 'Aucune ligne refusée.',
      columns: { row: 'Ligne', name: 'Nom', column: 'Colonne', message: 'Message' },
      wholeRow: 'Toute la ligne',
      partial: 'Importer seulement les lignes valides',
      partialHint: 'Les lignes refusées ne seront pas importées ; corrigez-les puis importez de nouveau le fichier.',
      blocked: 'Corrigez les lignes refusées, ou cochez « Importer seulement les lignes valides ».',
      import: 'Importer',
    },
    counts: {
      created: 'À créer',
      updated: 'À mettre à jour',
      skipped: 'Déjà à jour',
      ignored: 'Ignorées',
      errors: 'En erreur',
    },
    doneCounts: {
      created: 'Créés',
      updated: 'Mis à jour',
      skipped: 'Déjà à jour',
      ignored: 'Ignorées',
      errors: 'En erreur',
    },
    count: '{{label}} : {{count}}',
    done: {
      title: 'Import terminé',
      written: 'Les données du fichier « {{name}} » sont dans Volant.',
      notWritten: 'Rien n’a été écrit : des lignes ont été refusées pendant l’import. Corrigez-les, puis recommencez.',
      students: 'Voir la liste des élèves',
      planning: 'Voir le planning',
      again: 'Nouvel import',
    },
  },
  export: {
    title: 'Exporter toute l’école',
    hint: 'Toutes les données de l’école dans un fichier zip : pour les garder, les ouvrir dans un tableur ou les reprendre ailleurs.',
    contents:
      'Le zip contient un fichier CSV par type de données (élèves, soldes d’heures, niveaux du livret, mouvements d’heures, leçons, examens, factures, règlements, moniteurs, véhicules ; séparateur « ; », à ouvrir dans Excel ou LibreOffice), chaque facture et chaque livret d’apprentissage en PDF, et un fichier LISEZMOI.txt.',
    reimport: 'Pour reprendre les élèves dans une école Volant vide, importez ces fichiers dans cet ordre :',
    reimportSteps: {
      students: 'eleves.csv, comme « Élèves » ;',
      balances: 'soldes.csv, comme « Soldes d’heures » ;',
      booklet: 'livret.csv, comme « Niveaux du livret » ;',
      exams: 'examens.csv, comme « Examens ».',
    },
    start: 'Exporter toute l’école',
    running: 'Export en cours : les fichiers et les PDF sont préparés…',
    download: 'Télécharger l’export ({{size}} Mo)',
    ready: 'Export prêt.',
    failed: 'L’export a échoué',
  },
} as const;

export default imports;
