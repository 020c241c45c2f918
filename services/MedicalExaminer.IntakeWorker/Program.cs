using MedicalExaminer.IntakeWorker;

await IntakeWorkerExtensions.BuildIntakeWorker(args).RunAsync();
