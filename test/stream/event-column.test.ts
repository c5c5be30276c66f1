import { ArchiveFormat, EventColumn } from '../../src/stream/event-column';
import { eventsTableInput } from '../../src/stream/private/table-input';

describe('ArchiveFormat', () => {
  test('has exactly the two stored formats, each valued as its own name (jsii enums cross languages by value)', () => {
    expect(Object.values(ArchiveFormat).sort()).toEqual(['JSON_GZIP', 'PARQUET']);
    for (const [key, value] of Object.entries(ArchiveFormat)) expect(value).toBe(key);
  });
});

describe('EventColumn', () => {
  test('name, dataType and an optional comment are what the table reads', () => {
    const columns: EventColumn[] = [{ name: 'a', dataType: 'string', comment: 'first' }, { name: 'b', dataType: 'bigint' }];
    const input = eventsTableInput({ tableName: 't', bucketName: 'b', dataPrefix: 'events/', columns, parquet: false, firstYear: 2025, archivedBy: 'S/E' });
    expect(input.storageDescriptor).toMatchObject({
      columns: [{ name: 'a', type: 'string', comment: 'first' }, { name: 'b', type: 'bigint', comment: undefined }],
    });
  });
});
