import { useState } from 'react';
import { api, ok, type Schemas } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { DialogForm, Filters, formErrors } from '../components/Form.tsx';
import { when } from '../components/format.ts';
import { DataTable, ListView, useList } from '../components/list.tsx';
import { useInvalidatingMutation } from '../components/mutation.ts';
import { isManager, usePlace } from '../components/place.tsx';
import { ErrorText, PageHeader } from '../components/Status.tsx';

type Package = Schemas['Package'];

/** Packages waiting, grouped by unit, with hand-over at the front desk; or those already picked up. A resident sees their unit's. */
export default function Packages() {
  const place = usePlace();
  const { propertyId } = place;
  const manager = isManager(place);
  const [status, setStatus] = useState<'awaiting-pickup' | 'picked-up'>('awaiting-pickup');
  const [unit, setUnit] = useState('');
  const [logging, setLogging] = useState(false);
  const u = unit.trim();
  const list = useList(['packages', propertyId, status, u], async (cursor) =>
    ok(await api().GET('/properties/{propertyId}/packages', { params: { path: { propertyId }, query: { status, limit: 100, cursor, ...(u ? { unit: u } : {}) } } })),
  );
  const byUnit = new Map<string, Package[]>();
  for (const item of list.items) byUnit.set(item.unit, [...(byUnit.get(item.unit) ?? []), item]);

  return (
    <section>
      <PageHeader title="Packages">
        {manager ? (
          <button type="button" className="primary" onClick={() => setLogging(true)}>
            Log a package
          </button>
        ) : null}
      </PageHeader>
      <Filters label="Filter packages">
        <label>
          Show
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="awaiting-pickup">Waiting for pickup</option>
            <option value="picked-up">Picked up</option>
          </select>
        </label>
        {manager ? (
          <label>
            Unit
            <input type="search" value={unit} onChange={(e) => setUnit(e.target.value)} />
          </label>
        ) : null}
      </Filters>
      <ListView list={list} count={list.items.length} empty={status === 'awaiting-pickup' ? 'No packages waiting.' : 'No packages picked up.'}>
        {[...byUnit.entries()].map(([unitName, packages]) => (
          <div key={unitName} className="group">
            <h2>
              Unit {unitName} <span className="muted small">({packages.reduce((n, p) => n + p.count, 0)} packages)</span>
            </h2>
            <DataTable columns={['Delivered', 'Count', 'Carrier', 'How', status === 'picked-up' ? 'Picked up' : manager && 'Actions']}>
              {packages.map((item) => (
                <tr key={item.id}>
                  <td>{when(item.deliveredAt)}</td>
                  <td>{item.count}</td>
                  <td>{item.carrier ?? '—'}</td>
                  <td>{item.deliveryEventId ? 'Package room' : 'Front desk'}</td>
                  {status === 'picked-up' ? (
                    <td>{when(item.pickedUpAt)}</td>
                  ) : manager ? (
                    <td>
                      <HandOver item={item} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </DataTable>
          </div>
        ))}
      </ListView>
      {logging ? <LogPackage onClose={() => setLogging(false)} /> : null}
    </section>
  );
}

function HandOver({ item }: { item: Package }) {
  const { propertyId } = usePlace();
  const hand = useInvalidatingMutation([['packages', propertyId]], async () =>
    ok(await api().POST('/properties/{propertyId}/packages/{packageId}/picked-up', { params: { path: { propertyId, packageId: item.id } } })),
  );
  return (
    <>
      <button type="button" onClick={() => hand.mutate()} disabled={hand.isPending}>
        Hand over<span className="visually-hidden"> the package for {item.unit}</span>
      </button>
      <ErrorText error={hand.error} />
    </>
  );
}

function LogPackage({ onClose }: { onClose: () => void }) {
  const { propertyId } = usePlace();
  const [unit, setUnit] = useState('');
  const [count, setCount] = useState('1');
  const [carrier, setCarrier] = useState('');
  const save = useInvalidatingMutation(
    [['packages', propertyId]],
    async () =>
      ok(
        await api().POST('/properties/{propertyId}/packages', {
          params: { path: { propertyId } },
          body: { unit: unit.trim(), count: Number(count), ...(carrier.trim() ? { carrier: carrier.trim() } : {}) },
        }),
      ),
    onClose,
  );
  const { errors, other } = formErrors(save.error);
  return (
    <DialogForm title="Log a package received at the front desk" onClose={onClose} onSubmit={() => save.mutate()} error={other} busy={save.isPending} submitLabel="Save">
      <Field label="Unit" error={errors.unit}>
        <input type="text" value={unit} onChange={(e) => setUnit(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Number of packages" error={errors.count}>
        <input type="number" min={1} value={count} onChange={(e) => setCount(e.target.value)} />
      </Field>
      <Field label="Carrier (optional)" error={errors.carrier}>
        <input type="text" value={carrier} onChange={(e) => setCarrier(e.target.value)} autoComplete="off" />
      </Field>
    </DialogForm>
  );
}
