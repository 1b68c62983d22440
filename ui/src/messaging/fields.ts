// The fields a message template may use (as the core's `messaging::template::FIELDS`), and
// the languages a text may be in.
export const FIELDS = [
  'client.name',
  'client.first_name',
  'client.card_number',
  'client.birth_date',
  'membership.name',
  'membership.visits_left',
  'membership.ends_on',
  'class.name',
  'class.starts_at',
  'debt',
  'centre.name',
  'employee.name',
] as const;

export const LANGUAGES = ['en', 'ru', 'lo', 'km'] as const;
