/**
 * The connectors to the State platforms (ANTS): types, the list, the settings saved, the connection tested and the
 * exchange log (ADMIN; the office reads the list).
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import { CONNECTOR_LIST_KEY, connectorEventsKey } from '../../api/keys.ts';
import type { components } from '../../api/schema';
import { useCursorList } from '../../lib/useCursorList.ts';

export type ConnectorView = components['schemas']['ConnectorView'];
export type ConnectorName = ConnectorView['name'];
export type ConnectorStatus = ConnectorView['status'];
export type Connectors = components['schemas']['Connectors'];
/** `client_secret` is write-only: omitted, the stored one is kept; `""` removes it. */
export type ConnectorInput = components['schemas']['ConnectorInput'];
export type ConnectorTest = components['schemas']['ConnectorTest'];
export type ConnectorEvent = components['schemas']['ConnectorEvent'];

export const EVENTS_PAGE_SIZE = 20;
export const OPERATIONS = ['token', 'check', 'submit', 'resubmit', 'sync', 'authorize', 'refresh', 'livret'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const STATUS_COLOR: Record<ConnectorStatus, string> = { connected: 'teal', failing: 'red', not_configured: 'gray' };

/** Where the admin's browser goes to grant a platform access through OAuth (its consent page, then back here). */
export function authorizeUrl(name: ConnectorName): string {
  return `/api/v1/connectors/${encodeURIComponent(name)}/authorize`;
}

/** What the platform's consent came back with (`/connecteurs?rdvpermis=connected`). */
export const OAUTH_OUTCOMES = ['connected', 'refused', 'expired', 'failed'] as const;
export type OAuthOutcome = (typeof OAUTH_OUTCOMES)[number];

export function isOAuthOutcome(value: string | null): value is OAuthOutcome {
  return value !== null && (OAUTH_OUTCOMES as readonly string[]).includes(value);
}

export function isOperation(value: string): value is Operation {
  return (OPERATIONS as readonly string[]).includes(value);
}

export function useConnectors() {
  return useQuery({
    queryKey: CONNECTOR_LIST_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/connectors')),
  });
}

export function saveConnector(name: ConnectorName, body: ConnectorInput): Promise<ConnectorView> {
  return unwrap(api.PUT('/api/v1/connectors/{name}', { params: { path: { name } }, body }));
}

export function testConnector(name: ConnectorName): Promise<ConnectorTest> {
  return unwrap(api.POST('/api/v1/connectors/{name}/test', { params: { path: { name } } }));
}

/** The exchanges with a platform, newest first, page after page ("Afficher plus"). */
export function useConnectorEvents(name: ConnectorName) {
  return useCursorList(connectorEventsKey(name), (cursor) =>
    unwrap(
      api.GET('/api/v1/connectors/{name}/events', {
        params: { path: { name }, query: { limit: EVENTS_PAGE_SIZE, ...(cursor !== undefined ? { cursor } : {}) } },
      }),
    ),
  );
}

export interface ConnectorValues {
  base_url: string;
  client_id: string;
  /** Empty: the stored secret is kept. */
  client_secret: string;
  /** Removes the stored secret (sends `""`). */
  remove_secret: boolean;
}

export function connectorValues(connector: ConnectorView): ConnectorValues {
  return { base_url: connector.base_url ?? '', client_id: connector.client_id ?? '', client_secret: '', remove_secret: false };
}

/**
 * The body of the settings form: the secret only when one is typed (or `""` to remove it), never echoed back; the
 * version read once the connector is configured.
 */
export function connectorBody(values: ConnectorValues, version: number | null | undefined): ConnectorInput {
  // The secret is sent as typed (spaces only count as nothing typed).
  const secret = values.client_secret.trim() === '' ? '' : values.client_secret;
  const clientId = values.client_id.trim();
  return {
    base_url: values.base_url.trim(),
    client_id: clientId === '' ? null : clientId,
    ...(secret !== '' ? { client_secret: secret } : values.remove_secret ? { client_secret: '' } : {}),
    ...(version !== null && version !== undefined ? { version } : {}),
  };
}
