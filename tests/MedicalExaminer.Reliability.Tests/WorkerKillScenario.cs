using System.Globalization;
using MedicalExaminer.Testing;

namespace MedicalExaminer.Reliability.Tests;

/// <summary>
/// Fault matrix: worker kill -9 mid-batch — the intake worker runs as a process of its own and is SIGKILLed at points
/// the seed chooses while it is writing cases, then started again on the same consumer group.
/// </summary>
public sealed class WorkerKillScenario(PostgresFixture postgres, KafkaClusterFixture kafka) : IClassFixture<KafkaClusterFixture>
{
    private const int Kills = 2;

    [Theory]
    [MemberData(nameof(FaultMatrix.Seeds), MemberType = typeof(FaultMatrix))]
    public async Task worker_killed_mid_batch_and_restarted_loses_and_duplicates_no_case(int seed)
    {
        ServiceProcess? worker = null;
        await IntakeRun.RunAsync("worker kill -9 mid-batch", seed, postgres, kafka,
            startIntake: async pipeline => worker = await pipeline.StartProcessAsync(Pipeline.IntakeWorkerApp, pipeline.IntakeSettings()),
            strike: async (pipeline, stream) =>
            {
                var points = new List<string>();
                for (var kill = 0; kill < Kills; kill++)
                {
                    // Strike while it works: once it has opened more cases, after a delay the seed chooses.
                    var before = await Ledger.CaseCountAsync(pipeline);
                    await Eventually.HoldsAsync(async () => await Ledger.CaseCountAsync(pipeline) > before, TimeSpan.FromSeconds(60),
                        $"the intake worker process opens cases (kill {kill + 1}):\n{worker!.OutputTail}");
                    var after = pipeline.Random.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(400));
                    await Task.Delay(after);
                    await worker!.KillAsync();
                    var cases = await Ledger.CaseCountAsync(pipeline);
                    points.Add(string.Create(CultureInfo.InvariantCulture, $"+{after.TotalMilliseconds:0}ms@{cases}cases/exit{worker.ExitCode}"));
                    worker = await pipeline.StartProcessAsync(Pipeline.IntakeWorkerApp, pipeline.IntakeSettings());
                }

                return $"killed {string.Join(" ", points)}";
            });
    }
}
