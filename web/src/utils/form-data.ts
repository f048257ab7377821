/** A text field of a submitted form ('' when absent). */
export function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

/** A checkbox of a submitted form. */
export function checked(data: FormData, name: string): boolean {
  return data.get(name) !== null;
}
