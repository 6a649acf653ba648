import type { QueryKey } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { problemText } from '../api.ts';
import { useInvalidatingMutation } from './mutation.ts';
import { FormError } from './Status.tsx';

/**
 * A modal dialog on the native <dialog> (focus moves in, Escape closes, the page behind is inert).
 * Rendered only while open: the parent decides with a condition.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** "Are you sure?" with what happens, in words; the confirming button names the action. */
export function Confirm({
  title,
  children,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog-body">{children}</div>
      <FormError message={error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

/** A Confirm whose button runs one request, refreshes the lists it changed and closes; a failure stays in the dialog. */
export function ConfirmAction({
  title,
  confirmLabel,
  invalidates,
  action,
  onClose,
  children,
}: {
  title: string;
  confirmLabel: string;
  invalidates: readonly QueryKey[];
  action: () => Promise<unknown>;
  onClose: () => void;
  children: ReactNode;
}) {
  const run = useInvalidatingMutation(invalidates, action, onClose);
  return (
    <Confirm title={title} confirmLabel={confirmLabel} busy={run.isPending} error={run.error ? problemText(run.error) : undefined} onConfirm={() => run.mutate()} onClose={onClose}>
      {children}
    </Confirm>
  );
}
