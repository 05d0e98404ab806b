// globalTeardown of the integration project (jest.config.js): stops the run's shared DynamoDB Local, if started.
import { teardown } from './dynamodb-local-shared';

export default teardown;
