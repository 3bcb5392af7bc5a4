import { Route, Routes, useParams } from 'react-router';
import { useCurrentSession } from '../api/session.ts';
import NotFoundPage from './NotFoundPage.tsx';
import { StudentDetail } from './students/StudentDetail.tsx';
import { NewStudent } from './students/StudentForm.tsx';
import { StudentList } from './students/StudentList.tsx';

/**
 * /eleves (ADMIN, SECRETARY) and /mes-eleves (INSTRUCTOR: the same list, limited by the server to the students
 * they teach): the list, /nouveau (office), /:id (the file with its tabs).
 */
export default function StudentsPage() {
  const { role } = useCurrentSession();
  const office = role === 'ADMIN' || role === 'SECRETARY';
  const base = office ? '/eleves' : '/mes-eleves';
  return (
    <Routes>
      <Route index element={<StudentList base={base} />} />
      <Route path="nouveau" element={office ? <NewStudent base={base} /> : <NotFoundPage />} />
      <Route path=":id" element={<StudentById base={base} />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function StudentById({ base }: { base: string }) {
  const { id = '' } = useParams();
  return <StudentDetail key={id} id={id} base={base} />;
}
