/** A quoted identifier, as PostgreSQL's quote_ident would write it for any name. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A string literal, standard_conforming_strings on (PostgreSQL's default). */
export const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
