import { useMediaQuery } from '@mantine/hooks';

const PHONE_QUERY = '(max-width: 48em)';

/**
 * A phone-sized screen: dialogs and drawers take the whole screen, tables become cards. Read during the first render
 * (not in an effect), so that a dialog does not open small and then jump to full screen.
 */
export function usePhone(): boolean {
  return useMediaQuery(PHONE_QUERY, undefined, { getInitialValueInEffect: false });
}
