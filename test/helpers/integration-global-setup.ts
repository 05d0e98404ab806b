// globalSetup of the integration project (jest.config.js): starts the run's shared DynamoDB Local in the background.
import { setup } from './dynamodb-local-shared';

export default setup;
