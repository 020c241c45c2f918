using MedicalExaminer.Gateway;

await GatewayExtensions.BuildGateway(args).RunAsync();
