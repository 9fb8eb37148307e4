using System.Text.RegularExpressions;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Rules;
using ActorProxy.Runtime.Samples;
using ActorProxy.Runtime.Tasks;
using Microsoft.Extensions.Logging;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// HAProxy's TXN, HTTP and AppletHTTP classes in one state, and the runner that calls this
/// state's registered actions, fetches, converters and services on a transaction. A failing
/// action, fetch or converter is logged and the request goes on without it; a failing service
/// answers 500 — as in HAProxy.
/// </summary>
/// <remarks>An action or a service may yield (<c>core.sleep</c>, <c>core.yield</c>, sockets): it
/// is then handed back as a <see cref="LuaSuspendedCall"/> for the state's owner to resume. A
/// fetch or converter may not, as in HAProxy: "yield not allowed".</remarks>
public sealed class LuaHttpApi : ILuaActions
{
    private const string Internal = "__actorproxy_http";
    private static readonly byte[] HttpSource = LuaResources.Read("ActorProxy.Runtime.Lua.Api.Http.lua");

    private readonly LuaState _state;
    private readonly LuaFunctionRegistry _registry;
    private LuaContext _session;
    private LuaContext _serviceContext;
    private int _actionEntry;
    private int _fetchEntry;
    private int _converterEntry;
    private int _serviceEntry;
    private int _releaseEntry;
    private readonly HashSet<long> _privateValues = [];

    // The transaction being run, and for a service its side of it.
    private HttpExchange? _exchange;
    // What runs on it: an HTTP action or service, or a tcp-request / tcp-response content action.
    private LuaFunctionKind _kind;
    private LuaServiceIo? _service;
    private bool _done;
    // Set by a Channel read of a tcp-request content action that waits for the connection's data.
    private bool _waitsForData;

    private LuaHttpApi(LuaState state, LuaFunctionRegistry registry)
    {
        _state = state;
        _registry = registry;
        _session = state.CreateContext(state.Tune.SessionTimeout);
        _serviceContext = state.CreateContext(state.Tune.ServiceTimeout);
    }

    /// <summary>Calls run so far in this state, how many failed, and how many of those ran past their timeout.</summary>
    public (long Calls, long Errors, long Timeouts) Counters => (_calls, _errors, _timeouts);

    private long _calls;
    private long _errors;
    private long _timeouts;

    /// <summary>Installs the classes into <paramref name="state"/>, which must have <c>core</c>.</summary>
    public static LuaHttpApi Install(LuaState state, LuaFunctionRegistry registry)
    {
        var api = new LuaHttpApi(state, registry);
        state.Expose(Internal, "get_headers", api.GetHeaders);
        state.Expose(Internal, "header", api.Header);
        state.Expose(Internal, "request_line", api.RequestLine);
        state.Expose(Internal, "set_status", api.SetStatus);
        state.Expose(Internal, "fetch", api.FetchFromLua);
        state.Expose(Internal, "convert", api.ConvertFromLua);
        state.Expose(Internal, "get_var", api.GetVariable);
        state.Expose(Internal, "set_var", api.SetVariable);
        state.Expose(Internal, "set_loglevel", api.SetLogLevel);
        // True in a tcp-request or tcp-response content action: its channels hold raw bytes.
        state.Expose(Internal, "tcp_content", call => call.Return(api._kind is LuaFunctionKind.TcpRequestAction or LuaFunctionKind.TcpResponseAction));
        // A Channel read that needs more of the connection's data: the action yields until it comes.
        state.Expose(Internal, "wait_data", call =>
        {
            api._waitsForData = true;
            return call.Return();
        });
        LuaChannelApi.Expose(state, Internal, call => api.Current(call).RequestBuffer
            ?? throw new LuaArgumentException($"{call.Name}: the transaction has no TCP request buffer"));
        // The transaction's own log level as HAProxy keeps it (s->logs.level): 0 until a
        // set-log-level rule or txn:set_loglevel sets one.
        state.Expose(Internal, "log_level", call => call.Return((long)(api.Current(call).LogLevel ?? 0)));
        state.Expose(Internal, "done", api.Done);
        state.Expose(Internal, "reason", call => call.Return(HttpReasons.Of((int)call.GetInteger(1))));
        state.Expose(Internal, "request", api.Request);
        state.Expose(Internal, "start_response", api.StartResponse);
        state.Expose(Internal, "send", api.Send);
        state.Expose(Internal, "receive", api.Receive);
        state.Expose(Internal, "getline", api.GetLine);
        state.Expose(Internal, "id", call => call.Return(api.Current(call).Id));
        state.Expose(Internal, "keep_priv", call =>
        {
            var exchange = api.Current(call);
            exchange.HoldsPrivateValue = true;
            api._privateValues.Add(exchange.Id);
            return call.Return();
        });

        var entries = state.RunModule(HttpSource, "http", 5);
        (api._actionEntry, api._fetchEntry, api._converterEntry, api._serviceEntry, api._releaseEntry) =
            (entries[0], entries[1], entries[2], entries[3], entries[4]);
        return api;
    }

