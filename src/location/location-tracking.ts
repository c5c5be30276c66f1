import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as location from 'aws-cdk-lib/aws-location';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Compliance, RuleFamily } from '../compliance';
import { secureKey } from '../private/kms-key';
import { known, Validation } from '../private/validation';

/** Which position updates a tracker stores and evaluates against its geofences. */
export enum TrackerPositionFiltering {
  /** At most one update per device every 30 seconds is stored; every update is evaluated against the geofences. */
  TIME_BASED = 'TimeBased',
  /** An update less than 30 m from the device's last one is ignored (neither stored nor evaluated). */
  DISTANCE_BASED = 'DistanceBased',
  /** An update that moved less than the sum of the two updates' measured accuracies is ignored: filters GPS noise. */
  ACCURACY_BASED = 'AccuracyBased',
}

/** Properties of a `LocationTracking`. */
export interface LocationTrackingProps {
  /**
   * The tracker's name: 1 to 100 of A-Z a-z 0-9 - . _, unique in the account and region. A fixed
   * name blocks replacement; leave it generated unless something outside the stack must know it.
   *
   * @default - a name made from the construct's path
   */
  readonly trackerName?: string;
  /**
   * Which position updates the tracker stores and evaluates against its geofences.
   *
   * @default TrackerPositionFiltering.ACCURACY_BASED
   */
  readonly positionFiltering?: TrackerPositionFiltering;
  /**
   * The customer managed key that encrypts the device positions (and the geofences) at rest, as a
   * second layer over Location Service's own encryption. The tracker cannot change key later.
   *
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * A geofence collection, encrypted with the same key and linked to the tracker, so that the
   * tracker's positions are evaluated against its geofences (ENTER and EXIT events).
   *
   * @default false
   */
  readonly geofences?: boolean;
  /**
   * A function that receives the tracker's position events (and, with `geofences`, the geofence
   * events) from EventBridge, invoked asynchronously: an event EventBridge cannot hand to Lambda
   * (throttled, refused) after `retryAttempts` retries or `maxEventAge` goes to a dead-letter queue.
   * Once Lambda has accepted an event, the function's own asynchronous invocation settings (its
   * retries, an on-failure destination) decide what happens when it throws.
   *
   * @default - no consumer: positions are only stored in the tracker
   */
  readonly consumer?: lambda.IFunction;
  /**
   * How many times EventBridge retries delivering an event to the consumer (0 to 185).
   *
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event before it goes to the dead-letter queue (1 minute
   * to 24 hours). A position is worth little once it is old.
   *
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * What happens to the tracker, the geofence collection, the dead-letter queue and a key created
   * here when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A description of the tracker (and of the geofence collection), at most 1000 characters.
   *
   * @default - no description
   */
  readonly description?: string;
}

const NAME = /^[-._\w]{1,100}$/;
const MAX_DESCRIPTION = 1000;
const POSITION_EVENT = 'Location Device Position Event';
const GEOFENCE_EVENT = 'Location Geofence Event';
const DLQ_RETENTION = Duration.days(14);

/**
 * An Amazon Location Service tracker with safe defaults: a customer managed KMS key with rotation,
 * accuracy-based position filtering, position events on the default event bus, RETAIN; optionally a
 * geofence collection linked to it, and a consumer function that receives the events of this
 * tracker (and collection) only, with retries and a dead-letter queue.
 *
 * @exampleMetadata fixture=construct
 * @example
 * import { LocationTracking } from 'cdk-rampart';
 *
 * const tracking = new LocationTracking(this, 'Tracking', { consumer: fn, geofences: true });
 * tracking.grantUpdatePositions(producer);
 */
export class LocationTracking extends Construct {
  /** The tracker. */
  public readonly tracker: location.CfnTracker;
  /** The tracker's name. */
  public readonly trackerName: string;
  /** The tracker's ARN. */
  public readonly trackerArn: string;
  /** The key encrypting the tracker's positions (and the geofences). */
  public readonly encryptionKey: kms.IKey;
  /** The tracker's position filtering. */
  public readonly positionFiltering: TrackerPositionFiltering;
  /** The geofence collection linked to the tracker, with `geofences`. */
  public readonly geofenceCollection?: location.CfnGeofenceCollection;
  /** The rule delivering the tracker's (and collection's) events to the consumer, with a `consumer`. */
  public readonly rule?: events.Rule;
  /** Where the events EventBridge could not deliver to the consumer end, with a `consumer`. */
  public readonly deadLetterQueue?: sqs.IQueue;

