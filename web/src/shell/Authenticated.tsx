import { Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession } from '../api/session.ts';
import { routesFor, navFor, roleMayUse, type Feature } from '../nav.ts';
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
  // The server says whether the demo's mailbox exists (a local profile): no request to find out.
  const features = new Set<Feature>();
  if (session.demo_mails && roleMayUse(role, 'demoMails')) features.add('demoMails');

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
