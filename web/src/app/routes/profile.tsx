import { useId, type ReactNode } from 'react';
import { DeleteAccount } from '@/features/profile/components/delete-account';
import { EmailForm } from '@/features/profile/components/email-form';
import { NameForm } from '@/features/profile/components/name-form';
import { PasswordForm } from '@/features/profile/components/password-form';
import { SecurityHistory } from '@/features/profile/components/security-history';
import { SessionsTable } from '@/features/profile/components/sessions-table';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useUser } from '@/lib/auth';

/** A section named by its heading (a "region" landmark). */
function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="card">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function ProfileRoute() {
  useDocumentTitle('Your account');
  const user = useUser();
  if (!user) return null; // ProtectedRoute renders this page for a logged-in user only.
  return (
    <>
      <h1>Your account</h1>
      <p className="lead">{user.full_name ? `${user.full_name}, ${user.email}` : user.email}</p>
      <Section title="Profile">
        <NameForm user={user} />
      </Section>
      <Section title="Email">
        <EmailForm user={user} />
      </Section>
      <Section title="Password">
        <PasswordForm />
      </Section>
      <Section title="Logins">
        <SessionsTable />
      </Section>
      <Section title="Security history">
        <SecurityHistory />
      </Section>
      <Section title="Delete account">
        <DeleteAccount user={user} />
      </Section>
    </>
  );
}
