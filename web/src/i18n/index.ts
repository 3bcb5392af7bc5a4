import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
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

export default i18n;
