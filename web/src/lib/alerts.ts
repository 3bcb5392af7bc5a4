/**
 * The office's alerts (GET /alerts) as the home page shows them: by severity, each with links to what it is about.
 */
import type { ResponseBody } from '../api/client.ts';

export type Alert = ResponseBody<'/api/v1/alerts', 'get', 200>['items'][number];
export type Severity = Alert['severity'];

export const SEVERITIES: readonly Severity[] = ['danger', 'warning', 'info'];

export const SEVERITY_COLOR: Record<Severity, string> = { danger: 'red.8', warning: 'orange.9', info: 'blue.8' };

/** The alerts by severity, most urgent first, keeping the server's order within each (by due date). */
export function groupAlerts<A extends Pick<Alert, 'severity'>>(alerts: readonly A[]): { severity: Severity; items: A[] }[] {
  return SEVERITIES.map((severity) => ({ severity, items: alerts.filter((a) => a.severity === severity) })).filter((g) => g.items.length > 0);
}

/** The tab of the student's page an alert is about (see StudentDetail's tabs). */
const STUDENT_TAB: Partial<Record<string, string>> = {
  theory_expiring: 'examens',
  eligible_without_place: 'examens',
  low_hours: 'heures',
  documents: 'documents',
  cpf_stuck: 'facturation',
};

export type AlertTarget = { kind: 'student' | 'instructor' | 'vehicles' | 'places' | 'connectors' | 'livret'; to: string };

/**
 * Where an alert leads (the routes of nav.ts: /eleves/:id, /moniteurs/:id, /vehicules, /examens, and /connecteurs for
 * an ADMIN, the only one who may open it). An ANTS dossier stopped (`ants_incomplete`, `ants_rejected`) leads to the
 * file's Dossier tab, where its card is.
 */
export function alertTargets(alert: Pick<Alert, 'code' | 'student_id' | 'instructor_id' | 'vehicle_id'>, { admin = false }: { admin?: boolean } = {}): AlertTarget[] {
  const out: AlertTarget[] = [];
  if (alert.student_id) {
    const tab = STUDENT_TAB[alert.code];
    out.push({ kind: 'student', to: `/eleves/${alert.student_id}${tab ? `?onglet=${tab}` : ''}` });
  }
  if (alert.instructor_id) out.push({ kind: 'instructor', to: `/moniteurs/${alert.instructor_id}` });
  if (alert.vehicle_id) out.push({ kind: 'vehicles', to: '/vehicules' });
  if (alert.code === 'eligible_without_place') out.push({ kind: 'places', to: '/examens?onglet=places' });
  if (alert.code === 'connector_failing' && admin) out.push({ kind: 'connectors', to: '/connecteurs' });
  if (alert.code === 'livret_at_risk') out.push({ kind: 'livret', to: '/livret-numerique' });
  return out;
}
