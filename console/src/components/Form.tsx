import type { ReactNode } from 'react';
import { fieldErrors, problemText } from '../api.ts';
import { Dialog } from './Dialog.tsx';
import { FormError } from './Status.tsx';

/** A failed save split for a form: field errors go next to their field, anything else is one sentence. */
export function formErrors(error: unknown): { errors: Record<string, string>; other?: string } {
  const errors = fieldErrors(error);
  return { errors, other: error && Object.keys(errors).length === 0 ? problemText(error) : undefined };
}

/** A dialog with one form: fields, the error of no field, then Cancel and the submit button. */
export function DialogForm({
  title,
  onClose,
  onSubmit,
  error,
  busy,
  submitDisabled,
  submitLabel,
  children,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  error?: string;
  busy: boolean;
  submitDisabled?: boolean;
  submitLabel: ReactNode;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
        noValidate
      >
        {children}
        <FormError message={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || submitDisabled}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A row of list filters: they apply as you type, so submitting does nothing. */
export function Filters({ label, children }: { label: string; children: ReactNode }) {
  return (
    <form className="filters" aria-label={label} onSubmit={(event) => event.preventDefault()}>
      {children}
    </form>
  );
}
