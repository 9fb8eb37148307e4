using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Lua.Api;
using ActorProxy.Runtime.Rules;
using Akka.Actor;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The Lua functions a worker's rules call: those registered in the worker's own state run
/// there, at once; those registered in the shared state are messages to the singleton, which
/// serialises them, bounded by the session or service timeout. An action or service of the shared
/// state waits like a yielding one: its transaction waits, the worker goes on with others; so
/// does a rule whose fetch or converter is the shared state's, run again once the answer is in
/// (<see cref="SampleReplay"/>). The worker's thread never blocks on the singleton.
/// </summary>
/// <param name="registry">Who registered what: <see cref="LuaFunctionPlace"/> decides where each call runs.</param>
/// <param name="localState">The worker's own state, once loaded.</param>
/// <param name="shared">Where calls into the shared state go now: the singleton's actor, or its proxy.</param>
/// <param name="sharedGeneration">The generation of the shared state these calls run on.</param>
/// <param name="tune">The timeouts.</param>
/// <param name="actors">Where a shared-state service's <see cref="ServiceStreamRelay"/> is made.</param>
internal sealed class WorkerLuaActions(LuaFunctionRegistry registry, Func<LuaHttpApi> localState, Func<IActorRef> shared, int sharedGeneration, LuaTune tune,
    IActorRefFactory actors) : ILuaActions
{
    // The singleton's own timeout applies first; this margin only covers the message hops.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    public IWaitingCall? RunAction(LuaFunctionKind kind, string name, HttpExchange exchange, IReadOnlyList<string> arguments) =>
        LuaFunctionPlace.InSharedState(registry, kind, name)
            ? StartShared(kind, name, exchange, arguments, tune.SessionTimeout)
            : localState().RunAction(kind, name, exchange, arguments);

    public object? Fetch(string name, HttpExchange exchange, IReadOnlyList<string> arguments) =>
        Sample(LuaFunctionKind.SampleFetch, name, exchange, null, arguments);

    public object? Convert(string name, HttpExchange exchange, object input, IReadOnlyList<string> arguments) =>
        Sample(LuaFunctionKind.Converter, name, exchange, input, arguments);

    // A sample the rule computed before it waited comes from the replay; a local one is
    // computed and recorded; a shared one starts its call and stops the rule until it answers.
    private object? Sample(LuaFunctionKind kind, string name, HttpExchange exchange, object? input, IReadOnlyList<string> arguments)
    {
        if (exchange.Replay.TryNext(out object? replayed))
        {
            return replayed;
        }
        if (LuaFunctionPlace.InSharedState(registry, kind, name))
        {
            var answer = AskShared(kind, name, exchange, input, arguments, tune.SessionTimeout);
            throw new SampleMustWaitException(new SharedSampleCall(exchange, answer));
        }
        var local = localState();
        object? sample = kind == LuaFunctionKind.SampleFetch
            ? local.Fetch(name, exchange, arguments)
            : local.Convert(name, exchange, input!, arguments);
        exchange.Replay.Record(sample);
        return sample;
    }

    public IWaitingCall? RunService(string name, HttpExchange exchange)
    {
        if (!LuaFunctionPlace.InSharedState(registry, LuaFunctionKind.Service, name))
        {
            return localState().RunService(name, exchange);
        }
        if (exchange.ServiceStream is not { } stream)
        {
            return StartShared(LuaFunctionKind.Service, name, exchange, [], tune.ServiceTimeout);
        }
        // The service streams through a relay of the connection, which gets its answer: its run
        // time is bounded by the singleton (tune.lua.service-timeout counts its Lua time, not
        // its waits), its life by the singleton's and the client's.
        var answer = new TaskCompletionSource<SharedLuaResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = shared();
        var relay = actors.ActorOf(ServiceStreamRelay.Props(stream, answer, target));
        target.Tell(new CallSharedLua(LuaFunctionKind.Service, name, HttpExchangeSnapshot.Of(exchange), null, [], sharedGeneration, relay), relay);
        return new SharedLuaCall(LuaFunctionKind.Service, exchange, answer.Task);
    }

    // An action or a service may wait: the transaction waits for the answer, not the worker,
    // which serves other transactions meanwhile (as a yielding action does).
    private SharedLuaCall StartShared(LuaFunctionKind kind, string name, HttpExchange exchange, IReadOnlyList<string> arguments, TimeSpan timeout) =>
        new(kind, exchange, AskShared(kind, name, exchange, null, arguments, timeout)
            .ContinueWith(ask => ask.IsCompletedSuccessfully ? ask.Result : null, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));

    private Task<SharedLuaResult> AskShared(LuaFunctionKind kind, string name, HttpExchange exchange, object? input, IReadOnlyList<string> arguments, TimeSpan timeout) =>
        shared().Ask<SharedLuaResult>(new CallSharedLua(kind, name, HttpExchangeSnapshot.Of(exchange), input, arguments.ToArray(), sharedGeneration), timeout + Margin);
}
