// Gitea's checks on a new repository's name: the API binding (Required, AlphaDashDot,
// MaxSize(100)) answers with go-chi's error list; reserved names and patterns come later from
// the repo service, as one message.

export type NameProblem = { binding: { classification: string; message: string } } | { message: string };

const RESERVED = new Set(['.', '..', '-']);
const RESERVED_PATTERNS = ['*.wiki', '*.git', '*.rss', '*.atom'];

export function repoNameProblem(name: unknown): NameProblem | null {
  if (typeof name !== 'string' || name === '') return { binding: { classification: 'RequiredError', message: 'Required' } };
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return { binding: { classification: 'AlphaDashDotError', message: 'AlphaDashDot' } };
  if (name.length > 100) return { binding: { classification: 'MaxSizeError', message: 'MaxSize' } };
  if (RESERVED.has(name)) return { message: `name is reserved [name: ${name}]` };
  const pattern = RESERVED_PATTERNS.find((p) => name.toLowerCase().endsWith(p.slice(1)));
  if (pattern) return { message: `name pattern is not allowed [pattern: ${pattern}]` };
  return null;
}
