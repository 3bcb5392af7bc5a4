/** The training contract and its amendments: type, queries, the refresh after a change, the PDF's address. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { contractsKey, documentsKey, studentKey } from '../../api/keys.ts';

export type Contract = ResponseBody<'/api/v1/contracts/{id}', 'get', 200>;
export type Channel = NonNullable<Contract['pending_code']>['channel'];

export function contractPdfUrl(id: string): string {
  return `/api/v1/contracts/${encodeURIComponent(id)}.pdf`;
}

export function useContracts(studentId: string) {
  return useQuery({
    queryKey: contractsKey(studentId),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/contracts', { params: { path: { id: studentId } } })),
  });
}

/** A signature changes the contract, the file (its signature date) and its documents (the signed copy). */
export function useRefreshContracts(studentId: string) {
  const queryClient = useQueryClient();
  return () => {
    for (const queryKey of [contractsKey(studentId), studentKey(studentId), documentsKey(studentId)]) {
      void queryClient.invalidateQueries({ queryKey });
    }
  };
}
