import { Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { SECOND_FACTOR_DUE_KEY } from '../api/keys.ts';
import { useSession } from '../api/session.ts';
import { routesFor, navFor, roleMayUse, type Feature } from '../nav.ts';
import { AppLayout } from './AppLayout.tsx';
import { PageLoader } from './PageLoader.tsx';
import { LoadError } from './LoadError.tsx';
import AccountPage from '../pages/AccountPage.tsx';
import { ACCOUNT_PATH, SECOND_FACTOR_REQUIRED_PARAM } from '../pages/account/requirement.ts';
import NotFoundPage from '../pages/NotFoundPage.tsx';
import type { Session } from '../api/client.ts';

/** GET /me decides: no session → /connexion (coming back here after login). */
export function Authenticated() {
  const location = useLocation();
  const { data: session, isPending, isError, error, refetch } = useSession();

  if (isPending) return <PageLoader fullScreen />;
  if (isError) return <LoadError error={error} onRetry={() => void refetch()} fullScreen />;
  if (session === null) {
    const back = location.pathname + location.search;
    const target = back === '/' ? '/connexion' : `/connexion?retour=${encodeURIComponent(back)}`;
    return <Navigate to={target} replace />;
  }
  return <Shell session={session} />;
}

/** The school requires 2FA and this session has none: every page but "Mon compte" waits until it is on. */
function useSecondFactorDue(): boolean {
  const { data } = useQuery({ queryKey: SECOND_FACTOR_DUE_KEY, queryFn: () => false, enabled: false, initialData: false });
  return data;
}

function Shell({ session }: { session: Session }) {
  const location = useLocation();
  const secondFactorDue = useSecondFactorDue();
  const role = session.role;
  // The server says whether the demo's mailbox exists (a local profile): no request to find out.
  const features = new Set<Feature>();
  if (session.demo_mails && roleMayUse(role, 'demoMails')) features.add('demoMails');

  const nav = navFor(role, features);
  const routes = routesFor(role);

  if (secondFactorDue && location.pathname !== ACCOUNT_PATH) {
    return <Navigate to={`${ACCOUNT_PATH}?${SECOND_FACTOR_REQUIRED_PARAM}`} replace />;
  }
  return (
    <AppLayout session={session} nav={nav}>
      <Suspense fallback={<PageLoader />}>
        <Routes>
          {routes.map(({ path, page: Page, nested }) =>
            path === '/' ? (
              <Route key={path} index element={<Page />} />
            ) : (
              <Route key={path} path={nested ? `${path.slice(1)}/*` : path.slice(1)} element={<Page />} />
            ),
          )}
          <Route path="mon-compte" element={<AccountPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </AppLayout>
  );
}
