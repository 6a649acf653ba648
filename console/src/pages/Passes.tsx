import { useState } from 'react';
import { api, ok, type Schemas } from '../api.ts';
import { ConfirmAction } from '../components/Dialog.tsx';
import { when } from '../components/format.ts';
import { DataTable, ListView, useList } from '../components/list.tsx';
import { usePlace } from '../components/place.tsx';
import { Badge, PageHeader } from '../components/Status.tsx';

type DeliveryPass = Schemas['DeliveryPass'];
type VisitorPass = Schemas['VisitorPass'];

const tone = (status: string) => (status === 'active' ? 'good' : status === 'scheduled' ? 'wait' : 'plain');

/** Delivery passes (single use) and visitor passes (a time window), with their status; cancel or revoke. A resident sees only their own (the API decides). */
export default function Passes() {
  const { propertyId, role } = usePlace();
  const [cancelling, setCancelling] = useState<{ kind: 'delivery' | 'visitor'; id: string; label: string } | undefined>();
  const delivery = useList(['delivery-passes', propertyId], async (cursor) =>
    ok(await api().GET('/properties/{propertyId}/delivery-passes', { params: { path: { propertyId }, query: { limit: 50, cursor } } })),
  );
  const visitor = useList(['visitor-passes', propertyId], async (cursor) =>
    ok(await api().GET('/properties/{propertyId}/visitor-passes', { params: { path: { propertyId }, query: { limit: 50, cursor } } })),
  );
  const mine = role === 'resident';

  return (
    <section>
      <PageHeader title={mine ? 'Your passes' : 'Passes'} />
      <h2>Delivery passes</h2>
      <ListView list={delivery} count={delivery.items.length} empty="No delivery passes.">
        <DataTable columns={['Code', 'Note', !mine && 'Made by', 'Status', 'Expires', 'Actions']}>
          {delivery.items.map((pass: DeliveryPass) => (
            <tr key={pass.id}>
              <td>
                <code className="pin">{pass.codeHint}</code>
              </td>
              <td>{pass.note ?? '—'}</td>
              {mine ? null : <td>{pass.createdBy}</td>}
              <td>
                <Badge tone={tone(pass.status)}>{pass.status}</Badge>
                {pass.usedAt ? <span className="muted small"> {when(pass.usedAt)}</span> : null}
              </td>
              <td>{when(pass.expiresAt)}</td>
              <td>
                {pass.status === 'active' ? (
                  <button type="button" onClick={() => setCancelling({ kind: 'delivery', id: pass.id, label: `the delivery pass ${pass.codeHint}` })}>
                    Cancel<span className="visually-hidden"> the delivery pass {pass.codeHint}</span>
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListView>

      <h2>Visitor passes</h2>
      <ListView list={visitor} count={visitor.items.length} empty="No visitor passes.">
        <DataTable columns={['Visitor', 'Code', !mine && 'Made by', 'Status', 'From', 'Until', 'Actions']}>
          {visitor.items.map((pass: VisitorPass) => (
            <tr key={pass.id}>
              <td>{pass.visitorName}</td>
              <td>
                <code className="pin">{pass.codeHint}</code>
              </td>
              {mine ? null : <td>{pass.createdBy}</td>}
              <td>
                <Badge tone={tone(pass.status)}>{pass.status}</Badge>
              </td>
              <td>{when(pass.startsAt)}</td>
              <td>{when(pass.endsAt)}</td>
              <td>
                {pass.status === 'active' || pass.status === 'scheduled' ? (
                  <button type="button" onClick={() => setCancelling({ kind: 'visitor', id: pass.id, label: `${pass.visitorName}'s visitor pass` })}>
                    Revoke<span className="visually-hidden"> {pass.visitorName}'s visitor pass</span>
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListView>
      {cancelling ? <CancelPass pass={cancelling} onClose={() => setCancelling(undefined)} /> : null}
    </section>
  );
}

function CancelPass({ pass, onClose }: { pass: { kind: 'delivery' | 'visitor'; id: string; label: string }; onClose: () => void }) {
  const { propertyId } = usePlace();
  return (
    <ConfirmAction
      title={pass.kind === 'delivery' ? 'Cancel this delivery pass?' : 'Revoke this visitor pass?'}
      confirmLabel={pass.kind === 'delivery' ? 'Cancel pass' : 'Revoke pass'}
      invalidates={[[pass.kind === 'delivery' ? 'delivery-passes' : 'visitor-passes', propertyId]]}
      action={async () =>
        pass.kind === 'delivery'
          ? ok(await api().DELETE('/properties/{propertyId}/delivery-passes/{passId}', { params: { path: { propertyId, passId: pass.id } } }))
          : ok(await api().DELETE('/properties/{propertyId}/visitor-passes/{passId}', { params: { path: { propertyId, passId: pass.id } } }))
      }
      onClose={onClose}
    >
      <p>The code of {pass.label} stops opening doors.</p>
    </ConfirmAction>
  );
}
