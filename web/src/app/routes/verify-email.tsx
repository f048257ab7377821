import { useSearchParams } from 'react-router';
import { VerifyEmailStatus } from '@/features/auth/components/verify-email-status';
import { useDocumentTitle } from '@/hooks/use-document-title';

export function VerifyEmailRoute() {
  useDocumentTitle('Verify your email');
  const [params] = useSearchParams();
  return (
    <div className="narrow">
      <h1>Verify your email address</h1>
      <VerifyEmailStatus token={params.get('token')} />
    </div>
  );
}
