using MedicalExaminer.FamilyNotifier;

await FamilyNotifierExtensions.BuildFamilyNotifier(args).RunAsync();
