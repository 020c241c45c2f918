using MedicalExaminer.Testing;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