    /// <summary>Transactions holding a private value (<c>set_priv</c>) in this state.</summary>
    public int PrivateValues => _privateValues.Count;

    /// <summary>The transaction <paramref name="transactionId"/> is over: drops its private value.</summary>
    public void Release(long transactionId)
    {
        if (!_privateValues.Remove(transactionId))
        {
            return;
        }
        using var context = _state.CreateContext(_state.Tune.SessionTimeout);
        context.Start(_releaseEntry);
        context.PushArgument(transactionId);
        context.Resume(yieldAllowed: false);
    }

    /// <summary>True when this state registered <paramref name="name"/> as <paramref name="kind"/>.</summary>
    public bool IsHere(LuaFunctionKind kind, string name) => _registry.Find(kind, name)?.IsHere(_state.Id) == true;

    /// <inheritdoc/>
    public IWaitingCall? RunAction(LuaFunctionKind kind, string name, HttpExchange exchange, IReadOnlyList<string> arguments)
    {
        var (error, result, suspended) = Call(_session, kind, name, _actionEntry, exchange, null, arguments);
        if (suspended is not null)
        {
            _session = _state.RentContext(_state.Tune.SessionTimeout);
            return suspended;
        }
        EndAction(kind, name, exchange, error, result);
        return null;
    }

    // An action is over: a failure is logged and the rules go on; otherwise its return value
    // (HAProxy's act.*) is the verdict, unless txn:done() gave one already.
    private void EndAction(LuaFunctionKind kind, string name, HttpExchange exchange, string? error, object? result)
    {
        if (error is not null)
        {
            Log(kind, name, error, exchange);
            return;
        }
        if (exchange.Verdict == ActionVerdict.Done)
        {
            return;
        }
        long verdict = result is long n ? n : 0;
        exchange.Verdict = verdict is >= 0 and <= (long)ActionVerdict.Invalid ? (ActionVerdict)verdict : ActionVerdict.Continue;
        if (exchange.Verdict == ActionVerdict.Yield)
        {
            _state.Logger.LogWarning("Lua {Function} returned act.YIELD without waiting for anything: HAProxy 2.6 would stall the " +
                "transaction until a timeout; ActorProxy goes on with the next rule.", _registry.Find(kind, name));
            exchange.Verdict = ActionVerdict.Continue;
        }
    }

    /// <inheritdoc/>
    public object? Fetch(string name, HttpExchange exchange, IReadOnlyList<string> arguments)
    {
        var (error, result, _) = Call(_session, LuaFunctionKind.SampleFetch, name, _fetchEntry, exchange, null, arguments);
        if (error is not null)
        {
            Log(LuaFunctionKind.SampleFetch, name, error, exchange);
        }
        return result;
    }

    /// <inheritdoc/>
    public object? Convert(string name, HttpExchange exchange, object input, IReadOnlyList<string> arguments)
    {
        var (error, result, _) = Call(_session, LuaFunctionKind.Converter, name, _converterEntry, exchange, input, arguments);
        if (error is not null)
        {
            Log(LuaFunctionKind.Converter, name, error, exchange);
        }
        return result;
    }

