import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ok, type Schemas } from '../api.ts';
import { ConfirmAction, Dialog } from '../components/Dialog.tsx';
import { Field } from '../components/Field.tsx';
import { DialogForm, formErrors } from '../components/Form.tsx';
import { when } from '../components/format.ts';
import { DataTable, ListView } from '../components/list.tsx';
import { useInvalidatingMutation } from '../components/mutation.ts';
import { isAdmin, usePlace } from '../components/place.tsx';
import { Badge, ErrorText, PageHeader } from '../components/Status.tsx';

type Panel = Schemas['Panel'];
type CreatedPanel = Schemas['CreatedPanel'];

/** Door panels: online or not, credentials in sync or lagging; remote unlock with its command status; admins create and decommission. */
export default function Panels() {
  const place = usePlace();
  const { propertyId } = place;
  const admin = isAdmin(place);
  const [creating, setCreating] = useState(false);
  const [decommissioning, setDecommissioning] = useState<Panel | undefined>();
  const panels = useQuery({
    queryKey: ['panels', propertyId],
    queryFn: async () => ok(await api().GET('/properties/{propertyId}/panels', { params: { path: { propertyId }, query: { limit: 100 } } })).items,
    refetchInterval: 10_000,
  });
  const list = panels.data ?? [];
  return (
    <section>
      <PageHeader title="Panels">
        {admin ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Add a panel
          </button>
        ) : null}
      </PageHeader>
      <ListView list={panels} count={list.length} empty="No panels yet.">
        <DataTable columns={['Panel', 'Kind', 'Connection', 'Credentials', 'Last seen', 'Actions']}>
          {list.map((panel) => (
            <tr key={panel.id} data-panel-id={panel.id}>
              <td>{panel.name}</td>
              <td>{panel.kind === 'package-room' ? 'Package room' : 'Entrance'}</td>
              <td>
                <Badge tone={panel.credentials.online ? 'good' : 'bad'}>{panel.credentials.online ? 'Online' : 'Offline'}</Badge>
              </td>
              <td>
                <Badge tone={panel.credentials.inSync ? 'good' : 'wait'}>{panel.credentials.inSync ? 'In sync' : 'Lagging'}</Badge>
                <span className="muted small">
                  {' '}
                  v{panel.credentials.reportedVersion ?? '—'} of v{panel.credentials.desiredVersion}
                </span>
              </td>
              <td>{when(panel.credentials.lastSeenAt)}</td>
              <td className="row-actions">
                <Unlock panel={panel} />
                {admin ? (
                  <button type="button" className="danger" onClick={() => setDecommissioning(panel)}>
                    Decommission<span className="visually-hidden"> {panel.name}</span>
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListView>
      {creating ? <CreatePanel onClose={() => setCreating(false)} /> : null}
      {decommissioning ? <Decommission panel={decommissioning} onClose={() => setDecommissioning(undefined)} /> : null}
    </section>
  );
}

const COMMAND_WORDS = { sent: 'Sent, waiting for the panel', executed: 'Door released', expired: 'Expired: the panel did not act in time' } as const;

/** Remote unlock, then the command's status until the panel executes it or it expires (never late). */
function Unlock({ panel }: { panel: Panel }) {
  const { propertyId } = usePlace();
  const [commandId, setCommandId] = useState<string | undefined>();
  const unlock = useMutation({
    mutationFn: async () => ok(await api().POST('/properties/{propertyId}/panels/{panelId}/unlock', { params: { path: { propertyId, panelId: panel.id } } })),
    onSuccess: (accepted) => setCommandId(accepted.commandId),
  });
  const command = useQuery({
    queryKey: ['command', propertyId, panel.id, commandId],
    enabled: Boolean(commandId),
    queryFn: async () =>
      ok(await api().GET('/properties/{propertyId}/panels/{panelId}/commands/{commandId}', { params: { path: { propertyId, panelId: panel.id, commandId: commandId ?? '' } } })),
    refetchInterval: (query) => (query.state.data?.status === 'sent' || !query.state.data ? 1_000 : false),
  });
  const status = command.data?.status;
  useEffect(() => {
    if (status && status !== 'sent') {
      const timer = setTimeout(() => setCommandId(undefined), 15_000);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [status]);
  return (
    <span className="unlock">
      <button type="button" onClick={() => unlock.mutate()} disabled={unlock.isPending || status === 'sent'}>
        Unlock<span className="visually-hidden"> {panel.name}</span>
      </button>
      <span role="status" className="small">
        {commandId ? (status ? COMMAND_WORDS[status] : 'Sending…') : ''}
      </span>
      <ErrorText error={unlock.error ?? command.error} />
    </span>
  );
}

function CreatePanel({ onClose }: { onClose: () => void }) {
  const { propertyId } = usePlace();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'entrance' | 'package-room'>('entrance');
  // No close on success: the connection material is shown next, once.
  const create = useInvalidatingMutation([['panels', propertyId]], async () =>
    ok(await api().POST('/properties/{propertyId}/panels', { params: { path: { propertyId } }, body: { name, kind } })),
  );
  const { errors, other } = formErrors(create.error);
  if (create.data) return <Connection propertyId={propertyId} panel={create.data} onClose={onClose} />;
  return (
    <DialogForm
      title="Add a panel"
      onClose={onClose}
      onSubmit={() => create.mutate()}
      error={other}
      busy={create.isPending}
      submitLabel={create.isPending ? 'Creating…' : 'Create'}
    >
      <Field label="Name" error={errors.name} hint="Where it is, e.g. Main entrance">
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Kind" error={errors.kind}>
        <select value={kind} onChange={(e) => setKind(e.target.value as 'entrance' | 'package-room')}>
          <option value="entrance">Entrance</option>
          <option value="package-room">Package room</option>
        </select>
      </Field>
    </DialogForm>
  );
}

/** The panel's connection material, shown once: the identity file the panel runs with (as `npm run panel` reads it). */
function Connection({ propertyId, panel, onClose }: { propertyId: string; panel: CreatedPanel; onClose: () => void }) {
  const identity = {
    panelId: panel.id,
    propertyId,
    kind: panel.kind,
    mqttUrl: panel.connection.mqttUrl,
    certificatePem: panel.connection.certificatePem,
    privateKeyPem: panel.connection.privateKeyPem,
    ...(panel.connection.caPem ? { caPem: panel.connection.caPem } : {}),
  };
  const [href] = useState(() => URL.createObjectURL(new Blob([`${JSON.stringify(identity, null, 2)}\n`], { type: 'application/json' })));
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <Dialog title={`${panel.name} is created`} onClose={onClose}>
      <p>
        <strong>Download the identity file now: it holds the panel's private key and is shown only once.</strong> Install it on the panel; anyone with it can act as this panel
        until you decommission it.
      </p>
      <dl className="facts">
        <dt>Panel id</dt>
        <dd>
          <code>{panel.id}</code>
        </dd>
        <dt>MQTT endpoint</dt>
        <dd>
          <code>{panel.connection.mqttUrl}</code>
        </dd>
        <dt>Topics under</dt>
        <dd>
          <code>{panel.connection.topicRoot}</code>
        </dd>
      </dl>
      <div className="actions">
        <a className="button primary" href={href} download={`${panel.id}.identity.json`}>
          Download identity file
        </a>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

function Decommission({ panel, onClose }: { panel: Panel; onClose: () => void }) {
  const { propertyId } = usePlace();
  return (
    <ConfirmAction
      title={`Decommission ${panel.name}?`}
      confirmLabel="Decommission"
      invalidates={[['panels', propertyId]]}
      action={async () => ok(await api().DELETE('/properties/{propertyId}/panels/{panelId}', { params: { path: { propertyId, panelId: panel.id } } }))}
      onClose={onClose}
    >
      <p>Its certificate is deactivated at once: it can no longer connect, open doors or take codes. Use this for a lost, stolen or replaced panel. It cannot be undone.</p>
    </ConfirmAction>
  );
}
