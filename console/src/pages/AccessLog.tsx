import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok, type Schemas } from '../api.ts';
import { Dialog } from '../components/Dialog.tsx';
import { Filters } from '../components/Form.tsx';
import { when } from '../components/format.ts';
import { DataTable, ListView, useList } from '../components/list.tsx';
import { usePlace } from '../components/place.tsx';
import { Badge, PageHeader } from '../components/Status.tsx';

type AccessEvent = Schemas['AccessEvent'];

const METHODS: Record<AccessEvent['method'], string> = {
  'delivery-pin': 'Delivery PIN',
  'delivery-pass': 'Delivery pass',
  visitor: 'Visitor pass',
  call: 'Call',
  'remote-unlock': 'Remote unlock',
  'resident-pickup': 'Package pickup',
  'resident-door-pin': 'Resident door PIN',
};

/** Panels by id, for names in tables (admins and staff may list them). */
export function usePanelNames(propertyId: string) {
  const panels = useQuery({
    queryKey: ['panels', propertyId],
    queryFn: async () => ok(await api().GET('/properties/{propertyId}/panels', { params: { path: { propertyId }, query: { limit: 100 } } })).items,
  });
  const names = new Map((panels.data ?? []).map((panel) => [panel.id, panel.name]));
  return { panels: panels.data ?? [], name: (id: string) => names.get(id) ?? id };
}

/** A date input's day as the start (or end) of that day, local time, in ISO. */
const dayBound = (day: string, end: boolean) => (day ? new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`).toISOString() : undefined);

/**
 * Access log: every entry at every door, newest first, with its time-stamped photo. Panel and date
 * filter on the server; method and decision on the page. Refreshes every 5 s while open.
 */
export default function AccessLog() {
  const { propertyId } = usePlace();
  const { panels, name } = usePanelNames(propertyId);
  const [panelId, setPanelId] = useState('');
  const [method, setMethod] = useState('');
  const [decision, setDecision] = useState('');
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const [photo, setPhoto] = useState<AccessEvent | undefined>();
  const from = dayBound(fromDay, false);
  const to = dayBound(toDay, true);
  const list = useList(
    ['access-events', propertyId, panelId, from, to],
    async (cursor) =>
      ok(
        await api().GET('/properties/{propertyId}/access-events', {
          params: { path: { propertyId }, query: { limit: 50, cursor, ...(panelId ? { panelId } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) } },
        }),
      ),
    { refetchInterval: 5_000 },
  );
  const events = list.items.filter((e) => (!method || e.method === method) && (!decision || e.decision === decision));

  return (
    <section>
      <PageHeader title="Access log" />
      <Filters label="Filter the access log">
        <label>
          Panel
          <select value={panelId} onChange={(e) => setPanelId(e.target.value)}>
            <option value="">All panels</option>
            {panels.map((panel) => (
              <option key={panel.id} value={panel.id}>
                {panel.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Method
          <select value={method} onChange={(e) => setMethod(e.target.value)}>
            <option value="">Any method</option>
            {Object.entries(METHODS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Decision
          <select value={decision} onChange={(e) => setDecision(e.target.value)}>
            <option value="">Granted or denied</option>
            <option value="granted">Granted</option>
            <option value="denied">Denied</option>
          </select>
        </label>
        <label>
          From
          <input type="date" value={fromDay} onChange={(e) => setFromDay(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={toDay} onChange={(e) => setToDay(e.target.value)} />
        </label>
      </Filters>
      <p className="muted small" aria-live="polite">
        {list.isFetching ? 'Updating…' : 'Updates by itself every few seconds.'}
      </p>
      <ListView list={list} count={events.length} empty="No entries match.">
        <DataTable columns={['When', 'Panel', 'Method', 'Decision', 'Photo']}>
          {events.map((event) => (
            <tr key={event.id} data-event-id={event.id}>
              <td>
                {when(event.at, { seconds: true })}
                {event.offline ? <span className="muted small"> (decided offline)</span> : null}
              </td>
              <td>{name(event.panelId)}</td>
              <td>{METHODS[event.method] ?? event.method}</td>
              <td>
                <Badge tone={event.decision === 'granted' ? 'good' : 'bad'}>{event.decision === 'granted' ? 'Granted' : 'Denied'}</Badge>
                {event.reason ? <span className="muted small"> {event.reason}</span> : null}
              </td>
              <td>
                {event.photoUrl ? (
                  <button type="button" className="thumb" onClick={() => setPhoto(event)} aria-label={`Enlarge the photo of ${when(event.at, { seconds: true })}`}>
                    <img src={event.photoUrl} alt="" width={64} height={48} />
                  </button>
                ) : (
                  <span className="muted">No photo</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListView>
      {photo?.photoUrl ? (
        <Dialog title={`${name(photo.panelId)}, ${when(photo.at, { seconds: true })}`} onClose={() => setPhoto(undefined)}>
          <img className="photo-large" src={photo.photoUrl} alt={`${name(photo.panelId)} at ${when(photo.at, { seconds: true })}`} />
          <div className="actions">
            <button type="button" onClick={() => setPhoto(undefined)}>
              Close
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
