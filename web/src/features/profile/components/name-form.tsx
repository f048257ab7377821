import { useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { StatusMessage } from '@/components/ui/status-message';
import { useFocusFirstError } from '@/hooks/use-focus-first-error';
import { formErrors, type User } from '@/lib/api-client';
import { text } from '@/utils/form-data';
import { useUpdateMe } from '../api/update-me';

export function NameForm({ user }: { user: User }) {
  const update = useUpdateMe();
  const form = useRef<HTMLFormElement>(null);
  const errors = formErrors(update.error, ['full_name']);
  useFocusFirstError(form, update.error);
  return (
    <form
      ref={form}
      noValidate
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (update.isPending) return;
        const fullName = text(new FormData(event.currentTarget), 'full_name').trim();
        update.mutate({ full_name: fullName === '' ? null : fullName });
      }}
    >
      <FormError message={errors.formError} />
      <Field
        label="Full name"
        name="full_name"
        autoComplete="name"
        defaultValue={user.full_name ?? ''}
        error={errors.fieldErrors.full_name}
      />
      <div className="actions">
        <Button type="submit" pending={update.isPending}>
          Save
        </Button>
      </div>
      <StatusMessage>{update.isSuccess ? <p>Your name has been saved.</p> : null}</StatusMessage>
    </form>
  );
}
