import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TRANSACTION_COLUMNS, TRANSACTION_QUERIES, USER_COLUMNS, USER_QUERIES } from './analytics';
import { EventArchive } from '../../src/stream';

/**
 * The transactions stream and its archive: every applied transaction (put there by the API
 * stack's forwarder) goes through Kinesis and Firehose to a date-partitioned S3 archive tiered to
 * Glacier, described by a Glue table and queried in an Athena workgroup with the saved queries
 * (points per kind per day, top merchants, donations per charity); the users stream
 * (`user-created`) likewise, in an archive of its own.
 */
export class RewardsAnalyticsStack extends Stack {
  /** The transactions stream (`transactions.stream`) and its archive. */
  public readonly transactions: EventArchive;
  /** The users stream (`users.stream`: user-created events) and its archive. */
  public readonly users: EventArchive;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.transactions = new EventArchive(this, 'Transactions', {
      columns: TRANSACTION_COLUMNS,
      databaseName: 'rewards',
      tableName: 'transactions',
    });
    for (const q of TRANSACTION_QUERIES) this.transactions.addNamedQuery(q.name, q.sql, q.description);
    this.users = new EventArchive(this, 'Users', {
      columns: USER_COLUMNS,
      databaseName: 'rewards_users',
      tableName: 'users',
    });
    for (const q of USER_QUERIES) this.users.addNamedQuery(q.name, q.sql, q.description);

    new CfnOutput(this, 'TransactionsStreamName', { value: this.transactions.stream.streamName, description: 'The transactions stream' });
    new CfnOutput(this, 'UsersStreamName', { value: this.users.stream.streamName, description: 'The users stream' });
    new CfnOutput(this, 'AthenaWorkGroup', { value: this.transactions.workGroupName, description: 'Athena workgroup holding the saved rewards queries' });
  }
}