  constructor(scope: Construct, id: string, props: LocationTrackingProps = {}) {
    super(scope, id);

    const positionFiltering = props.positionFiltering ?? TrackerPositionFiltering.ACCURACY_BASED;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retryAttempts = props.retryAttempts ?? 2;
    const maxEventAge = props.maxEventAge ?? Duration.hours(1);
    const trackerName = props.trackerName ?? Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });
    this.validate(props, positionFiltering, retryAttempts, maxEventAge);
    this.positionFiltering = positionFiltering;

    this.encryptionKey = props.encryptionKey
      ?? secureKey(this, 'Key', { description: `Encrypts the device positions and geofences of ${this.node.path}`, removalPolicy });

    this.tracker = new location.CfnTracker(this, 'Tracker', {
      trackerName,
      description: props.description,
      positionFiltering,
      kmsKeyId: this.encryptionKey.keyArn,
      eventBridgeEnabled: true,
    });
    this.tracker.applyRemovalPolicy(removalPolicy);
    this.trackerName = this.tracker.ref;
    this.trackerArn = this.tracker.attrArn;

    // Position events name the tracker in `resources`; geofence events name the collection (and the tracker).
    const resources = [this.trackerArn];
    const detailTypes = [POSITION_EVENT];
    if (props.geofences) {
      this.geofenceCollection = new location.CfnGeofenceCollection(this, 'Geofences', {
        // Collections and trackers have names of their own kinds: the generated name may be the same.
        collectionName: Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }),
        description: props.description,
        kmsKeyId: this.encryptionKey.keyArn,
      });
      this.geofenceCollection.applyRemovalPolicy(removalPolicy);
      new location.CfnTrackerConsumer(this, 'GeofencesLink', {
        trackerName: this.trackerName,
        consumerArn: this.geofenceCollection.attrArn,
      });
      resources.push(this.geofenceCollection.attrArn);
      detailTypes.push(GEOFENCE_EVENT);
    }

    if (props.consumer) {
      // A key of its own: EventBridge may use it for this queue only, never the positions' key.
      const dlqKey = secureKey(this, 'DeadLetterKey', { description: `Encrypts the undelivered location events of ${this.node.path}`, removalPolicy });
      const dlq = new sqs.Queue(this, 'DeadLetterQueue', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: dlqKey,
        enforceSSL: true,
        retentionPeriod: DLQ_RETENTION,
        removalPolicy,
      });
      Compliance.acknowledgeFamily(dlq.node.defaultChild!, RuleFamily.SQS_DEAD_LETTER_QUEUE,
        `This is the dead-letter queue of the location events EventBridge could not deliver to the consumer after ${retryAttempts} retries or ${maxEventAge.toHumanString()}: a dead-letter queue of its own would only move them further from the people who inspect them (kept ${DLQ_RETENTION.toDays()} days).`);
      this.deadLetterQueue = dlq;
      this.rule = new events.Rule(this, 'Events', {
        description: `Delivers the position${props.geofences ? ' and geofence' : ''} events of ${this.node.path} to its consumer`,
        eventPattern: { source: ['aws.geo'], detailType: detailTypes, resources },
        targets: [new targets.LambdaFunction(props.consumer, { deadLetterQueue: dlq, retryAttempts, maxEventAge })],
      });
      // EventBridge writes undelivered events to the KMS-encrypted queue; the queue policy admits this rule only.
      dlqKey.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    }
  }

  /** Send device positions to the tracker (geo:BatchUpdateDevicePosition on this tracker only). */
  public grantUpdatePositions(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['geo:BatchUpdateDevicePosition'], resourceArns: [this.trackerArn] });
  }

  /** Read device positions and their history from the tracker (no wildcard actions). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['geo:GetDevicePosition', 'geo:GetDevicePositionHistory', 'geo:BatchGetDevicePosition', 'geo:ListDevicePositions'],
      resourceArns: [this.trackerArn],
    });
  }

  /**
   * Put, read and delete the geofences of the collection (geo:PutGeofence, BatchPutGeofence,
   * GetGeofence, ListGeofences, BatchDeleteGeofence on this collection only). Needs `geofences`.
   */
  public grantManageGeofences(grantee: iam.IGrantable): iam.Grant {
    if (!this.geofenceCollection) {
      new Validation('LocationTracking', this, 'arguments of grantManageGeofences')
        .fail('geofences', false, 'true, so that there is a geofence collection to grant', 'at construction').throwIfInvalid();
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['geo:PutGeofence', 'geo:BatchPutGeofence', 'geo:GetGeofence', 'geo:ListGeofences', 'geo:BatchDeleteGeofence'],
      resourceArns: [this.geofenceCollection!.attrArn],
    });
  }

  private validate(props: LocationTrackingProps, positionFiltering: TrackerPositionFiltering, retryAttempts: number, maxEventAge: Duration): void {
    const v = new Validation('LocationTracking', this);
    v.matches('trackerName', props.trackerName, NAME, '1 to 100 of A-Z a-z 0-9 - . _');
    v.oneOf('positionFiltering', positionFiltering, Object.values(TrackerPositionFiltering));
    if (props.description !== undefined && known(props.description) && props.description.length > MAX_DESCRIPTION) {
      v.fail('description', props.description, `at most ${MAX_DESCRIPTION} characters`);
    }
    v.integer('retryAttempts', retryAttempts, 0, 185, 'retries');
    v.duration('maxEventAge', maxEventAge, { min: Duration.minutes(1), max: Duration.hours(24) });
    if (!props.consumer) {
      if (props.retryAttempts !== undefined) v.fail('retryAttempts', props.retryAttempts, 'a consumer to deliver to', 'without a consumer');
      if (props.maxEventAge !== undefined) v.fail('maxEventAge', props.maxEventAge, 'a consumer to deliver to', 'without a consumer');
    }
    v.throwIfInvalid();
  }
}
