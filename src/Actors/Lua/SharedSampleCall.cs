using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// A fetch or converter of the shared state, called from a worker's rule, whose answer has not
/// come: the rule waits (the worker serves others) and runs again with the answer in its
/// <see cref="SampleReplay"/>. A call that fails or gets no answer in time gives no sample, as a
/// failing Lua fetch does (the singleton logged why).
/// </summary>
internal sealed class SharedSampleCall(HttpExchange exchange, Task<SharedLuaResult> answer) : IWaitingCall
{
    /// <inheritdoc/>
    public LuaTaskStep Wait { get; } = new(LuaTaskStepKind.WaitOperation, Operation: answer);

    /// <inheritdoc/>
    public bool Resume()
    {
        var result = answer.IsCompletedSuccessfully ? answer.Result : null;
        result?.Exchange.ApplyTo(exchange);
        exchange.Replay.Record(result?.Sample is { } sample ? AddressSample.FromPlain(sample) : null);
        return true;
    }
}
