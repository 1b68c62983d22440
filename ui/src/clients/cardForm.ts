// The client card's form: what the user edits, filled from a card, turned into what core
// takes, and core's field errors mapped back onto the rows the user sees (empty rows are not
// sent, so a list's row numbers differ between the form and the request).

import type {
  Client,
  ClientDocument,
  ClientInput,
  ClientKind,
  ClientStatus,
  LabelledValue,
  Messenger,
  PhoneKind,
  Reliability,
} from '../bindings';
import type { GuardianRow } from './Guardians.svelte';
import type { ContactRow } from './ContactPersons.svelte';
import { formatPhone, personLabel } from '../lib/format';

export type FieldError = { code: string; message: string };

export type CardForm = {
  kind: ClientKind;
  name: string;
  card_number: string;
  birth_date: string;
  status: ClientStatus;
  reliability: Reliability;
  category_id: string;
  manager_id: string;
  tags: string;
  photo_id: string | null;
  phones: { kind: PhoneKind; number: string }[];
  emails: LabelledValue[];
  messengers: Messenger[];
  addresses: LabelledValue[];
  tax_id: string;
  physical_condition: string;
  medical_notes: string;
  preferences: string;
  documents: { title: string; received_on: string; valid_until: string }[];
  notes: string;
  guardians: GuardianRow[];
  contacts: ContactRow[];
  custom: Record<string, string>;
};

export const blankForm = (): CardForm => ({
  kind: 'person',
  name: '',
  card_number: '',
  birth_date: '',
  status: 'lead',
  reliability: 'normal',
  category_id: '',
  manager_id: '',
  tags: '',
  photo_id: null,
  phones: [{ kind: 'mobile', number: '' }],
  emails: [{ label: '', value: '' }],
  messengers: [],
  addresses: [],
  tax_id: '',
  physical_condition: '',
  medical_notes: '',
  preferences: '',
  documents: [],
  notes: '',
  guardians: [],
  contacts: [],
  custom: {},
});

export function formOf(c: Client): CardForm {
  return {
    kind: c.kind,
    name: c.name,
    card_number: c.card_number ?? '',
    birth_date: c.birth_date ?? '',
    status: c.status,
    reliability: c.reliability,
    category_id: c.category_id ?? '',
    manager_id: c.manager?.id ?? '',
    tags: c.tags.join(', '),
    photo_id: c.photo_id,
    phones: c.phones.length ? c.phones.map((p) => ({ kind: p.kind, number: formatPhone(p.number) })) : [{ kind: 'mobile', number: '' }],
    emails: c.emails.length ? c.emails.map((e) => ({ label: e.label ?? '', value: e.value })) : [{ label: '', value: '' }],
    messengers: c.messengers.map((m) => ({ ...m })),
    addresses: c.addresses.map((a) => ({ label: a.label ?? '', value: a.value })),
    tax_id: c.tax_id ?? '',
    physical_condition: c.physical_condition ?? '',
    medical_notes: c.medical_notes ?? '',
    preferences: c.preferences,
    documents: c.documents.map((d) => ({ title: d.title, received_on: d.received_on ?? '', valid_until: d.valid_until ?? '' })),
    notes: c.notes,
    custom: Object.fromEntries(c.custom.map((v) => [v.field_id, v.value])),
    contacts: c.contacts.map((p) => ({
      client_id: p.card.id,
      label: personLabel(p.card.name, p.card.phone),
      name: p.card.name,
      phone: p.card.phone ?? '',
      role: p.role,
    })),
    guardians: c.guardians.map((g) => ({
      client_id: g.card.id,
      label: personLabel(g.card.name, g.card.phone),
      name: g.card.name,
      phone: g.card.phone ?? '',
      relation: g.relation,
      pays: g.pays,
    })),
  };
}

/** The form as compared for unsaved changes (an empty custom field is no change). */
export const normForm = (f: CardForm) => JSON.stringify({ ...f, custom: Object.fromEntries(Object.entries(f.custom).filter(([, v]) => v)) });

