/**
 * Billing: types (derived from the operations, like api/client.ts), queries, the refresh after a change, and the card
 * payment's redirect to the provider's page.
 */
import { useCallback, useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import {
  ALERTS_KEY,
  STUDENT_LISTS_KEY,
  accountKey,
  eligibilityKey,
  historyKey,
  hoursKey,
  invoiceListKey,
  paymentListKey,
  productListKey,
  studentBillingKey,
  studentKey,
} from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';
import { notifyError } from '../../lib/notify.ts';
import { useCursorList } from '../../lib/useCursorList.ts';

export type Product = ResponseBody<'/api/v1/products/{id}', 'get', 200>;
export type ProductKind = Product['kind'];
/** An invoice or a credit note. */
export type Invoice = ResponseBody<'/api/v1/invoices/{id}', 'get', 200>;
export type InvoiceKind = Invoice['kind'];
export type InvoiceLine = Invoice['lines'][number];
export type Customer = Invoice['customer'];
export type Payment = ResponseBody<'/api/v1/payments', 'get', 200>['items'][number];
export type PaymentMethod = Payment['method'];
export type Account = ResponseBody<'/api/v1/students/{id}/account', 'get', 200>;
export type Checkout = ResponseBody<'/api/v1/invoices/{id}/checkout', 'post', 201>;

export const PRODUCT_KINDS: readonly ProductKind[] = [
  'hours_package',
  'lesson',
  'registration',
  'start_evaluation',
  'exam_accompaniment',
  'code_pack',
  'other',
];
/** Kinds that credit driving time: their products say how much per unit. */
export const TIMED_KINDS: readonly ProductKind[] = ['hours_package', 'lesson'];
/** The VAT rates the server accepts, in basis points; 20 % for driving lessons (even paid through CPF). */
export const VAT_RATES = [2000, 1000, 550, 210, 0] as const;
export const DEFAULT_VAT_BP = 2000;
/** The ways of paying at the desk, in the order of the select. */
export const DESK_METHODS: readonly PaymentMethod[] = ['cash', 'cheque', 'transfer', 'cpf', 'card', 'other'];
/** The lists of a student's file load this many at a time. */
const PAGE = 50;

/** The catalogue (not paged): `active` true for the products on sale only. */
export function useProducts(active: boolean | null = null) {
  return useQuery({
    queryKey: productListKey(active),
    queryFn: () => unwrap(api.GET('/api/v1/products', { params: { query: active === null ? {} : { active } } })),
  });
}

export function useAccount(studentId: string) {
  return useQuery({
    queryKey: accountKey(studentId),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/account', { params: { path: { id: studentId } } })),
  });
}

/** A student's invoices and credit notes, newest first. */
export function useStudentInvoices(studentId: string) {
  return useCursorList(invoiceListKey(studentId), (cursor) =>
    unwrap(api.GET('/api/v1/invoices', { params: { query: { student_id: studentId, limit: PAGE, cursor } } })),
  );
}

/** A student's payments, newest first. */
export function useStudentPayments(studentId: string) {
  return useCursorList(paymentListKey(studentId), (cursor) =>
    unwrap(api.GET('/api/v1/payments', { params: { query: { student_id: studentId, limit: PAGE, cursor } } })),
  );
}

/** The invoice's PDF (a plain GET with the session cookie: usable as a link). */
export function invoicePdfUrl(invoiceId: string): string {
  return `/api/v1/invoices/${encodeURIComponent(invoiceId)}.pdf`;
}

/**
 * What a sale, a payment, a credit note or a schedule changes: the student's account, invoices and payments, their
 * hours (a sale credits them), their file (remaining and bookable hours), the lists, the eligibility (the balance
 * rule) and the alerts.
 */
export function useRefreshStudentBilling(studentId: string) {
  const queryClient = useQueryClient();
  return useCallback(() => {
    for (const queryKey of [
      studentBillingKey(studentId),
      hoursKey(studentId),
      studentKey(studentId),
      STUDENT_LISTS_KEY,
      historyKey(studentId),
      eligibilityKey(studentId),
      ALERTS_KEY,
    ]) {
      void queryClient.invalidateQueries({ queryKey });
    }
  }, [queryClient, studentId]);
}

/** The page the browser leaves for (a seam for the tests: jsdom cannot navigate away). */
export const browser = {
  leaveFor(url: string): void {
    window.location.assign(url);
  },
};

/**
 * "Payer par carte": opens the provider's payment page for what remains due. The page sends the payer back to the
 * student's file (office) or to "Mes factures" (student) with `paiement=ok` or `paiement=annule`.
 */
export function useCheckout() {
  const { t } = useTranslation();
  const mutation = useMutation({
    mutationFn: (invoiceId: string) => unwrap(api.POST('/api/v1/invoices/{id}/checkout', { params: { path: { id: invoiceId } } })),
    onSuccess: (checkout) => browser.leaveFor(checkout.redirect_url),
    onError: (error) => notifyError(error, t),
  });
  return {
    start: (invoiceId: string) => mutation.mutate(invoiceId),
    /** The invoice whose page is being opened (until the browser leaves). */
    pendingFor: mutation.isPending || mutation.isSuccess ? mutation.variables : undefined,
  };
}

/** The first refusing rule of a 422 (`forbidden_fee`, `overpayment`…), with its French message. */
export function refusedRule(error: unknown): { code: string; message: string } | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const first = error.problem.rules?.[0];
  if (typeof first !== 'object' || first === null) return null;
  const code = 'code' in first && typeof first.code === 'string' ? first.code : null;
  const message = 'message' in first && typeof first.message === 'string' ? first.message : (error.problem.detail ?? '');
  return code === null ? null : { code, message };
}

export type PaymentReturn = 'ok' | 'annule';
const RETURN_PARAM = 'paiement';
/** How long, after coming back from the payment page, the figures are read again while something is still due. */
const RETURN_POLL_MS = 30_000;
const POLL_EVERY_MS = 2_000;

/**
 * Back from the provider's payment page (`?paiement=ok` or `annule`): which, a way to dismiss the notice (the
 * parameter leaves the address), and whether the payment may still be on its way (its webhook may arrive a moment
 * after the payer).
 */
export function usePaymentReturn() {
  const [params, setParams] = useSearchParams();
  const raw = params.get(RETURN_PARAM);
  const status: PaymentReturn | null = raw === 'ok' || raw === 'annule' ? raw : null;
  const [waiting, setWaiting] = useState(status === 'ok');
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setWaiting(false), RETURN_POLL_MS);
    return () => clearTimeout(timer);
  }, [waiting]);
  const dismiss = useCallback(() => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete(RETURN_PARAM);
        return next;
      },
      { replace: true },
    );
  }, [setParams]);
  return { status, dismiss, waiting };
}

/** Calls `poll` every 2 s while `active`. */
export function usePollWhile(active: boolean, poll: () => void) {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(poll, POLL_EVERY_MS);
    return () => clearInterval(timer);
  }, [active, poll]);
}
