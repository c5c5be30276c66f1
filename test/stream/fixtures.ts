import { App, Stack } from 'aws-cdk-lib';
import { EventArchive, EventArchiveProps, EventColumn } from '../../src/stream';

/** The columns of a small event: enough to exercise the table, nothing more. */
export const COLUMNS: EventColumn[] = [
  { name: 'event_id', dataType: 'string', comment: 'Unique per event' },
  { name: 'event_type', dataType: 'string' },
  { name: 'occurred_at', dataType: 'timestamp' },
  { name: 'district', dataType: 'string' },
  { name: 'detail', dataType: 'struct<reason:string,duration_minutes:int>' },
];

/** An app (schema check off, as in unit tests) with one stack holding one archive. */
export function archiveStack(props: Partial<EventArchiveProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const archive = new EventArchive(stack, 'Events', { columns: COLUMNS, ...props });
  return { app, stack, archive };
}
