using MedicalExaminer.Testing;
using MedicalExaminer.Testing.Browser;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
[assembly: AssemblyFixture(typeof(BrowserFixture))]