    /// <inheritdoc/>
    public IWaitingCall? RunService(string name, HttpExchange exchange)
    {
        _service = new LuaServiceIo(exchange);
        try
        {
            var (error, _, suspended) = Call(_serviceContext, LuaFunctionKind.Service, name, _serviceEntry, exchange, null, []);
            if (suspended is not null)
            {
                suspended.Service = _service;
                _serviceContext = _state.RentContext(_state.Tune.ServiceTimeout);
                return suspended;
            }
            EndService(name, error, exchange, _service);
            return null;
        }
        finally
        {
            _service = null;
        }
    }

    // Runs entry(function, [input], arguments...) for one registered function: the error, or
    // the result, or the call itself when an action or service yielded to wait.
    private (string? Error, object? Result, LuaSuspendedCall? Suspended) Call(LuaContext context, LuaFunctionKind kind, string name,
        int entry, HttpExchange exchange, object? input, IReadOnlyList<string> arguments)
    {
        var function = _registry.Find(kind, name);
        if (function is null || !function.IsHere(_state.Id))
        {
            return ($"not registered in Lua state {_state.Id}", null, null);
        }
        _calls++;
        _exchange = exchange;
        _kind = kind;
        try
        {
            context.Start(entry);
            context.PushReference(function.GetReference(_state.Id));
            if (input is not null)
            {
                context.PushSample(input);
            }
            foreach (string argument in arguments)
            {
                context.PushArgument(argument);
            }
            bool mayWait = kind.IsAction() || kind == LuaFunctionKind.Service;
            var outcome = Drive(context, mayWait);
            if (WaitOf(context, outcome) is { } wait)
            {
                if (mayWait)
                {
                    return (null, null, new LuaSuspendedCall(this, _state, context, kind, name, exchange) { Wait = wait });
                }
                context.Abort();
                _errors++;
                return ("yield not allowed", null, null);
            }
            string? error = ErrorOf(context, outcome);
            return (error, error is null && context.ResultCount > 0 && outcome == LuaExecResult.Ok ? context.GetSample(1) : null, null);
        }
        finally
        {
            _exchange = null;
        }
    }

    /// <summary>Runs a suspended call on; see <see cref="LuaSuspendedCall.Resume"/>.</summary>
    internal bool Resume(LuaSuspendedCall call)
    {
        if (call.Service?.Stream?.Stopped == true)
        {
            // HAProxy releases the applet of a stream that is gone: the service is not run on.
            call.Context.Abort();
            _state.Logger.LogInformation("Lua service 'lua.{Name}' (state {StateId}) stopped: the transaction of {Client}:{Port} is over (its client gone, its body broken, or a response rule answered)",
                call.Name, _state.Id, call.Exchange.ClientAddress, call.Exchange.ClientPort);
            call.Exchange.ServiceStreamed = call.Service.HeadSent;
            call.Exchange.Reply = null;
            call.Dispose();
            return true;
        }
        _exchange = call.Exchange;
        _kind = call.Kind;
        _service = call.Service;
        try
        {
            var outcome = Drive(call.Context, mayWait: true);
            if (WaitOf(call.Context, outcome) is { } wait)
            {
                call.Wait = wait;
                return false;
            }
            string? error = ErrorOf(call.Context, outcome);
            if (call.Kind == LuaFunctionKind.Service)
            {
                EndService(call.Name, error, call.Exchange, call.Service!);
            }
            else
            {
                EndAction(call.Kind, call.Name, call.Exchange, error,
                    error is null && outcome == LuaExecResult.Ok && call.Context.ResultCount > 0 ? call.Context.GetSample(1) : null);
            }
            call.Dispose();
            return true;
        }
        finally
        {
            _exchange = null;
            _service = null;
        }
    }

    // Runs the call. A forced yield hands an action or service back to its owner, so that other
    // work on the worker gets a turn (HAProxy reschedules the stream); a fetch or converter
    // cannot wait, so it runs on, bounded by the context's timeout.
    private LuaExecResult Drive(LuaContext context, bool mayWait)
    {
        _done = false;
        _waitsForData = false;
        var outcome = context.Resume(yieldAllowed: true);
        while (!mayWait && outcome == LuaExecResult.Again && context.YieldedByHook && !_done)
        {
            outcome = context.Resume(yieldAllowed: true);
        }
        return outcome;
    }

