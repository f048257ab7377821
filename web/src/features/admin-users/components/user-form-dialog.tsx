// The create and edit forms of the users page, in a modal dialog.
import { useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Field } from '@/components/ui/field';
import { FormError } from '@/components/ui/form-error';
import { Modal } from '@/components/ui/modal';
import { useFocusFirstError } from '@/hooks/use-focus-first-error';
import { formErrors, type User } from '@/lib/api-client';
import { checked, text } from '@/utils/form-data';
import { useCreateUser } from '../api/create-user';
import { useUpdateUser, type UpdateUserInput } from '../api/update-user';

const FIELDS = ['email', 'password', 'full_name', 'is_active', 'is_superuser'];

export function CreateUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (user: User) => void }) {
  const create = useCreateUser();
  const form = useRef<HTMLFormElement>(null);
  const errors = formErrors(create.error, FIELDS);
  useFocusFirstError(form, create.error);
  return (
    <Modal title="Create user" onClose={onClose}>
      <form
        ref={form}
        noValidate
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (create.isPending) return;
          const data = new FormData(event.currentTarget);
          const fullName = text(data, 'full_name').trim();
          create.mutate(
            {
              email: text(data, 'email').trim(),
              password: text(data, 'password'),
              ...(fullName ? { full_name: fullName } : {}),
              is_active: checked(data, 'is_active'),
              is_superuser: checked(data, 'is_superuser'),
            },
            { onSuccess: onCreated },
          );
        }}
      >
        <FormError message={errors.formError} />
        <Field label="Email" name="email" type="email" autoComplete="off" required error={errors.fieldErrors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          error={errors.fieldErrors.password}
        />
        <Field label="Full name" name="full_name" autoComplete="off" error={errors.fieldErrors.full_name} />
        <Checkbox label="Active" name="is_active" defaultChecked error={errors.fieldErrors.is_active} />
        <Checkbox label="Superuser" name="is_superuser" error={errors.fieldErrors.is_superuser} />
        <div className="actions">
          <Button type="submit" pending={create.isPending}>
            Create
          </Button>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** Only what changed is sent: a new e-mail or password ends the user's logins, an unchanged one must not. */
function changes(user: User, data: FormData): UpdateUserInput {
  const body: UpdateUserInput = {};
  const fullName = text(data, 'full_name').trim() || null;
  if (fullName !== user.full_name) body.full_name = fullName;
  const email = text(data, 'email').trim();
  if (email !== user.email) body.email = email;
  const password = text(data, 'password');
  if (password !== '') body.password = password;
  const isActive = checked(data, 'is_active');
  if (isActive !== user.is_active) body.is_active = isActive;
  const isSuperuser = checked(data, 'is_superuser');
  if (isSuperuser !== user.is_superuser) body.is_superuser = isSuperuser;
  return body;
}

export function EditUserDialog({
  user,
  onClose,
  onSaved,
}: {
  user: User;
  onClose: () => void;
  onSaved: (user: User) => void;
}) {
  const update = useUpdateUser();
  const form = useRef<HTMLFormElement>(null);
  const errors = formErrors(update.error, FIELDS);
  useFocusFirstError(form, update.error);
  return (
    <Modal title={`Edit ${user.email}`} onClose={onClose}>
      <form
        ref={form}
        noValidate
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (update.isPending) return;
          update.mutate({ id: user.id, body: changes(user, new FormData(event.currentTarget)) }, { onSuccess: onSaved });
        }}
      >
        <FormError message={errors.formError} />
        <Field
          label="Full name"
          name="full_name"
          autoComplete="off"
          defaultValue={user.full_name ?? ''}
          error={errors.fieldErrors.full_name}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          required
          defaultValue={user.email}
          error={errors.fieldErrors.email}
        />
        <Field
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          error={errors.fieldErrors.password}
          hint="Leave empty to keep the current password. A new one ends the user's logins."
        />
        <Checkbox label="Active" name="is_active" defaultChecked={user.is_active} error={errors.fieldErrors.is_active} />
        <Checkbox
          label="Superuser"
          name="is_superuser"
          defaultChecked={user.is_superuser}
          error={errors.fieldErrors.is_superuser}
        />
        <div className="actions">
          <Button type="submit" pending={update.isPending}>
            Save
          </Button>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
        </div>
      </form>
    </Modal>
  );
}
