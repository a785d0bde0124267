/** Names of the variables through which global setup hands its servers to the test files. */
export const TEST_ENV = {
  temporalAddress: 'TEST_TEMPORAL_ADDRESS',
  databaseUrl: 'TEST_DATABASE_URL',
  adminDatabaseUrl: 'TEST_ADMIN_DATABASE_URL',
  workflowBundlePath: 'TEST_WORKFLOW_BUNDLE_PATH',
} as const;

/**
 * Reads a value global setup left for the test files.
 *
 * @throws Error when a test file runs without Jest's global setup.
 */
export function testEnv(key: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[key]];
  if (!value) throw new Error(`${TEST_ENV[key]} is not set: run the tests through jest (npm test).`);
  return value;
}