    // Why a call that yielded waits, or null when it did not wait (it ended, failed or called txn:done()).
    private LuaTaskStep? WaitOf(LuaContext context, LuaExecResult outcome)
    {
        if (outcome != LuaExecResult.Again || _done)
        {
            return null;
        }
        if (_waitsForData)
        {
            return new LuaTaskStep(LuaTaskStepKind.WaitInput);
        }
        if (context.PendingOperation is { } operation)
        {
            return new LuaTaskStep(LuaTaskStepKind.WaitOperation, Operation: operation);
        }
        return context.RequestedDelay is { } delay && delay > TimeSpan.Zero
            ? new LuaTaskStep(LuaTaskStepKind.ResumeAfter, delay)
            : new LuaTaskStep(LuaTaskStepKind.ResumeSoon);
    }

    private string? ErrorOf(LuaContext context, LuaExecResult outcome)
    {
        if (outcome == LuaExecResult.Again)
        {
            // txn:done(): the call ends here, successfully.
            context.Abort();
            return null;
        }
        if (outcome == LuaExecResult.Ok)
        {
            return null;
        }
        _errors++;
        if (context.TimedOut)
        {
            _timeouts++;
        }
        return context.ErrorMessage ?? "unknown error";
    }

    // What a service's end leaves to write: nothing more once it streamed (a failure then cuts
    // the connection, as HAProxy aborts the stream), else its whole answer, or HAProxy's 500 for a
    // failure or an answer never started.
    private void EndService(string name, string? error, HttpExchange exchange, LuaServiceIo service)
    {
        if (error is not null)
        {
            Log(LuaFunctionKind.Service, name, error, exchange);
        }
        if (service.Streamed)
        {
            exchange.ServiceStreamed = true;
            exchange.Reply = null;
            exchange.CloseWithoutReply = error is not null;
            return;
        }
        exchange.Reply = error is null && service.HeadSent ? service.Reply : HttpReply.ErrorPage(500);
    }

    // A failed call is logged at error, or at the level txn:set_loglevel gave its transaction:
    // HAProxy's "log level of the current request".
    private void Log(LuaFunctionKind kind, string name, string error, HttpExchange exchange) =>
        _state.Logger.Log(exchange.LogLevel is > 0 and var level ? LuaCoreApi.ToLogLevel(level) : LogLevel.Error,
            "Lua {Kind} 'lua.{Name}' (state {StateId}): {Error}", LuaFunctionRegistry.Describe(kind), name, _state.Id, error);

    private HttpExchange Current(LuaCall call) =>
        _exchange ?? throw new LuaArgumentException($"{call.Name}: no HTTP transaction is running in this state");

    // get_headers(response)
    private int GetHeaders(LuaCall call)
    {
        var exchange = Current(call);
        return call.ReturnHeaders((call.GetBoolean(1) ? exchange.ResponseHeaders : exchange.RequestHeaders).Fields);
    }

