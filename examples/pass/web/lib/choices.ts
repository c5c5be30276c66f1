/** Districts the forms offer (the API takes any district code; these are the example's). */
export const DISTRICTS: Record<string, string> = {
  central: 'Central',
  north: 'North',
  south: 'South',
  east: 'East',
  west: 'West',
  harbour: 'Harbour',
};

export const REASON_LABELS: Record<string, string> = {
  medical: 'Medical',
  groceries: 'Groceries',
  work: 'Work',
  emergency: 'Emergency',
  funeral: 'Funeral',
  other: 'Other',
};

export const ID_TYPE_LABELS: Record<string, string> = {
  'national-id': 'National identity card',
  'passport': 'Passport',
  'residence-permit': 'Residence permit',
};

export function fill(select: HTMLSelectElement, options: Record<string, string>, placeholder?: string): void {
  select.replaceChildren();
  if (placeholder) select.append(new Option(placeholder, ''));
  for (const [value, label] of Object.entries(options)) select.append(new Option(label, value));
}
