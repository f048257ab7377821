// A text input with its visible label; its error (when any) is linked by aria-describedby and marks it
// aria-invalid, so a screen reader reads the message with the field.
import { useId, type ComponentProps, type ReactNode } from 'react';

export interface FieldProps extends Omit<ComponentProps<'input'>, 'id' | 'name'> {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: ReactNode;
}

export function Field({ label, name, error, hint, type = 'text', className, ...input }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
