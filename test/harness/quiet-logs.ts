// Service-free test files run without the global setup, which is where a test run's log level
// is otherwise lowered: processors log every start and stop, and only warnings are worth
// reading in a test run.
process.env.LOG_LEVEL ??= 'warn';
