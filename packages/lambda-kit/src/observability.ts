import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

// Created once per container; service name, log level and namespace come from the POWERTOOLS_*
// environment TracedFunction sets.
export const logger = new Logger();
export const tracer = new Tracer();
export const metrics = new Metrics();