/** Row indices kept when empty rows are left out. */
function kept<T>(rows: T[], filled: (r: T) => boolean): number[] {
  return rows.flatMap((r, i) => (filled(r) ? [i] : []));
}

export type Sent = Record<'phones' | 'emails' | 'messengers' | 'addresses' | 'documents', number[]>;

export function inputOf(
  form: CardForm,
  client: Client | null,
  opts: { liveFields: string[] | null; medical: boolean },
): { input: ClientInput; sent: Sent } {
  const sent: Sent = {
    phones: kept(form.phones, (p) => p.number.trim() !== ''),
    emails: kept(form.emails, (e) => e.value.trim() !== ''),
    messengers: kept(form.messengers, (m) => m.handle.trim() !== ''),
    addresses: kept(form.addresses, (a) => a.value.trim() !== ''),
    documents: kept(form.documents, (d) => d.title.trim() !== '' || d.received_on !== '' || d.valid_until !== ''),
  };
  const opt = (s: string) => (s.trim() === '' ? null : s.trim());
  const documents: ClientDocument[] = sent.documents.map((i) => {
    const d = form.documents[i];
    return { title: d.title, received_on: d.received_on || null, valid_until: d.valid_until || null };
  });
  const input: ClientInput = {
    kind: form.kind,
    name: form.name,
    card_number: opt(form.card_number),
    birth_date: form.kind === 'person' ? form.birth_date || null : null,
    status: form.status,
    reliability: form.reliability,
    category_id: form.category_id || null,
    manager_id: form.manager_id || null,
    tags: form.tags
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
    photo_id: form.photo_id,
    phones: sent.phones.map((i) => form.phones[i]),
    emails: sent.emails.map((i) => ({ label: form.emails[i].label ?? '', value: form.emails[i].value.trim() })),
    messengers: sent.messengers.map((i) => form.messengers[i]),
    addresses: sent.addresses.map((i) => form.addresses[i]),
    tax_id: opt(form.tax_id),
    preferences: form.preferences,
    documents,
    notes: form.notes,
    // Roles without the medical permission never see these; absent keeps what is stored.
    physical_condition: opts.medical ? form.physical_condition : null,
    medical_notes: opts.medical ? form.medical_notes : null,
    custom: opts.liveFields
      ? Object.entries(form.custom)
          .filter(([id, v]) => v.trim() !== '' && opts.liveFields?.includes(id))
          .map(([field_id, value]) => ({ field_id, value }))
      : null,
    contacts: (form.kind === 'company' ? form.contacts : []).map((c) =>
      c.client_id
        ? { client_id: c.client_id, new: null, role: c.role }
        : { client_id: null, new: { name: c.name, birth_date: null, phones: c.phone.trim() ? [{ kind: 'work', number: c.phone }] : [], emails: [] }, role: c.role },
    ),
    guardians: (form.kind === 'person' ? form.guardians : []).map((g) =>
      g.client_id
        ? { client_id: g.client_id, new: null, relation: g.relation, pays: g.pays }
        : {
            client_id: null,
            new: { name: g.name, birth_date: null, phones: g.phone.trim() ? [{ kind: 'mobile', number: g.phone }] : [], emails: [] },
            relation: g.relation,
            pays: g.pays,
          },
    ),
  };
  return { input, sent };
}

/** Core's error keys as the form's: `client.` dropped, list rows renumbered to the form's. */
export function formErrors(errors: Record<string, FieldError>, sent: Sent): Record<string, FieldError> {
  return Object.fromEntries(
    Object.entries(errors).map(([k, v]) => [
      k.replace(/^client\./, '').replace(/^(phones|emails|messengers|addresses|documents)\.(\d+)\./, (_, list: keyof Sent, i: string) => `${list}.${sent[list][Number(i)] ?? i}.`),
      v,
    ]),
  );
}
