import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, ok, problemText, type Schemas } from '../api.ts';
import { Dialog } from '../components/Dialog.tsx';
import { Field } from '../components/Field.tsx';
import { when } from '../components/format.ts';
import { LoadMore, useList } from '../components/list.tsx';
import { isManager, usePlace } from '../components/place.tsx';
import { ErrorText, PageHeader, QueryState } from '../components/Status.tsx';

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
      <form className="filters" aria-label="Filter packages" onSubmit={(e) => e.preventDefault()}>
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
      </form>
      <QueryState isPending={list.isPending} error={list.error} empty={list.items.length === 0}>
        {status === 'awaiting-pickup' ? 'No packages waiting.' : 'No packages picked up.'}
      </QueryState>
      {[...byUnit.entries()].map(([unitName, packages]) => (
        <div key={unitName} className="group">
          <h2>
            Unit {unitName} <span className="muted small">({packages.reduce((n, p) => n + p.count, 0)} packages)</span>
          </h2>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Delivered</th>
                <th scope="col">Count</th>
                <th scope="col">Carrier</th>
                <th scope="col">How</th>
                {status === 'picked-up' ? <th scope="col">Picked up</th> : manager ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      ))}
      <LoadMore list={list} />
      {logging ? <LogPackage onClose={() => setLogging(false)} /> : null}
    </section>
  );
}

function HandOver({ item }: { item: Package }) {
  const { propertyId } = usePlace();
  const queryClient = useQueryClient();
  const hand = useMutation({
    mutationFn: async () => ok(await api().POST('/properties/{propertyId}/packages/{packageId}/picked-up', { params: { path: { propertyId, packageId: item.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['packages', propertyId] }),
  });
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
  const queryClient = useQueryClient();
  const [unit, setUnit] = useState('');
  const [count, setCount] = useState('1');
  const [carrier, setCarrier] = useState('');
  const save = useMutation({
    mutationFn: async () =>
      ok(
        await api().POST('/properties/{propertyId}/packages', {
          params: { path: { propertyId } },
          body: { unit: unit.trim(), count: Number(count), ...(carrier.trim() ? { carrier: carrier.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['packages', propertyId] });
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
    <Dialog title="Log a package received at the front desk" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Unit" error={errors.unit}>
          <input type="text" value={unit} onChange={(e) => setUnit(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Number of packages" error={errors.count}>
          <input type="number" min={1} value={count} onChange={(e) => setCount(e.target.value)} />
        </Field>
        <Field label="Carrier (optional)" error={errors.carrier}>
          <input type="text" value={carrier} onChange={(e) => setCarrier(e.target.value)} autoComplete="off" />
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
          <button type="submit" className="primary" disabled={save.isPending}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
