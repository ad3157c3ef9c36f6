// dev/population/: a synthetic, reproducible population of doctors in training and the events
// the sources would deliver for it (Debezium snapshot events of the TCS rows, GMC states as a
// sync publishes them), plus the rule inputs read straight from the population so tests can
// check the stream against an independent reading. Development tooling, not product code: the
// demo seeds it, the end-to-end and integration tests and the benchmarks generate their data
// with it. It draws its GMC doctors from dev/fake-gmc/ so the fake GMC's lists and the TIS
// persons agree (most doctors match, a realistic few need an administrator).
export * from './population';
export * from './events';
