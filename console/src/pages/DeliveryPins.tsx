import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, fieldErrors, LobbyProblem, ok, problemText, type Schemas } from '../api.ts';
import { ConfirmAction, Dialog } from '../components/Dialog.tsx';
import { Field } from '../components/Field.tsx';
import { DialogForm } from '../components/Form.tsx';
import { CrossIcon, PenIcon } from '../components/Icons.tsx';
import { DataTable, ListView, useList } from '../components/list.tsx';
import { useInvalidatingMutation } from '../components/mutation.ts';
import { scheduleText, WEEKDAYS, type Weekday, dayName } from '../components/format.ts';
import { usePlace } from '../components/place.tsx';
import { Badge, ErrorText, PageHeader } from '../components/Status.tsx';

type Pin = Schemas['DeliveryPin'];
type Schedule = NonNullable<Pin['schedule']>;

/**
 * Delivery Authorizations (seed 000): door PINs for carriers. New -> description, PIN, optional
 * schedule -> Save; the pen in Actions changes the PIN, the X deletes it after a confirmation.
 * The list shows only the last two digits; Reveal asks the API (which records it in the audit trail).
 */
export default function DeliveryPins() {
  const { propertyId } = usePlace();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Pin | undefined>();
  const [deleting, setDeleting] = useState<Pin | undefined>();
  const list = useList(['delivery-pins', propertyId], async (cursor) =>
    ok(await api().GET('/properties/{propertyId}/delivery-pins', { params: { path: { propertyId }, query: { limit: 100, cursor } } })),
  );
  const property = useQuery({
    queryKey: ['property', propertyId],
    queryFn: async () => ok(await api().GET('/properties/{propertyId}', { params: { path: { propertyId } } })),
  });
  const codeLength = property.data?.settings.codeLength ?? 6;

  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Delivery Authorizations">
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New Delivery Authorization
        </button>
      </PageHeader>
      <p className="muted">
        Door PINs for carriers who come often (UPS, USPS, FedEx). Tell the carrier their PIN; they press Delivery at the intercom and enter it.
        {property.data ? ` Schedules are in the property's time zone (${property.data.timezone}).` : ''}
      </p>
      <ListView list={list} count={list.items.length} empty="No delivery PINs yet.">
        <DataTable columns={['Description', 'PIN', 'Schedule', 'On the doors', 'Actions']}>
          {list.items.map((pin) => (
            <tr key={pin.id} data-pin-id={pin.id}>
              <td>{pin.description}</td>
              <td>
                <PinCell key={pin.updatedAt} pin={pin} />
              </td>
              <td>{scheduleText(pin.schedule)}</td>
              <td>
                <SyncCell pinId={pin.id} />
              </td>
              <td className="row-actions">
                <button type="button" className="icon" aria-label={`Change the PIN of ${pin.description}`} title="Change PIN" onClick={() => setEditing(pin)}>
                  <PenIcon />
                </button>
                <button type="button" className="icon danger" aria-label={`Delete ${pin.description}`} title="Delete" onClick={() => setDeleting(pin)}>
                  <CrossIcon />
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListView>
      {creating ? <PinForm codeLength={codeLength} onClose={() => setCreating(false)} /> : null}
      {editing ? <PinForm codeLength={codeLength} editing={editing} onClose={() => setEditing(undefined)} /> : null}
      {deleting ? <DeletePin pin={deleting} onClose={() => setDeleting(undefined)} /> : null}
    </section>
  );
}

/** The masked PIN; Reveal shows the whole PIN (recorded in the audit trail) until Hide. */
function PinCell({ pin }: { pin: Pin }) {
  const { propertyId } = usePlace();
  const [shown, setShown] = useState<string | undefined>();
  const reveal = useMutation({
    mutationFn: async () => ok(await api().POST('/properties/{propertyId}/delivery-pins/{pinId}/reveal', { params: { path: { propertyId, pinId: pin.id } } })).pin,
    onSuccess: setShown,
  });
  return (
    <span className="pin-cell">
      <code className="pin">{shown ?? pin.pinHint}</code>{' '}
      {shown ? (
        <button type="button" className="link" onClick={() => setShown(undefined)}>
          Hide
        </button>
      ) : (
        <button type="button" className="link" onClick={() => reveal.mutate()} disabled={reveal.isPending} title="Shows the whole PIN; recorded in the audit trail">
          Reveal<span className="visually-hidden"> the PIN of {pin.description}</span>
        </button>
      )}
      {reveal.error ? <ErrorText error={reveal.error} /> : null}
    </span>
  );
}

const SYNC_WORDS: Record<Schemas['CredentialSync']['state'], { text: string; tone: 'good' | 'wait' | 'plain' }> = {
  set: { text: 'On the doors', tone: 'good' },
  setting: { text: 'Being set on the doors', tone: 'wait' },
  removing: { text: 'Being removed', tone: 'wait' },
  removed: { text: 'Removed', tone: 'plain' },
};

/** "Is it on the doors yet?": the PIN's sync (GET .../delivery-pins/{id}), polled until every panel has it. */
function SyncCell({ pinId }: { pinId: string }) {
  const { propertyId } = usePlace();
  const sync = useQuery({
    queryKey: ['delivery-pin', propertyId, pinId],
    queryFn: async () => ok(await api().GET('/properties/{propertyId}/delivery-pins/{pinId}', { params: { path: { propertyId, pinId } } })).sync,
    refetchInterval: (query) => (query.state.data?.state === 'set' ? 30_000 : 2_000),
  });
  if (!sync.data) return <span className="muted">{sync.error ? problemText(sync.error) : '…'}</span>;
  const words = SYNC_WORDS[sync.data.state];
  const panels = sync.data.panels;
  const offline = panels.filter((p) => p.state === 'offline').length;
  const set = panels.filter((p) => p.state === 'set').length;
  return (
    <span data-sync={sync.data.state}>
      <Badge tone={words.tone}>{words.text}</Badge>
      {panels.length > 0 ? (
        <span className="muted small">
          {' '}
          {set} of {panels.length} panel{panels.length === 1 ? '' : 's'}
          {offline ? `, ${offline} offline` : ''}
        </span>
      ) : null}
    </span>
  );
}

/** New Delivery Authorization, or the pen's Change PIN (with the description and schedule). */
function PinForm({ codeLength, editing, onClose }: { codeLength: number; editing?: Pin; onClose: () => void }) {
  const { propertyId } = usePlace();
  const [description, setDescription] = useState(editing?.description ?? '');
  const [pin, setPin] = useState('');
  const [limited, setLimited] = useState(Boolean(editing?.schedule));
  const [days, setDays] = useState<Weekday[]>(editing?.schedule?.days ?? ['mon', 'tue', 'wed', 'thu', 'fri']);
  const [from, setFrom] = useState(editing?.schedule?.from ?? '08:00');
  const [to, setTo] = useState(editing?.schedule?.to ?? '18:00');
  const [saved, setSaved] = useState<string | undefined>();

  const save = useInvalidatingMutation(
    (result) => [
      ['delivery-pins', propertyId],
      ['delivery-pin', propertyId, result.id],
    ],
    async () => {
      const schedule: Schedule | null = limited ? { days, from, to } : null;
      if (editing) {
        const body: { description?: string; pin?: string; schedule?: Schedule | null } = {};
        if (description !== editing.description) body.description = description;
        if (pin) body.pin = pin;
        if (JSON.stringify(schedule) !== JSON.stringify(editing.schedule)) body.schedule = schedule;
        if (Object.keys(body).length === 0) return editing;
        return ok(
          await api().PATCH('/properties/{propertyId}/delivery-pins/{pinId}', {
            params: { path: { propertyId, pinId: editing.id } },
            body,
          }),
        );
      }
      return ok(
        await api().POST('/properties/{propertyId}/delivery-pins', {
          params: { path: { propertyId } },
          body: { description, pin, ...(schedule ? { schedule } : {}) },
        }),
      );
    },
    (result) => {
      // A new or changed PIN is echoed once: show it for the carrier.
      const echoed = (result as { pin?: string }).pin;
      if (echoed) setSaved(echoed);
      else onClose();
    },
  );

  const errors = fieldErrors(save.error);
  // The API words PIN rules to follow the field's name ("is too easy to guess (...)").
  if (errors.pin) errors.pin = `The PIN ${errors.pin}.`;
  // A code already in use at the property (409) is a problem of the PIN field too.
  if (save.error instanceof LobbyProblem && save.error.status === 409) errors.pin = problemText(save.error);
  const scheduleError = Object.entries(errors).find(([path]) => path.startsWith('schedule'))?.[1];
  const otherError = save.error && Object.keys(errors).length === 0 ? problemText(save.error) : undefined;

  if (saved) {
    return (
      <Dialog title="Saved" onClose={onClose}>
        <p>
          The PIN for <strong>{description}</strong> is <code className="pin">{saved}</code>. Let the carrier know: they press Delivery at the intercom and enter it.
        </p>
        <div className="actions">
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <DialogForm
      title={editing ? `Change ${editing.description}` : 'New Delivery Authorization'}
      onClose={onClose}
      onSubmit={() => save.mutate()}
      error={otherError}
      busy={save.isPending}
      submitLabel={save.isPending ? 'Saving…' : 'Save'}
    >
      <Field label="Description" error={errors.description} hint="Who uses it, e.g. USPS">
        <input type="text" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={120} autoComplete="off" required />
      </Field>
      <Field
        label={editing ? 'New PIN' : 'PIN'}
        error={errors.pin}
        hint={`${codeLength} digits, unique at the property; not one digit repeated or a straight run like 123456.${editing ? ' Leave empty to keep the PIN.' : ''}`}
      >
        <input type="text" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value.trim())} maxLength={12} />
      </Field>
      <fieldset className={scheduleError ? 'field-invalid' : undefined}>
        <legend>When it opens doors</legend>
        <label className="inline">
          <input type="checkbox" checked={limited} onChange={(e) => setLimited(e.target.checked)} /> Only on some days and hours
        </label>
        {limited ? (
          <>
            <div className="days">
              {WEEKDAYS.map((day) => (
                <label className="inline" key={day}>
                  <input
                    type="checkbox"
                    checked={days.includes(day)}
                    onChange={(e) => setDays(e.target.checked ? WEEKDAYS.filter((d) => d === day || days.includes(d)) : days.filter((d) => d !== day))}
                  />{' '}
                  {dayName(day)}
                </label>
              ))}
            </div>
            <div className="row">
              <Field label="From">
                <input type="time" value={from} onChange={(e) => setFrom(e.target.value)} />
              </Field>
              <Field label="To">
                <input type="time" value={to} onChange={(e) => setTo(e.target.value)} />
              </Field>
            </div>
          </>
        ) : null}
        {scheduleError ? (
          <p className="field-error" role="alert">
            {scheduleError}
          </p>
        ) : null}
      </fieldset>
    </DialogForm>
  );
}

function DeletePin({ pin, onClose }: { pin: Pin; onClose: () => void }) {
  const { propertyId } = usePlace();
  return (
    <ConfirmAction
      title={`Delete ${pin.description}?`}
      confirmLabel="Delete PIN"
      invalidates={[['delivery-pins', propertyId]]}
      action={async () => ok(await api().DELETE('/properties/{propertyId}/delivery-pins/{pinId}', { params: { path: { propertyId, pinId: pin.id } } }))}
      onClose={onClose}
    >
      <p>The PIN ending in {pin.pinHint.slice(-2)} stops opening doors: the panels drop it at their next sync. Whoever uses it will have to call a resident instead.</p>
    </ConfirmAction>
  );
}
