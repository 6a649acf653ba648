import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, ok, type Schemas } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { formErrors } from '../components/Form.tsx';
import { usePlace } from '../components/place.tsx';
import { FormError, PageHeader, QueryState } from '../components/Status.tsx';

type PropertySettings = Schemas['Property']['settings'];
type Draft = { residentPassesEnabled: boolean; codeLength: string; visitorMaxHours: string; photoRetentionDays: string; passGraceMinutes: string };

const toDraft = (s: PropertySettings): Draft => ({
  residentPassesEnabled: s.residentPassesEnabled,
  codeLength: String(s.codeLength),
  visitorMaxHours: String(s.visitorMaxHours),
  photoRetentionDays: String(s.photoRetentionDays),
  passGraceMinutes: String(s.passGraceMinutes),
});

/** Property settings (admin): only what changed is sent (PATCH .../settings); the API's limits come back next to the field. */
export default function Settings() {
  const { propertyId } = usePlace();
  const queryClient = useQueryClient();
  const property = useQuery({
    queryKey: ['property', propertyId],
    queryFn: async () => ok(await api().GET('/properties/{propertyId}', { params: { path: { propertyId } } })),
  });
  const [draft, setDraft] = useState<Draft | undefined>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (property.data && !draft) setDraft(toDraft(property.data.settings));
  }, [property.data, draft]);

  const save = useMutation({
    mutationFn: async (patch: Partial<PropertySettings>) => ok(await api().PATCH('/properties/{propertyId}/settings', { params: { path: { propertyId } }, body: patch })),
    onSuccess: (updated) => {
      queryClient.setQueryData(['property', propertyId], updated);
      setDraft(toDraft(updated.settings));
      setSaved(true);
    },
  });
  const { errors, other } = formErrors(save.error);

  if (!property.data || !draft) return <QueryState isPending={property.isPending} error={property.error} />;
  const current = property.data.settings;
  const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const next: Partial<PropertySettings> = {};
    if (draft.residentPassesEnabled !== current.residentPassesEnabled) next.residentPassesEnabled = draft.residentPassesEnabled;
    if (num(draft.codeLength) !== current.codeLength) next.codeLength = num(draft.codeLength) as 5 | 6;
    if (num(draft.visitorMaxHours) !== current.visitorMaxHours) next.visitorMaxHours = num(draft.visitorMaxHours);
    if (num(draft.photoRetentionDays) !== current.photoRetentionDays) next.photoRetentionDays = num(draft.photoRetentionDays);
    if (num(draft.passGraceMinutes) !== current.passGraceMinutes) next.passGraceMinutes = num(draft.passGraceMinutes);
    if (Object.keys(next).length === 0) {
      setSaved(true);
      return;
    }
    save.mutate(next);
  };
  const set = (key: keyof Draft) => (e: { target: { value: string } }) => {
    setSaved(false);
    setDraft({ ...draft, [key]: e.target.value });
  };

  return (
    <section>
      <PageHeader title="Settings" />
      <form onSubmit={submit} noValidate className="settings">
        <label className="inline">
          <input type="checkbox" checked={draft.residentPassesEnabled} onChange={(e) => setDraft({ ...draft, residentPassesEnabled: e.target.checked })} /> Residents may make
          delivery passes
        </label>
        {errors.residentPassesEnabled ? <p className="field-error">{errors.residentPassesEnabled}</p> : null}
        <Field label="Visitor duration limit (hours)" error={errors.visitorMaxHours} hint="Property-only access: the longest visitor pass a resident may make">
          <input type="number" min={1} value={draft.visitorMaxHours} onChange={set('visitorMaxHours')} />
        </Field>
        <Field label="Keep entry photos for (days)" error={errors.photoRetentionDays}>
          <input type="number" min={1} value={draft.photoRetentionDays} onChange={set('photoRetentionDays')} />
        </Field>
        <Field label="Grace minutes after a delivery pass is used" error={errors.passGraceMinutes} hint="0: strictly one entry; 5 lets a courier re-enter for a few minutes">
          <input type="number" min={0} value={draft.passGraceMinutes} onChange={set('passGraceMinutes')} />
        </Field>
        <Field label="Code length (digits)" error={errors.codeLength} hint="For new PINs and passes">
          <select value={draft.codeLength} onChange={set('codeLength')}>
            <option value="5">5</option>
            <option value="6">6</option>
          </select>
        </Field>
        <FormError message={other} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save settings'}
          </button>
          <span role="status">{saved ? 'Saved.' : ''}</span>
        </div>
      </form>
    </section>
  );
}
