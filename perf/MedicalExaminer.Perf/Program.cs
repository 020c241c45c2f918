using MedicalExaminer.Perf;

return await PerfApp.RunAsync(args);
