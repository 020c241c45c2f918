using MedicalExaminer.Testing;

// One Postgres server for the assembly. Each scenario class has a mock Kafka cluster of its own (a class fixture),
// so that a broker taken down or slowed by one scenario never stalls another running beside it.
[assembly: AssemblyFixture(typeof(PostgresFixture))]

