using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Tests.Http;

public sealed class TransactionVariablesTests
{
    private readonly ProcessVariables _process = new();

    [Fact]
    public void ProcVariables_AreSharedByEveryTransaction()
    {
        var first = Variables();
        var second = Variables();

        Assert.True(first.Set("proc.hits", 3L));

        Assert.Equal(3L, second["proc.hits"]);
    }

    [Fact]
    public void SessVariables_AreSharedByTheTransactionsOfOneConnection()
    {
        var session = TransactionVariables.NewSession();
        var first = Variables(session);
        var other = Variables();

        first.Set("sess.user", "u");
        var second = Variables(session);

        Assert.Equal("u", second["sess.user"]);
        Assert.False(other.TryGetValue("sess.user", out _));
    }

    [Fact]
    public void ResVariables_CannotBeSetDuringTheRequest_AndReqVariablesAreGoneInTheResponse()
    {
        var variables = Variables();

        Assert.False(variables.Set("res.early", "x"));
        Assert.True(variables.Set("req.a", "A"));
        Assert.True(variables.Set("txn.t", "T"));
        variables.BeginResponse();

        Assert.False(variables.TryGetValue("req.a", out _));
        Assert.False(variables.Set("req.late", "y"));
        Assert.True(variables.Set("res.b", "B"));
        Assert.Equal("T", variables["txn.t"]);
    }

    [Fact]
    public void IfExists_SetsOnlyDeclaredProcVariables_AndIsNoRestrictionElsewhere()
    {
        _process.Declare("proc.declared");
        var variables = Variables();

        Assert.False(variables.TryGetValue("proc.declared", out _));
        Assert.True(variables.Set("proc.declared", "p", ifExists: true));
        Assert.False(variables.Set("proc.undeclared", "p", ifExists: true));
        Assert.True(variables.Set("txn.any", "t", ifExists: true));
        Assert.False(variables.Set("nope.x", "z"));
    }

    [Fact]
    public void Unset_TellsWhetherTheScopeIsWritable_NotWhetherItWasSet()
    {
        var variables = Variables();

        Assert.True(variables.Unset("txn.none"));
        Assert.False(variables.Unset("res.none"));
        Assert.False(variables.Unset("bogus.x"));
    }

    private TransactionVariables Variables(Dictionary<string, object>? session = null)
    {
        var variables = new TransactionVariables { Process = _process };
        variables.Reset();
        if (session is not null)
        {
            variables.UseSession(session);
        }
        return variables;
    }
}
