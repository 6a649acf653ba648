import { useState } from 'react';
import { api, ok, type Schemas } from '../api.ts';
import { Filters } from '../components/Form.tsx';
import { when } from '../components/format.ts';
import { DataTable, ListView, useList } from '../components/list.tsx';
import { isManager, usePlace } from '../components/place.tsx';
import { Badge, PageHeader } from '../components/Status.tsx';
import { usePanelNames } from './AccessLog.tsx';

type CallStatus = Schemas['Call']['status'];
const STATUS_TONE: Record<CallStatus, 'good' | 'bad' | 'wait' | 'plain'> = { ringing: 'wait', accepted: 'good', ended: 'plain', declined: 'plain', missed: 'bad' };

/** Call history: who was rung from which panel, whether anyone answered and whether the door opened. A resident sees calls to their unit. */
export default function Calls() {
  const place = usePlace();
  const { propertyId } = place;
  const manager = isManager(place);
  const [status, setStatus] = useState<CallStatus | ''>('');
  const list = useList(
    ['calls', propertyId, status],
    async (cursor) => ok(await api().GET('/properties/{propertyId}/calls', { params: { path: { propertyId }, query: { limit: 50, cursor, ...(status ? { status } : {}) } } })),
    { refetchInterval: 10_000 },
  );
  return (
    <section>
      <PageHeader title="Calls" />
      <Filters label="Filter calls">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as CallStatus | '')}>
            <option value="">Any</option>
            {(Object.keys(STATUS_TONE) as CallStatus[]).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </Filters>
      <ListView list={list} count={list.items.length} empty="No calls.">
        <CallTable calls={list.items} showPanelNames={manager} />
      </ListView>
    </section>
  );
}

function CallTable({ calls, showPanelNames }: { calls: Schemas['Call'][]; showPanelNames: boolean }) {
  const { propertyId } = usePlace();
  return (
    <DataTable columns={['Started', 'From', 'To', 'Status', 'Answered by', 'Door']}>
      {calls.map((call) => (
        <tr key={call.id}>
          <td>{when(call.startedAt, { seconds: true })}</td>
          {/* Residents may not list panels: they see the panel id. */}
          <td>{showPanelNames ? <PanelName propertyId={propertyId} panelId={call.panelId} /> : call.panelId}</td>
          <td>{call.staff ? 'Staff' : call.unit ? `Unit ${call.unit}` : '—'}</td>
          <td>
            <Badge tone={STATUS_TONE[call.status]}>{call.status}</Badge>
          </td>
          <td>{call.answeredBy ?? '—'}</td>
          <td>{call.doorOpened ? 'Opened' : '—'}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function PanelName({ propertyId, panelId }: { propertyId: string; panelId: string }) {
  return <>{usePanelNames(propertyId).name(panelId)}</>;
}
