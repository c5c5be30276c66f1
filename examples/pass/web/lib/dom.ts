export * from '../../../shared/web/dom';

export const STATUS_LABELS: Record<string, string> = {
  'pending': 'Being checked',
  'approved': 'Approved',
  'rejected': 'Rejected',
  'needs-review': 'Waiting for a reviewer',
  'revoked': 'Revoked',
};
