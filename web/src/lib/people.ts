/** People in pickers: accent-insensitive matching of names, and the label that tells two namesakes apart. */
import type { ComboboxParsedItem, OptionsFilter } from '@mantine/core';
import type { TFunction } from 'i18next';
import type { ResponseBody } from '../api/client.ts';
import { formatCalendarDate } from './format.ts';

type StudentItem = ResponseBody<'/api/v1/students', 'get', 200>['items'][number];
export type StudentStatus = StudentItem['status'];

/** Lower case, without accents ("Éloïse" → "eloise"). */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLocaleLowerCase('fr-FR');
}

/** Whether every word of `search` starts a word of `text`, ignoring case and accents ("elo lef" → "Éloïse Lefèvre"). */
export function matchesWords(text: string, search: string): boolean {
  const words = foldText(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return foldText(search)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .every((w) => words.some((word) => word.startsWith(w)));
}

const isGroup = (item: ComboboxParsedItem): item is Extract<ComboboxParsedItem, { group: unknown }> => 'group' in item;

/** A Mantine filter by word prefixes, ignoring case and accents (for lists held in the page). */
export const foldFilter: OptionsFilter = ({ options, search }) => {
  const out: ComboboxParsedItem[] = [];
  for (const item of options) {
    if (isGroup(item)) {
      const items = item.items.filter((o) => matchesWords(o.label, search));
      if (items.length > 0) out.push({ ...item, items });
    } else if (matchesWords(item.label, search)) {
      out.push(item);
    }
  }
  return out;
};

type Identity = Pick<StudentItem, 'first_name' | 'last_name' | 'birth_date'> & { civility?: StudentItem['civility']; neph?: string | null };

/** "née le 03/05/2007 · NEPH …1234": what tells two namesakes apart. */
export function studentDetails(s: Identity, t: TFunction): string {
  const date = formatCalendarDate(s.birth_date);
  const born =
    s.civility === 'mme' ? t('people.bornOn_f', { date }) : s.civility === 'm' ? t('people.bornOn_m', { date }) : t('people.bornOn', { date });
  const neph = s.neph && s.neph.length >= 4 ? ` · ${t('people.nephEnd', { digits: s.neph.slice(-4) })}` : '';
  return `${born}${neph}`;
}

/** "Éloïse Lefèvre — née le 03/05/2007 · NEPH …1234". */
export function studentLabel(s: Identity, t: TFunction): string {
  return `${s.first_name} ${s.last_name} — ${studentDetails(s, t)}`;
}
