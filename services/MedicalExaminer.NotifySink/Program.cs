using MedicalExaminer.NotifySink;

await NotifySinkExtensions.BuildNotifySink(args).RunAsync();
