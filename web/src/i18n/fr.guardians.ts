/**
 * French strings of the guardians (« Représentant légal », the parent of a minor student): the child switcher of the
 * shell, the child's pages read by the guardian, and the office's "Représentants légaux" card on a student file.
 * Merged into `fr.ts` under `guardians`.
 */
const guardians = {
  switcher: {
    region: 'Enfant suivi',
    following: 'Vous suivez : {{name}}',
    none: 'Aucun enfant suivi pour le moment : l’école doit vous inviter depuis le dossier de l’élève.',
    select: 'Changer d’enfant',
    switched: 'Vous suivez maintenant {{name}}.',
  },
  pages: {
    planning: 'Planning {{name, de}}',
    hours: 'Heures {{name, de}}',
    booklet: 'Livret {{name, de}}',
    exams: 'Examens {{name, de}}',
    invoices: 'Factures {{name, de}}',
    invoicesIntro:
      'Le solde, les factures et leur PDF ; vous pouvez payer en ligne ce qui reste dû et signer le contrat de formation avec le code reçu.',
    readOnly: 'Vous consultez l’espace {{name, de}} : seul l’élève confirme ses leçons ou demande un changement.',
  },
  home: {
    intro: 'Vous suivez la formation {{name, de}}.',
    upcoming: 'Prochaines séances {{name, de}}',
    upcomingLabel: 'Séances à venir {{name, de}}',
    upcomingEmpty: 'Aucune séance prévue dans les {{count}} prochaines semaines.',
    openPlanning: 'Voir tout le planning',
    hours: 'Heures {{name, de}}',
    openHours: 'Voir le détail des heures',
  },
  card: {
    title: 'Représentants légaux',
    hint: 'Les parents qui suivent le planning, les heures, le livret, les examens et les factures de l’élève mineur, depuis leur propre compte.',
    list: 'Représentants légaux de l’élève',
    empty: 'Aucun représentant légal n’a encore accès à l’espace de l’élève.',
    columns: {
      who: 'Représentant',
      status: 'Statut',
      since: 'Depuis le',
      actions: 'Actions',
    },
    statuses: {
      active: 'Accès actif',
      invited: 'Invitation envoyée',
    },
    expires: 'Invitation valable jusqu’au {{date}}',
    invite: {
      title: 'Inviter un représentant légal',
      email: 'Adresse e-mail du représentant',
      emailHint: 'Il reçoit un lien pour créer son compte, ou pour relier ce dossier à son compte s’il suit déjà un autre enfant.',
      submit: 'Inviter',
      sent: 'Invitation envoyée à {{email}}.',
    },
    adult: 'L’élève est majeur : il n’a pas de représentant légal, il suit lui-même sa formation depuis son compte.',
    noBirthDate: 'Renseignez la date de naissance de l’élève : seul un élève mineur peut avoir un représentant légal.',
    revoke: 'Retirer l’accès',
    revokeOf: 'Retirer l’accès de {{name}}',
    revokeTitle: 'Retirer l’accès ?',
    revokeText: '{{name}} ne pourra plus consulter l’espace {{student, de}}. Vous pourrez l’inviter à nouveau.',
    revokeSubmit: 'Retirer l’accès',
    revoked: 'L’accès de {{name}} est retiré.',
  },
} as const;

export default guardians;
