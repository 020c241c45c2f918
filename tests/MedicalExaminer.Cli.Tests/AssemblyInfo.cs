using MedicalExaminer.Testing;

[assembly: AssemblyFixture(typeof(KafkaClusterFixture))]
[assembly: AssemblyFixture(typeof(PostgresFixture))]
