import type { ReactNode } from 'react';
import { problemText } from '../api.ts';

/** Loading and failure of a query, said once per page, in words. */
export function QueryState({ isPending, error, empty, children }: { isPending: boolean; error: unknown; empty?: boolean; children?: ReactNode }) {
  if (isPending) return <p className="muted">Loading…</p>;
  if (error) return <ErrorText error={error} />;
  if (empty) return <p className="muted">{children ?? 'Nothing here yet.'}</p>;
  return null;
}

export function ErrorText({ error }: { error: unknown }) {
  return error ? <FormError message={problemText(error)} /> : null;
}

/** An error that belongs to no field (of a form, a dialog or a row), as said. */
export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/** A status word with a colour that is never the only signal (the word is always there). */
export function Badge({ tone, children }: { tone: 'good' | 'bad' | 'wait' | 'plain'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children ? <div className="page-actions">{children}</div> : null}
    </header>
  );
}
