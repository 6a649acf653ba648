import { api, ok } from '../api.ts';
import { when } from '../components/format.ts';
import { DataTable, ListView, useList } from '../components/list.tsx';
import { usePlace } from '../components/place.tsx';
import { PageHeader } from '../components/Status.tsx';

/** The audit trail (admin), newest first: who did what to which thing, when (PIN reveals too). Never a code. */
export default function Audit() {
  const { propertyId } = usePlace();
  const list = useList(['audit', propertyId], async (cursor) =>
    ok(await api().GET('/properties/{propertyId}/audit', { params: { path: { propertyId }, query: { limit: 50, cursor } } })),
  );
  return (
    <section>
      <PageHeader title="Audit trail" />
      <ListView list={list} count={list.items.length}>
        <DataTable columns={['When', 'Who', 'What', 'On']}>
          {list.items.map((entry) => (
            <tr key={entry.id}>
              <td>{when(entry.at, { seconds: true })}</td>
              <td>{entry.actor}</td>
              <td>{entry.action}</td>
              <td>
                {entry.target.type} <code className="small">{entry.target.id}</code>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListView>
    </section>
  );
}
