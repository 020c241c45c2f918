namespace MedicalExaminer.Deployment.Tests;

/// <summary>
/// Images come from the .NET SDK's container support (dotnet publish /t:PublishContainer, k8s/README.md);
/// publishing needs a registry, so CI checks the project properties the publish would use.
/// </summary>
public sealed class ContainerImageTests
{
    public static TheoryData<string> DeployableNames => [.. Deployable.All.Select(d => d.ProjectName)];

    [Theory]
    [MemberData(nameof(DeployableNames))]
    public void deployable_publishes_a_non_root_container_image(string project)
    {
        var deployable = Deployable.All.Single(d => d.ProjectName == project);
        var settings = deployable.ContainerProperties.Value;
        var p = settings.Properties;

        Assert.Matches("^[a-z0-9]+([._/-][a-z0-9]+)*$", p["ContainerRepository"]);
        Assert.True(p["ContainerFamily"].Length > 0 || p["ContainerBaseImage"].Length > 0, "ContainerFamily or ContainerBaseImage must choose the base image.");
        Assert.True(int.TryParse(p["ContainerUser"], out var uid) && uid > 0, $"ContainerUser must be a numeric non-root UID (Kubernetes checks runAsNonRoot by number); it is '{p["ContainerUser"]}'.");
        Assert.Equal("true", p["EnableSdkContainerSupport"], ignoreCase: true);
        if (deployable.IsWeb)
        {
            Assert.Contains("8080", settings.Ports);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays.All), MemberType = typeof(Overlays))]
    public void manifests_run_the_images_the_projects_publish(string overlay)
    {
        var resources = Manifests.Of(overlay);
        var ours = Workload.In(resources)
            .SelectMany(w => w.Containers.Select(c => (Workload: w, Image: c["image"]!.GetValue<string>(), Deployable: Workload.DeployableOf(c))))
            .Where(c => c.Workload.Resource.Text("metadata.labels.[app.kubernetes.io/component]") != "telemetry")
            .ToList();

        Assert.All(ours, c => Assert.True(c.Deployable is not null, $"{c.Workload} runs {c.Image}, which no project under services/ publishes (ContainerRepository)."));
    }
}
