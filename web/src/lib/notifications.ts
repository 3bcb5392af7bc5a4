/**
 * The person's notifications, shared by the bell of the shell and the "Notifications" page: the unread count (polled),
 * marking one read or unread, marking all read. Every change refreshes whatever lives under NOTIFICATIONS_KEY (the
 * count, the bell's list, the page's lists).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Notification } from '../api/client.ts';
import { LATEST_NOTIFICATIONS_KEY, NOTIFICATIONS_KEY, UNREAD_COUNT_KEY } from '../api/keys.ts';
import { notifyError } from './notify.ts';

export const NOTIFICATIONS_PATH = '/notifications';
export const PREFERENCES_PATH = '/notifications/preferences';

/** Every event a person may be told about (their French names are under `notifications.events`). */
export const NOTIFICATION_EVENTS = [
  'lesson_created',
  'lesson_moved',
  'lesson_cancelled',
  'lesson_reminder',
  'low_credit',
  'exam_booked',
  'exam_result',
  'student_eligible',
  'change_request_decided',
  'invoice_issued',
  'payment_received',
  'document_expiring',
  'waitlist_offer',
  'waitlist_taken',
  'prospect_registered',
] as const;
export type KnownEvent = (typeof NOTIFICATION_EVENTS)[number];

export function isKnownEvent(event: string): event is KnownEvent {
  return (NOTIFICATION_EVENTS as readonly string[]).includes(event);
}

/** "Séance déplacée" for `lesson_moved`; an event this version does not know yet keeps its name. */
export function eventLabel(event: string, t: TFunction): string {
  return isKnownEvent(event) ? t(`notifications.events.${event}`) : event;
}

/** How often the bell asks for the unread count (also on window focus). */
export const UNREAD_POLL_MS = 60_000;
/** How many notifications the bell lists. */
export const LATEST_COUNT = 10;

export function useUnreadCount() {
  return useQuery({
    queryKey: UNREAD_COUNT_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/notifications/unread-count')),
    select: (answer) => answer.count,
    staleTime: 0,
    refetchInterval: UNREAD_POLL_MS,
    refetchOnWindowFocus: 'always',
  });
}

/** The bell's list: the latest notifications, read again each time the bell opens. */
export function useLatestNotifications(enabled: boolean) {
  return useQuery({
    queryKey: LATEST_NOTIFICATIONS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: LATEST_COUNT } } })),
    select: (page) => page.items,
    staleTime: 0,
    enabled,
  });
}

export function isUnread(notification: Notification): boolean {
  return notification.read_at === null || notification.read_at === undefined;
}

/** The app path a notification points to, or null: only a path of this app is followed, never another site. */
export function notificationPath(link: string | null | undefined): string | null {
  if (typeof link !== 'string' || !link.startsWith('/') || link.startsWith('//') || link.startsWith('/\\')) return null;
  return link;
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
}

/** PATCH one notification `{read}`; the lists and the count follow. */
export function useSetRead() {
  const { t } = useTranslation();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, read }: { id: string; read: boolean }) =>
      unwrap(api.PATCH('/api/v1/notifications/{id}', { params: { path: { id } }, body: { read } })),
    onError: (error) => notifyError(error, t),
    onSettled: refresh,
  });
}

/** POST read-all; the lists and the count follow. */
export function useReadAll() {
  const { t } = useTranslation();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all')),
    onError: (error) => notifyError(error, t),
    onSettled: refresh,
  });
}
