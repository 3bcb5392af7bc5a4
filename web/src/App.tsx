import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { PageLoader } from './shell/PageLoader.tsx';
import { Authenticated } from './shell/Authenticated.tsx';
import LoginPage from './pages/LoginPage.tsx';

const ForgotPasswordPage = lazy(() => import('./pages/ForgotPasswordPage.tsx'));
const ResetPasswordPage = lazy(() => import('./pages/ResetPasswordPage.tsx'));
const InvitationPage = lazy(() => import('./pages/InvitationPage.tsx'));

/** Public pages first; everything else needs a session (see Authenticated). */
export function App() {
  return (
    <Suspense fallback={<PageLoader fullScreen />}>
      <Routes>
        <Route path="/connexion" element={<LoginPage />} />
        <Route path="/mot-de-passe-oublie" element={<ForgotPasswordPage />} />
        <Route path="/reinitialiser" element={<ResetPasswordPage />} />
        <Route path="/invitation" element={<InvitationPage />} />
        <Route path="/*" element={<Authenticated />} />
      </Routes>
    </Suspense>
  );
}