    // header(op, response, name, value | regex, replacement)
    private int Header(LuaCall call)
    {
        var exchange = Current(call);
        bool response = call.GetBoolean(2);
        var headers = response ? _service?.Reply.Headers ?? exchange.ResponseHeaders : exchange.RequestHeaders;
        string name = call.GetString(3);
        switch (call.GetString(1))
        {
            case "set":
                headers.Set(name, call.GetString(4));
                break;
            case "add":
                headers.Add(name, call.GetString(4));
                break;
            case "del":
                headers.Remove(name);
                break;
            default:
                // rep (req_rep_header) replaces whole lines, rep_value each comma-separated value,
                // as HAProxy's http_replace_hdrs with full set or not.
                Regex pattern;
                try
                {
                    pattern = new Regex(call.GetString(4), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException e)
                {
                    return call.Fail($"{call.GetString(1)}: invalid regex '{call.GetString(4)}': {e.Message}");
                }
                string template = call.GetString(5);
                Func<string, string?> replace = value => RegexReplacement.ReplaceWhole(pattern, value, template);
                if (call.GetString(1) == "rep_value")
                {
                    headers.ReplaceValues(name, replace);
                }
                else
                {
                    headers.ReplaceLines(name, replace);
                }
                break;
        }
        return call.Return();
    }

    // request_line(part, value)
    private int RequestLine(LuaCall call)
    {
        var exchange = Current(call);
        string value = call.GetString(2);
        switch (call.GetString(1))
        {
            case "method":
                exchange.Method = value;
                break;
            case "path":
                exchange.Path = value;
                break;
            case "query":
                exchange.Query = value;
                break;
            default:
                int question = value.IndexOf('?', StringComparison.Ordinal);
                exchange.Path = question < 0 ? value : value[..question];
                exchange.Query = question < 0 ? null : value[(question + 1)..];
                break;
        }
        return call.Return();
    }

    // set_status(status[, reason])
    private int SetStatus(LuaCall call)
    {
        var exchange = Current(call);
        long status = call.GetInteger(1);
        if (status is < 100 or > 999)
        {
            return call.Fail($"{call.Name}: invalid status {status}");
        }
        if (_service is not null)
        {
            _service.Reply.Status = (int)status;
            _service.Reply.Reason = call.IsNoneOrNil(2) ? null : call.GetString(2);
        }
        else
        {
            exchange.Status = (int)status;
            exchange.Reason = call.IsNoneOrNil(2) ? HttpReasons.Of((int)status) : call.GetString(2);
        }
        return call.Return();
    }

    // fetch(name, as_string, args...): built-in fetches from Lua (txn.f / txn.sf), by their Lua
    // names (dots as underscores), arguments checked as the configuration's are.
    private int FetchFromLua(LuaCall call) => FetchFromLua(call, Current(call));

    private int ConvertFromLua(LuaCall call) => ConvertFromLua(call, Current(call));

    /// <summary>fetch(name, as_string, args...) on <paramref name="exchange"/>.</summary>
    internal static int FetchFromLua(LuaCall call, HttpExchange exchange)
    {
        string name = call.GetString(1);
        if (SampleFetches.FindLuaName(name) is not { } fetch)
        {
            return call.Fail($"unknown sample fetch '{name}'");
        }
        object? sample;
        try
        {
            var args = SampleArgs.Of(fetch.Name, fetch.Args, Arguments(call, 3));
            if (fetch.Check?.Invoke(args) is { } refusal)
            {
                return call.Fail($"{name}: {refusal}");
            }
            sample = fetch.Fetch(exchange, args);
        }
        catch (SampleSyntaxException e)
        {
            return call.Fail(e.Message);
        }
        return call.ReturnSample(AsLuaValue(sample, asString: call.GetBoolean(2)));
    }

    // sf and sc give a string always: an empty one where f and c give nil (no sample), as HAProxy's.
    private static object? AsLuaValue(object? sample, bool asString) =>
        !asString ? sample : sample is null ? "" : SampleValue.AsString(sample);

    /// <summary>convert(name, as_string, input, args...): built-in converters from Lua (txn.c / txn.sc).</summary>
    internal static int ConvertFromLua(LuaCall call, HttpExchange exchange)
    {
        string name = call.GetString(1);
        if (SampleConverters.Find(name) is not { } converter)
        {
            return call.Fail($"unknown converter '{name}'");
        }
        object? sample;
        try
        {
            var args = SampleArgs.Of(converter.Name, converter.Args, Arguments(call, 4), converter.RegexOptions);
            if (converter.Check?.Invoke(args) is { } refusal)
            {
                return call.Fail($"{name}: {refusal}");
            }
            var input = call.GetSample(3) is { } value ? SampleValue.Cast(value, converter.Input) : null;
            sample = input is null ? null : converter.Convert(input, args, exchange);
        }
        catch (SampleSyntaxException e)
        {
            return call.Fail(e.Message);
        }
        return call.ReturnSample(AsLuaValue(sample, asString: call.GetBoolean(2)));
    }

    private int GetVariable(LuaCall call) => GetVariable(call, Current(call).Variables);

    private int SetVariable(LuaCall call) => SetVariable(call, Current(call).Variables);

    /// <summary>get_var(name): the variable's value, or nil.</summary>
    internal static int GetVariable(LuaCall call, TransactionVariables variables) =>
        call.ReturnSample(variables.TryGetValue(call.GetString(1), out var value) ? value : null);

    /// <summary>set_var(name, value[, ifexist]) → whether it was set: false for a name with no
    /// valid scope, a scope not writable now, or with ifexist a <c>proc.*</c> variable the
    /// configuration did not declare (<c>vars_set_by_name_ifexist</c>); unset_var(name) passes
    /// nil and tells whether there was one.</summary>
    internal static int SetVariable(LuaCall call, TransactionVariables variables)
    {
        string name = call.GetString(1);
        return call.GetSample(2) is { } value
            ? call.Return(variables.Set(name, value, call.GetBoolean(3)))
            : call.Return(variables.Unset(name));
    }

    private int SetLogLevel(LuaCall call)
    {
        long level = call.GetInteger(1);
        if (level is < 0 or > 7)
        {
            return call.Fail($"{call.Name}: invalid log level {level}");
        }
        Current(call).LogLevel = (int)level;
        return call.Return();
    }

    // done(false): txn:done() with no reply, the connection is closed; done(true, status,
    // reason, body, name, value, …): the reply HAProxy's hlua_txn_forward_reply makes of a Reply.
    private int Done(LuaCall call)
    {
        var exchange = Current(call);
        _done = true;
        exchange.Verdict = ActionVerdict.Done;
        if (!call.GetBoolean(1))
        {
            exchange.CloseWithoutReply = true;
            return call.Return();
        }
        int status = (int)call.GetInteger(2);
        var reply = new HttpReply(status) { Reason = call.GetString(3) };
        for (int i = 5; i + 1 <= call.ArgumentCount; i += 2)
        {
            reply.Headers.Add(call.GetString(i), call.GetString(i + 1));
        }
        if (!call.IsNoneOrNil(4))
        {
            reply.Body.Write(call.GetBytes(4));
        }
        exchange.Reply = reply;
        return call.Return();
    }

    // request() → method, version, path, qs, length: the fields of a new AppletHTTP.
    // The length is the request's Content-Length when it has one (its body may not have arrived
    // yet), else what was read of it.
    private int Request(LuaCall call)
    {
        var exchange = Current(call);
        long length = long.TryParse(exchange.RequestHeaders.GetValues("content-length").FirstOrDefault(), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out long declared) ? declared : exchange.RequestBody.Length;
        return call.Return(exchange.Method) + call.Return(exchange.Version.Replace("HTTP/", "", StringComparison.Ordinal)) +
            call.Return(exchange.Path) + call.Return(exchange.Query ?? "") + call.Return(length);
    }

    // start_response() → true when Lua must yield until the head is sent.
    private int StartResponse(LuaCall call) => Await(call, Applet(call).StartResponse());

    // send(data) → true when Lua must yield until the connection took it; HAProxy's error before start_response.
    private int Send(LuaCall call)
    {
        var service = Applet(call);
        if (!service.HeadSent)
        {
            return call.Fail("Lua: 'send' you must call start_response() before sending data.");
        }
        return Await(call, service.Send(call.GetBytes(1)));
    }

    // receive([size]) → the data, or nothing when Lua must yield until more arrived.
    private int Receive(LuaCall call)
    {
        long? size = call.IsNoneOrNil(1) ? null : Math.Max(0, call.GetInteger(1));
        return Applet(call).Take(size, out var reading) is { } data ? call.Return(data) : WaitFor(call, reading!);
    }

    // getline() → the line, or nothing when Lua must yield until more arrived.
    private int GetLine(LuaCall call) =>
        Applet(call).TakeLine(out var reading) is { } line ? call.Return(line) : WaitFor(call, reading!);

    private LuaServiceIo Applet(LuaCall call)
    {
        Current(call);
        return _service ?? throw new LuaArgumentException($"{call.Name}: only a service has an applet");
    }

    // Makes the running service wait for operation (true to Lua: yield now), or returns false.
    private static int Await(LuaCall call, Task? operation)
    {
        if (operation is null)
        {
            return call.Return(false);
        }
        call.State.Running!.AwaitOperation(operation);
        return call.Return(true);
    }

    // Makes the running service wait for operation; nothing to Lua, which yields.
    private static int WaitFor(LuaCall call, Task operation)
    {
        call.State.Running!.AwaitOperation(operation);
        return call.Return();
    }

    private static string[] Arguments(LuaCall call, int first)
    {
        var arguments = new string[Math.Max(0, call.ArgumentCount - first + 1)];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = call.GetString(first + i);
        }
        return arguments;
    }
}
