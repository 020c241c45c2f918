using MedicalExaminer.Metrics;

await ScrutinyMetricsExtensions.BuildMetricsService(args).RunAsync();
