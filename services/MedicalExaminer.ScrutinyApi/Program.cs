using MedicalExaminer.ScrutinyApi;

await ScrutinyApiExtensions.BuildScrutinyApi(args).RunAsync();
