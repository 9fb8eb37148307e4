using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Lua.Api;
using ActorProxy.Runtime.Tasks;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Actors.Lua;

/// <summary>
/// The TCP services and CLI commands a state runs, each a session known by its output (the
/// <see cref="TcpSessionRelay"/> of its connection, maybe on another node) and its number, run
/// in slices like tasks: until it ends, fails, sleeps, is preempted or waits for its client.
/// Each open session holds a lease on the state's generation, so that a reload keeps the state
/// until the session is over.
/// </summary>
internal sealed class LuaTcpSessions(int stateId, LuaGeneration generation, LuaStepScheduler scheduler, ILogger logger)
{
    private readonly Dictionary<(IActorRef Output, long Id), LuaTcpService> _sessions = [];

    /// <summary>Opens a session and runs its first slice; a service that cannot start ends it at once.</summary>
    public void Open(IActorRef output, long sessionId, Func<Action<ReadOnlyMemory<byte>>, LuaTcpService> open)
    {
        try
        {
            var service = open(data => output.Tell(new TcpServiceOutput(sessionId, data.ToArray())));
            _sessions.Add((output, sessionId), service);
            generation.Enter();
            Run(output, sessionId);
        }
        catch (LuaScriptException e)
        {
            output.Tell(new TcpServiceEnded(sessionId, e.Message));
        }
    }

    /// <summary>Bytes from the session's client; a service waiting for them runs on.</summary>
    public void Input(IActorRef output, TcpServiceInput input)
    {
        if (_sessions.TryGetValue((output, input.SessionId), out var service))
        {
            service.AddInput(input.Data, input.End);
            if (service.WaitsForInput)
            {
                Run(output, input.SessionId);
            }
        }
    }

    /// <summary>Runs the next slice of a session, if it is open.</summary>
    public void Run(IActorRef output, long sessionId)
    {
        if (!_sessions.TryGetValue((output, sessionId), out var service))
        {
            return;
        }
        var step = service.Step();
        switch (step.Kind)
        {
            case LuaTaskStepKind.Finished:
                Close(output, sessionId, null);
                break;
            case LuaTaskStepKind.Failed:
                logger.LogError("Lua TCP service (state {StateId}, connection {SessionId}) failed: {Error}", stateId, sessionId, step.Error);
                Close(output, sessionId, step.Error);
                break;
            default:
                scheduler.Resume(step, new ResumeTcpService(output, sessionId));
                break;
        }
    }

    /// <summary>Ends a session, telling its output; <paramref name="error"/> when it failed.</summary>
    public void Close(IActorRef output, long sessionId, string? error)
    {
        if (_sessions.Remove((output, sessionId), out var service))
        {
            output.Tell(new TcpServiceEnded(sessionId, error));
            service.Dispose();
            generation.Leave();
        }
    }

    /// <summary>Ends every session: the state is closing.</summary>
    public void CloseAll()
    {
        foreach (var (output, id) in _sessions.Keys.ToArray())
        {
            Close(output, id, null);
        }
    }
}
