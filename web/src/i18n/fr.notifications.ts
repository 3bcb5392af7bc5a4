/**
 * French strings of the notifications (the bell, the page, the preferences), the delivery log (ADMIN) and the calendar
 * feed of "Mon planning". Spread into `fr.ts`: top-level keys `notifications`, `deliveries`, `calendarFeed`.
 */

/** Every event a person may be told about, as a person says it. */
const events = {
  lesson_created: 'Nouvelle séance',
  lesson_moved: 'Séance déplacée',
  lesson_cancelled: 'Séance annulée',
  lesson_reminder: 'Rappel avant une séance',
  low_credit: "Crédit d'heures bas",
  exam_booked: 'Examen réservé',
  exam_result: "Résultat d'examen",
  student_eligible: "Élève présentable à l'examen",
  change_request_decided: 'Réponse à une demande',
  invoice_issued: 'Facture émise',
  payment_received: 'Paiement reçu',
  document_expiring: 'Document bientôt expiré',
  waitlist_offer: "Créneau proposé (liste d'attente)",
  waitlist_taken: "Créneau déjà pris (liste d'attente)",
  prospect_registered: 'Inscription sur le site internet',
};

const notifications = {
  title: 'Notifications',
  events,
  unread: 'Non lue',
  read: 'Lue',
  bell: {
    label_one: 'Notifications : {{count}} non lue',
    label_other: 'Notifications : {{count}} non lues',
    labelNone: 'Notifications : aucune non lue',
    labelUnknown: 'Notifications',
    /** Said (politely) when the count grows while the page is open. */
    arrived_one: '{{count}} notification non lue',
    arrived_other: '{{count}} notifications non lues',
    latest: 'Dernières notifications',
    empty: 'Aucune notification pour le moment.',
    readAll: 'Tout marquer comme lu',
    all: 'Toutes les notifications',
    preferences: 'Préférences',
  },
  page: {
    intro: 'Ce qui vous concerne : séances, examens, demandes… Les plus récentes en premier.',
    filter: 'Afficher',
    filterUnread: 'Non lues',
    filterAll: 'Toutes',
    list: 'Vos notifications',
    empty: 'Aucune notification.',
    emptyUnread: 'Aucune notification non lue.',
    readAll: 'Tout marquer comme lu',
    readAllDone_one: '{{count}} notification marquée comme lue.',
    readAllDone_other: '{{count}} notifications marquées comme lues.',
    readAllNone: 'Toutes vos notifications étaient déjà lues.',
    markRead: 'Marquer comme lue',
    markUnread: 'Marquer comme non lue',
    markReadOf: 'Marquer comme lue : {{title}}',
    markUnreadOf: 'Marquer comme non lue : {{title}}',
    markedRead: 'Notification « {{title}} » marquée comme lue.',
    markedUnread: 'Notification « {{title}} » marquée comme non lue.',
    open: 'Voir',
    openOf: 'Voir : {{title}}',
    preferences: 'Préférences de notification',
  },
  preferences: {
    title: 'Préférences de notification',
    intro: 'Choisissez comment vous êtes prévenu(e) de chaque événement.',
    back: 'Retour aux notifications',
    channelsTitle: 'Événements et canaux',
    table: 'Canaux par événement',
    event: 'Événement',
    email: 'E-mail',
    sms: 'SMS',
    inApp: "Dans l'application",
    checkboxOf: '{{event}} : {{channel}}',
    inAppAlways:
      "Les notifications dans l'application sont toujours conservées : vous les retrouvez sous la cloche et sur la page Notifications.",
    smsUnavailable:
      "SMS indisponible : aucun numéro de téléphone n'est connu pour vous. Demandez au secrétariat de l'ajouter à votre fiche.",
    noEvent: "Aucun événement ne vous concerne pour l'instant.",
    quietTitle: 'Heures calmes',
    quietHint: "Pas de SMS ni d'e-mail pendant ces heures (heure de l'école) : ils partent à la fin de la plage.",
    quietStart: 'Début des heures calmes',
    quietEnd: 'Fin des heures calmes',
    timeFormat: 'Heure invalide : format attendu HH:MM.',
    save: 'Enregistrer les préférences',
    saved: 'Vos préférences de notification ont été enregistrées.',
    stale:
      "Vos préférences ont été modifiées entre-temps (dans un autre onglet ou sur un autre appareil) : voici leur état actuel, recommencez votre modification.",
  },
};

const deliveries = {
  title: 'Journal des envois',
  intro: 'Chaque e-mail et chaque SMS envoyé (ou à envoyer) par Volant, avec son état et la raison d’un échec.',
  filterStatus: 'État',
  filterChannel: 'Canal',
  allStatuses: 'Tous les états',
  allChannels: 'Tous les canaux',
  list: 'Envois',
  empty: 'Aucun envoi.',
  createdAt: 'Créé le',
  recipient: 'Destinataire',
  event: 'Événement',
  channel: 'Canal',
  status: 'État',
  reason: 'Raison',
  attempts: 'Tentatives',
  sentAt: 'Envoyé le',
  notBefore: 'pas avant le {{date}}',
  none: '—',
  statuses: {
    sent: 'Envoyé',
    queued: 'En attente',
    failed: 'Échec',
    skipped: 'Ignoré',
  },
  channels: {
    email: 'E-mail',
    sms: 'SMS',
  },
};

const calendarFeed = {
  open: 'Ajouter à mon agenda',
  title: 'Ajouter à mon agenda',
  intro:
    "Abonnez votre agenda (Google Agenda, iPhone, Outlook…) à cette adresse : vos séances s'y affichent et s'y mettent à jour toutes seules.",
  url: 'Adresse de votre planning',
  urlHint: 'Adresse personnelle et secrète : ne la partagez pas.',
  copy: "Copier l'adresse",
  copied: 'Adresse copiée',
  copiedStatus: "L'adresse a été copiée.",
  subscribe: 'Ouvrir dans mon agenda',
  howTitle: 'Comment faire ?',
  google: 'Google Agenda : Autres agendas › « + » › « À partir de l’URL », puis collez l’adresse.',
  iphone: 'iPhone : Réglages › Calendrier › Comptes › Ajouter un compte › Autre › Ajouter un calendrier avec abonnement, puis collez l’adresse.',
  outlook: 'Outlook : Ajouter un calendrier › « S’abonner à partir du web », puis collez l’adresse.',
  delay: 'Votre agenda relit l’adresse de lui-même, en général toutes les quelques heures.',
  rotate: "Changer l'adresse",
  rotateHint: 'Adresse partagée par erreur ? Changez-la : seule la nouvelle fonctionnera.',
  confirmTitle: "Changer l'adresse ?",
  confirmText:
    "L'ancienne adresse cessera aussitôt de fonctionner : les agendas abonnés avec elle ne recevront plus vos séances. Il faudra vous abonner à nouveau avec la nouvelle adresse.",
  confirm: "Changer l'adresse",
  rotated: "L'adresse a été changée : l'ancienne ne fonctionne plus. Abonnez votre agenda à la nouvelle.",
};

export default { notifications, deliveries, calendarFeed };
