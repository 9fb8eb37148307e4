using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Health;
using Xunit;

namespace ActorProxy.Runtime.Tests.Health;

public class ServerHealthTests
{
    private static readonly HealthCheckSettings Checks = new("/", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
    private static readonly CheckOutcome Pass = CheckOutcome.OfAnswer(200, TimeSpan.Zero);
    private static readonly CheckOutcome Fail = CheckOutcome.OfAnswer(503, TimeSpan.Zero);

    private static string Status(ServerHealth health, bool draining = false) => health.View().Status(draining);

    [Fact]
    public void ACheckedServer_StartsUpOneFailureFromDown_AndRisesAndFallsAsHaproxys()
    {
        var health = new ServerHealth(Checks);
        Assert.Equal("UP 1/3", Status(health));

        Assert.False(health.Apply(Pass));
        Assert.Equal("UP", Status(health));
        Assert.False(health.Apply(Fail));
        Assert.Equal("UP 2/3", Status(health));
        Assert.False(health.Apply(Fail));
        Assert.Equal("UP 1/3", Status(health));
        Assert.True(health.Apply(Fail));
        Assert.Equal("DOWN", Status(health));
        Assert.False(health.Apply(Fail));
        Assert.False(health.Apply(Pass));
        Assert.Equal("DOWN 1/2", Status(health));
        Assert.True(health.Apply(Pass));
        Assert.Equal("UP", Status(health));

        var view = health.View();
        Assert.Equal((3L, 1L, 4), (view.FailedChecks, view.DownTransitions, view.Health));
    }

    [Fact]
    public void AFailureFromTheStart_TakesTheServerDown()
    {
        var health = new ServerHealth(Checks);

        Assert.True(health.Apply(Fail));

        Assert.Equal(ServerRunState.Stopped, health.View().State);
    }

    [Fact]
    public void AForcedState_SetsTheCounterAsHaproxys_AndTheNextChecksCountFromThere()
    {
        var health = new ServerHealth(Checks);
        health.Force(ServerForcedHealth.Stopped);
        Assert.Equal("DOWN", Status(health));
        health.Apply(Pass);
        Assert.Equal("DOWN 1/2", Status(health));

        health.Force(ServerForcedHealth.Stopping);
        Assert.Equal("NOLB", Status(health));
        // A passed check sets a NOLB server running again (check_notify_success).
        Assert.True(health.Apply(Pass));
        Assert.Equal("UP", Status(health));

        health.Force(ServerForcedHealth.Stopping);
        health.Apply(Fail);
        Assert.Equal("NOLB 2/3", Status(health));
        health.Force(ServerForcedHealth.Running);
        Assert.Equal("UP", Status(health));
    }

    [Fact]
    public void DisabledChecks_AreNotSent_AndShowNoCheck_ButOneEndingMeanwhileCounts()
    {
        var health = new ServerHealth(Checks);
        health.Apply(Pass);

        health.SetChecks(false);

        Assert.False(health.Probing);
        Assert.Equal("no check", Status(health));
        health.Apply(Fail);
        Assert.Equal(ServerRunState.Running, health.View().State);
        Assert.Equal(3, health.View().Health);
        health.SetChecks(true);
        Assert.True(health.Probing);
        Assert.Equal("UP 2/3", Status(health));
    }

    [Fact]
    public void Maintenance_StopsTheServerAndPausesItsChecks_AndLeavingItRestartsThemFromRise()
    {
        var health = new ServerHealth(Checks);
        health.Apply(Pass);

        Assert.True(health.EnterMaintenance());
        Assert.False(health.Probing);
        Assert.False(health.View().Reported);
        // Nothing changes a server's state in maintenance.
        Assert.False(health.Force(ServerForcedHealth.Running));
        Assert.Equal(ServerRunState.Stopped, health.View().State);

        Assert.True(health.LeaveMaintenance());
        Assert.True(health.Probing);
        Assert.Equal("UP 1/3", Status(health));
        Assert.Equal(1, health.View().DownTransitions);
    }

    [Fact]
    public void AServerWithoutChecks_IsForcedAndTakenOutOfMaintenanceRunning()
    {
        var health = new ServerHealth(null);
        Assert.Equal("no check", Status(health));
        Assert.Equal("DRAIN", Status(health, draining: true));

        health.SetChecks(true);
        Assert.False(health.Probing);
        health.Force(ServerForcedHealth.Stopping);
        Assert.Equal("NOLB", Status(health));
        health.Force(ServerForcedHealth.Stopped);
        health.EnterMaintenance();
        health.LeaveMaintenance();
        Assert.Equal("no check", Status(health));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(302, true)]
    [InlineData(399, true)]
    [InlineData(404, false)]
    [InlineData(500, false)]
    public void AnAnswer_PassesWhen2xxOr3xx(int code, bool passed) =>
        Assert.Equal(passed, CheckOutcome.OfAnswer(code, TimeSpan.Zero).Passed);
}
