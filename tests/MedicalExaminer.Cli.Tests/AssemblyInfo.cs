using MedicalExaminer.Testing;

[assembly: AssemblyFixture(typeof(KafkaClusterFixture))]
