import { useEffect, useRef, type RefObject } from 'react';
import { useLocation } from 'react-router';

/**
 * Focus on route change: the page's heading takes the focus once per path (after login, a menu link, opening a
 * student file), so that a screen reader announces the new page and the keyboard goes on from there.
 */

/** The path whose heading last took the focus (null: none yet in this session of the app's shell). */
let focusedPath: string | null = null;

/** Called when the app's shell appears (after login): the first page's heading takes the focus again. */
export function resetPageFocus(): void {
  focusedPath = null;
}

/** Whether the user is busy with something a heading must not take the focus from (a field, a dialog, a menu). */
function userIsBusy(active: Element | null): boolean {
  if (!active || active === document.body) return false;
  if (active.closest('[role="dialog"], [role="alertdialog"], [role="menu"]')) return true;
  return active.matches('input, textarea, select, [contenteditable="true"]');
}

/** Focuses `heading` if the path changed since a heading last took the focus, and the user is not busy elsewhere. */
export function focusHeadingOnRouteChange(pathname: string, heading: HTMLElement | null): void {
  if (focusedPath === pathname) return;
  focusedPath = pathname;
  if (heading && !userIsBusy(document.activeElement)) heading.focus({ preventScroll: true });
}

/** A ref for the page's <h1> (give it `tabIndex={-1}`): it takes the focus when the route's path changes. */
export function useHeadingFocus<T extends HTMLElement = HTMLHeadingElement>(): RefObject<T | null> {
  const { pathname } = useLocation();
  const ref = useRef<T>(null);
  useEffect(() => focusHeadingOnRouteChange(pathname, ref.current), [pathname]);
  return ref;
}
