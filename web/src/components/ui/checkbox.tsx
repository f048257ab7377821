// A checkbox with its visible label beside it.
import { useId, type ComponentProps } from 'react';

export interface CheckboxProps extends Omit<ComponentProps<'input'>, 'id' | 'name' | 'type'> {
  label: string;
  name: string;
  error?: string | undefined;
}

export function Checkbox({ label, name, error, ...input }: CheckboxProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="checkbox">
      <input
        id={id}
        name={name}
        type="checkbox"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...input}
      />
      <label htmlFor={id}>{label}</label>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
