using MedicalExaminer.DevHost;

return await DevHostApp.RunAsync(args);
