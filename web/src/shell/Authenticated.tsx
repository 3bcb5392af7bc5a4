import { Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../api/session.ts';
import { routesFor, navFor, roleMayUse, type Feature } from '../nav.ts';
import { demoMailsQuery } from '../pages/demoMailsQuery.ts';
import { AppLayout } from './AppLayout.tsx';
import { PageLoader } from './PageLoader.tsx';
import { LoadError } from './LoadError.tsx';
import AccountPage from '../pages/AccountPage.tsx';
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

function Shell({ session }: { session: Session }) {
  const role = session.role;
  const demoMails = useQuery({ ...demoMailsQuery, enabled: roleMayUse(role, 'demoMails') });
  const features = new Set<Feature>();
  if (demoMails.isSuccess) features.add('demoMails');

  const nav = navFor(role, features);
  const routes = routesFor(role);

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
