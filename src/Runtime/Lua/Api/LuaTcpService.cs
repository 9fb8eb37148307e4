using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// One TCP session served by a Lua service (<c>tcp-request content use-service lua.NAME</c>): its
/// coroutine, the bytes the client sent that Lua has not read yet, and where Lua's output goes.
/// Its owner calls <see cref="Step"/> to run it, feeds it with <see cref="AddInput"/>, and
/// resumes it when the step said so; the run time is bounded by <c>tune.lua.service-timeout</c>.
/// </summary>
public sealed class LuaTcpService : IDisposable
{
    private readonly LuaTcpApi _api;
    private readonly LuaContext _context;
    private readonly LuaState _state;
    private readonly int _entry;
    private readonly int _function;
    private readonly MemoryStream _input = new();
    private readonly IReadOnlyList<string> _arguments;
    private int _inputStart;
    private bool _started;

    internal LuaTcpService(LuaTcpApi api, LuaState state, int entry, int function, Http.HttpExchange session,
        Action<ReadOnlyMemory<byte>> output, IReadOnlyList<string> arguments)
    {
        Session = session;
        _arguments = arguments;
        _api = api;
        _entry = entry;
        _function = function;
        Output = output;
        _state = state;
        _context = state.RentContext(state.Tune.ServiceTimeout);
    }

    /// <summary>The connection as rules saw it: its samples and variables.</summary>
    public Http.HttpExchange Session { get; }

    /// <summary>True while the service waits for input (<c>receive</c> or <c>getline</c> found too little).</summary>
    public bool WaitsForInput { get; internal set; }

    /// <summary>True once the client closed its side.</summary>
    public bool InputEnded { get; private set; }

    internal Action<ReadOnlyMemory<byte>> Output { get; }

    /// <summary>Adds bytes the client sent; empty with <paramref name="end"/> when it closed its side.</summary>
    public void AddInput(ReadOnlySpan<byte> data, bool end)
    {
        _input.Write(data);
        InputEnded |= end;
    }

    /// <summary>Runs the service until it ends, fails, waits for input, sleeps or is preempted.</summary>
    /// <returns>What to do next.</returns>
    public LuaTaskStep Step()
    {
        if (!_started)
        {
            _context.Start(_entry);
            _context.PushReference(_function);
            foreach (string argument in _arguments)
            {
                _context.PushArgument(argument);
            }
            _started = true;
        }
        WaitsForInput = false;
        var result = _api.Run(this, _context);
        return result switch
        {
            LuaExecResult.Ok => new LuaTaskStep(LuaTaskStepKind.Finished),
            LuaExecResult.Again when WaitsForInput => new LuaTaskStep(LuaTaskStepKind.WaitInput),
            LuaExecResult.Again when _context.PendingOperation is { } operation => new LuaTaskStep(LuaTaskStepKind.WaitOperation, Operation: operation),
            LuaExecResult.Again when _context.RequestedDelay is { } delay && delay > TimeSpan.Zero => new LuaTaskStep(LuaTaskStepKind.ResumeAfter, delay),
            LuaExecResult.Again => new LuaTaskStep(LuaTaskStepKind.ResumeSoon),
            _ => new LuaTaskStep(LuaTaskStepKind.Failed, Error: _context.ErrorMessage ?? "unknown error"),
        };
    }

    /// <summary>Takes up to <paramref name="size"/> bytes of input (all to the end when null).
    /// Null when there is not enough yet and the stream goes on.</summary>
    internal byte[]? Take(long? size)
    {
        int available = (int)_input.Length - _inputStart;
        if (size is null ? !InputEnded : available < size && !InputEnded)
        {
            return null;
        }
        int count = size is null ? available : (int)Math.Min(size.Value, available);
        return Consume(count);
    }

    /// <summary>Takes a line, "\n" included, or the rest at the end; null when none is complete yet.</summary>
    internal byte[]? TakeLine()
    {
        var buffered = _input.GetBuffer().AsSpan(_inputStart, (int)_input.Length - _inputStart);
        int newline = buffered.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return InputEnded ? Consume(buffered.Length) : null;
        }
        return Consume(newline + 1);
    }

    private byte[] Consume(int count)
    {
        byte[] taken = _input.GetBuffer().AsSpan(_inputStart, count).ToArray();
        _inputStart += count;
        if (_inputStart == _input.Length)
        {
            _input.SetLength(0);
            _inputStart = 0;
        }
        return taken;
    }

    /// <summary>Releases the coroutine.</summary>
    public void Dispose()
    {
        _state.ReturnContext(_context);
        _input.Dispose();
    }
}
