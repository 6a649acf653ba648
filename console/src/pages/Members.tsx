import { useState } from 'react';
import { api, ok, type Schemas } from '../api.ts';
import { ConfirmAction } from '../components/Dialog.tsx';
import { Field } from '../components/Field.tsx';
import { DialogForm, formErrors } from '../components/Form.tsx';
import { when } from '../components/format.ts';
import { DataTable, ListView, useList } from '../components/list.tsx';
import { useInvalidatingMutation } from '../components/mutation.ts';
import { usePlace } from '../components/place.tsx';
import { PageHeader } from '../components/Status.tsx';

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
      <ListView list={list} count={list.items.length}>
        <DataTable columns={['User', 'Role', 'Since', 'Actions']}>
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
        </DataTable>
      </ListView>
      {adding ? <AddMember onClose={() => setAdding(false)} /> : null}
      {removing ? <RemoveMember member={removing} onClose={() => setRemoving(undefined)} /> : null}
    </section>
  );
}

function AddMember({ onClose }: { onClose: () => void }) {
  const { propertyId } = usePlace();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<'staff' | 'admin'>('staff');
  const save = useInvalidatingMutation(
    [['members', propertyId]],
    async () => ok(await api().PUT('/properties/{propertyId}/members/{userId}', { params: { path: { propertyId, userId: userId.trim() } }, body: { role } })),
    onClose,
  );
  const { errors, other } = formErrors(save.error);
  return (
    <DialogForm title="Add staff or admin" onClose={onClose} onSubmit={() => save.mutate()} error={other} busy={save.isPending} submitDisabled={!userId.trim()} submitLabel="Save">
      <Field label="User id" error={errors.userId} hint="Their sign-in user id">
        <input type="text" value={userId} onChange={(e) => setUserId(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Role" error={errors.role}>
        <select value={role} onChange={(e) => setRole(e.target.value as 'staff' | 'admin')}>
          <option value="staff">Staff (front desk: residents, packages, access log, unlock)</option>
          <option value="admin">Admin (everything, incl. delivery PINs, panels, settings)</option>
        </select>
      </Field>
    </DialogForm>
  );
}

function RemoveMember({ member, onClose }: { member: Member; onClose: () => void }) {
  const { propertyId } = usePlace();
  return (
    <ConfirmAction
      title={`Remove ${member.userId}?`}
      confirmLabel="Remove"
      invalidates={[['members', propertyId]]}
      action={async () => ok(await api().DELETE('/properties/{propertyId}/members/{userId}', { params: { path: { propertyId, userId: member.userId } } }))}
      onClose={onClose}
    >
      <p>They lose their {member.role} access to this property on their next request.</p>
    </ConfirmAction>
  );
}
