// The one canonical form of an e-mail address, for every comparison the service makes: account lookups (SQL compares
// it with lower(email), and stored addresses are ASCII, where lower() and toLowerCase() agree), the login guard's
// key for addresses that name no account, and "is this the same address" checks. SQL never folds the typed input
// itself: Postgres's lower() depends on the database's locale (İ, K) while this does not.
export function canonicalEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export function sameEmail(a: string, b: string): boolean {
  return canonicalEmail(a) === canonicalEmail(b);
}
