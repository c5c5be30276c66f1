import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ARCHIVE_COLUMNS, NAMED_QUERIES } from './analytics';
import { EventArchive } from '../../src/stream';

/**
 * The analytics path, away from the hot table: pass events (written by the table's stream
 * consumer in the API stack) go through a Kinesis Data Stream and Firehose to a date-partitioned,
 * tiered S3 archive, described by a Glue table and queried in an Athena workgroup with the saved
 * queries managers need (passes by status, reason, day and district).
 */
export class PassAnalyticsStack extends Stack {
  public readonly archive: EventArchive;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.archive = new EventArchive(this, 'Events', {
      columns: ARCHIVE_COLUMNS,
      databaseName: 'movement_pass',
      tableName: 'pass_events',
    });
    for (const q of NAMED_QUERIES) this.archive.addNamedQuery(q.name, q.sql, q.description);

    new CfnOutput(this, 'EventStreamName', { value: this.archive.stream.streamName, description: 'Kinesis stream the pass events are archived through' });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.archive.workGroupName, description: 'Athena workgroup holding the saved pass queries' });
  }
}
