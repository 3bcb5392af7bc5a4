import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de, que } from './elision.ts';
import fr from './fr.ts';

export const defaultNS = 'translation';
export const resources = { fr: { translation: fr } } as const;

void i18n.use(initReactI18next).init({
  lng: 'fr',
  fallbackLng: 'fr',
  resources,
  defaultNS,
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes already
  returnNull: false,
});

// French elision in the strings: "Le dossier {{name, de}}" → "Le dossier d'Inès…" / "Le dossier de Paul…".
i18n.services.formatter?.add('de', (value: unknown) => de(String(value)));
i18n.services.formatter?.add('que', (value: unknown) => que(String(value)));

export default i18n;
