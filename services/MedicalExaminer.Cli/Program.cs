using MedicalExaminer.Cli;

return await CliApp.RunAsync(args, CliConsole.FromProcess());
