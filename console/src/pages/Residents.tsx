import { useState } from 'react';
import { api, ok } from '../api.ts';
import { ConfirmAction } from '../components/Dialog.tsx';
import { Field } from '../components/Field.tsx';
import { DialogForm, Filters, formErrors } from '../components/Form.tsx';
import { when } from '../components/format.ts';
import { DataTable, ListView, useList } from '../components/list.tsx';
import { useInvalidatingMutation } from '../components/mutation.ts';
import { usePlace } from '../components/place.tsx';
import { PageHeader } from '../components/Status.tsx';

type Channel = 'app' | 'sms' | 'email';
interface Row {
  residentId: string;
  name: string;
  unit: string;
  movedInAt?: string;
  email?: string;
  phone?: string;
}

/** Residents: move-in (form), move-out (with what it revokes), search by name or unit (the directory). */
export default function Residents() {
  const { propertyId } = usePlace();
  const [search, setSearch] = useState('');
  const [movingIn, setMovingIn] = useState(false);
  const [movingOut, setMovingOut] = useState<Row | undefined>();
  const q = search.trim();
  const residents = useList(['residents', propertyId], async (cursor) =>
    ok(await api().GET('/properties/{propertyId}/residents', { params: { path: { propertyId }, query: { limit: 100, cursor } } })),
  );
  const found = useList(
    ['directory', propertyId, q],
    async (cursor) => ok(await api().GET('/properties/{propertyId}/directory', { params: { path: { propertyId }, query: { q, limit: 50, cursor } } })),
    { enabled: q !== '' },
  );
  const rows: Row[] = q
    ? found.items.map((e) => ({ residentId: e.residentId, name: e.name, unit: e.unit }))
    : residents.items.map((r) => ({ residentId: r.id, name: r.name, unit: r.unit, movedInAt: r.movedInAt, email: r.email, phone: r.phone }));
  const list = q ? found : residents;

  return (
    <section>
      <PageHeader title="Residents">
        <button type="button" className="primary" onClick={() => setMovingIn(true)}>
          Move in a resident
        </button>
      </PageHeader>
      <Filters label="Search residents">
        <label>
          Search by name or unit
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </Filters>
      <ListView list={list} count={rows.length} empty={q ? 'Nobody matches.' : 'No residents yet.'}>
        <DataTable columns={['Name', 'Unit', !q && 'Contact', !q && 'Moved in', 'Actions']}>
          {rows.map((row) => (
            <tr key={row.residentId}>
              <td>{row.name}</td>
              <td>{row.unit}</td>
              {q ? null : <td>{[row.email, row.phone].filter(Boolean).join(', ') || '—'}</td>}
              {q ? null : <td>{when(row.movedInAt)}</td>}
              <td>
                <button type="button" onClick={() => setMovingOut(row)}>
                  Move out<span className="visually-hidden"> {row.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListView>
      {movingIn ? <MoveIn onClose={() => setMovingIn(false)} /> : null}
      {movingOut ? <MoveOut resident={movingOut} onClose={() => setMovingOut(undefined)} /> : null}
    </section>
  );
}

function MoveIn({ onClose }: { onClose: () => void }) {
  const { propertyId } = usePlace();
  const [form, setForm] = useState({ userId: '', name: '', unit: '', email: '', phone: '' });
  const [notify, setNotify] = useState<Channel[]>(['app']);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const save = useInvalidatingMutation(
    [
      ['residents', propertyId],
      ['directory', propertyId],
    ],
    async () =>
      ok(
        await api().POST('/properties/{propertyId}/residents', {
          params: { path: { propertyId } },
          body: {
            userId: form.userId.trim(),
            name: form.name,
            unit: form.unit.trim(),
            notify,
            ...(form.email.trim() ? { email: form.email.trim() } : {}),
            ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
          },
        }),
      ),
    onClose,
  );
  const { errors, other } = formErrors(save.error);
  return (
    <DialogForm
      title="Move in a resident"
      onClose={onClose}
      onSubmit={() => save.mutate()}
      error={other}
      busy={save.isPending}
      submitLabel={save.isPending ? 'Saving…' : 'Move in'}
    >
      <Field label="Name" error={errors.name}>
        <input type="text" value={form.name} onChange={set('name')} autoComplete="off" />
      </Field>
      <Field label="Unit" error={errors.unit}>
        <input type="text" value={form.unit} onChange={set('unit')} autoComplete="off" />
      </Field>
      <Field label="User id" error={errors.userId} hint="Their sign-in user id (the app account)">
        <input type="text" value={form.userId} onChange={set('userId')} autoComplete="off" />
      </Field>
      <Field label="E-mail (optional)" error={errors.email}>
        <input type="email" value={form.email} onChange={set('email')} autoComplete="off" />
      </Field>
      <Field label="Phone (optional)" error={errors.phone} hint="E.164, e.g. +15555550123">
        <input type="tel" value={form.phone} onChange={set('phone')} autoComplete="off" />
      </Field>
      <fieldset>
        <legend>Tell them of deliveries by</legend>
        {(['app', 'sms', 'email'] as const).map((channel) => (
          <label className="inline" key={channel}>
            <input type="checkbox" checked={notify.includes(channel)} onChange={(e) => setNotify(e.target.checked ? [...notify, channel] : notify.filter((c) => c !== channel))} />{' '}
            {channel === 'sms' ? 'Text message' : channel === 'email' ? 'E-mail' : 'App'}
          </label>
        ))}
        {errors.notify ? (
          <p className="field-error" role="alert">
            {errors.notify}
          </p>
        ) : null}
      </fieldset>
    </DialogForm>
  );
}

function MoveOut({ resident, onClose }: { resident: Row; onClose: () => void }) {
  const { propertyId } = usePlace();
  return (
    <ConfirmAction
      title={`Move out ${resident.name} (${resident.unit})?`}
      confirmLabel="Move out"
      invalidates={[
        ['residents', propertyId],
        ['directory', propertyId],
      ]}
      action={async () => ok(await api().DELETE('/properties/{propertyId}/residents/{residentId}', { params: { path: { propertyId, residentId: resident.residentId } } }))}
      onClose={onClose}
    >
      <p>This revokes, at once:</p>
      <ul>
        <li>their delivery passes and visitor passes (the codes stop opening doors),</li>
        <li>their own door PIN,</li>
        <li>their membership: they can no longer sign in to this property or be called from the directory.</li>
      </ul>
    </ConfirmAction>
  );
}
