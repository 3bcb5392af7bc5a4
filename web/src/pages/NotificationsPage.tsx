import { Route, Routes } from 'react-router';
import NotFoundPage from './NotFoundPage.tsx';
import { NotificationList } from './notifications/NotificationList.tsx';
import { PreferencesPage } from './notifications/PreferencesPage.tsx';

/** /notifications (the person's notifications) and /notifications/preferences (how they are told), every role. */
export default function NotificationsPage() {
  return (
    <Routes>
      <Route index element={<NotificationList />} />
      <Route path="preferences" element={<PreferencesPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
