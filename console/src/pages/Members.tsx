import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, ok, problemText, type Schemas } from '../api.ts';
import { Confirm, Dialog } from '../components/Dialog.tsx';
import { Field } from '../components/Field.tsx';
import { when } from '../components/format.ts';
import { LoadMore, useList } from '../components/list.tsx';
import { usePlace } from '../components/place.tsx';
import { PageHeader, QueryState } from '../components/Status.tsx';

type Member = Schemas['Member'];

/** Staff and admins (admin only): who may run the front desk and who manages the property. */
export default function Members() {
  const { propertyId } = usePlace();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Member | undefined>();
  const list = useList(['members', propertyId], async (cursor) =>
    ok(await api().GET('/properties/{propertyId}/members', { params: { path: { propertyId }, query: { limit: 100, cursor } } })),
  );
  return (
    <section>
      <PageHeader title="Staff and admins">
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add staff or admin
        </button>
      </PageHeader>
      <QueryState isPending={list.isPending} error={list.error} empty={list.items.length === 0} />
      {list.items.length > 0 ? (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((member) => (
              <tr key={member.userId}>
                <td>{member.userId}</td>
                <td>{member.role}</td>
                <td>{when(member.since)}</td>
                <td>
                  <button type="button" onClick={() => setRemoving(member)}>
                    Remove<span className="visually-hidden"> {member.userId}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <LoadMore list={list} />
      {adding ? <AddMember onClose={() => setAdding(false)} /> : null}
      {removing ? <RemoveMember member={removing} onClose={() => setRemoving(undefined)} /> : null}
    </section>
  );
}

function AddMember({ onClose }: { onClose: () => void }) {
  const { propertyId } = usePlace();
  const queryClient = useQueryClient();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<'staff' | 'admin'>('staff');
  const save = useMutation({
    mutationFn: async () => ok(await api().PUT('/properties/{propertyId}/members/{userId}', { params: { path: { propertyId, userId: userId.trim() } }, body: { role } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['members', propertyId] });
      onClose();
    },
  });
  const errors = fieldErrors(save.error);
  const other = save.error && Object.keys(errors).length === 0 ? problemText(save.error) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Dialog title="Add staff or admin" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="User id" error={errors.userId} hint="Their sign-in user id">
          <input type="text" value={userId} onChange={(e) => setUserId(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Role" error={errors.role}>
          <select value={role} onChange={(e) => setRole(e.target.value as 'staff' | 'admin')}>
            <option value="staff">Staff (front desk: residents, packages, access log, unlock)</option>
            <option value="admin">Admin (everything, incl. delivery PINs, panels, settings)</option>
          </select>
        </Field>
        {other ? (
          <p className="form-error" role="alert">
            {other}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending || !userId.trim()}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RemoveMember({ member, onClose }: { member: Member; onClose: () => void }) {
  const { propertyId } = usePlace();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: async () => ok(await api().DELETE('/properties/{propertyId}/members/{userId}', { params: { path: { propertyId, userId: member.userId } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['members', propertyId] });
      onClose();
    },
  });
  return (
    <Confirm
      title={`Remove ${member.userId}?`}
      confirmLabel="Remove"
      busy={remove.isPending}
      error={remove.error ? problemText(remove.error) : undefined}
      onConfirm={() => remove.mutate()}
      onClose={onClose}
    >
      <p>They lose their {member.role} access to this property on their next request.</p>
    </Confirm>
  );
}
