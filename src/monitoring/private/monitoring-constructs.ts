import type * as monitoringConstructs from 'cdk-monitoring-constructs';

/**
 * cdk-monitoring-constructs, loaded when the first ServiceMonitoring is built: it loads about 350
 * modules (most of aws-cdk-lib's service modules), which an app or test that never monitors a
 * service should not pay for when it requires cdk-rampart.
 */
export function loadMonitoringConstructs(): typeof monitoringConstructs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cdk-monitoring-constructs') as typeof monitoringConstructs;
}
