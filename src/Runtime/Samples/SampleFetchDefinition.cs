using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Samples;

/// <summary>Which part of a transaction a fetch reads, so that a rule cannot read what is not
/// there (HAProxy refuses <c>res.hdr</c> in an <c>http-request</c> rule, and <c>path</c> in an
/// <c>http-response</c> one, when it parses them: the request is gone by then).</summary>
public enum SampleDirection
{
    /// <summary>Connection, transaction or internal data: usable everywhere, TCP rules included.</summary>
    Any,

    /// <summary>HTTP data kept for the whole transaction, or the message being processed (the
    /// method, <c>hdr</c>): usable in request and response rules, not in TCP rules.</summary>
    Http,

    /// <summary>The request's line or headers: usable in request rules only.</summary>
    Request,

    /// <summary>The response: usable in response rules only.</summary>
    Response,
}

/// <summary>
/// One built-in sample fetch (HAProxy's <c>struct sample_fetch</c>): its name, the type it
/// returns, its arguments, and how it reads a transaction.
/// </summary>
public sealed class SampleFetchDefinition
{
    /// <summary>Creates a fetch.</summary>
    public SampleFetchDefinition(string name, SampleType output, SampleArgSpec args, SampleDirection direction,
        Func<HttpExchange, SampleArgs, object?> fetch, Func<HttpExchange, SampleArgs, IEnumerable<object>>? each = null)
    {
        Name = name;
        Output = output;
        Args = args;
        Direction = direction;
        Fetch = fetch;
        Each = each;
    }

    /// <summary>The keyword.</summary>
    public string Name { get; }

    /// <summary>The type of what it returns.</summary>
    public SampleType Output { get; }

    /// <summary>Its arguments.</summary>
    public SampleArgSpec Args { get; }

    /// <summary>What it reads.</summary>
    public SampleDirection Direction { get; }

    /// <summary>The one value a sample expression gets (HAProxy's fetch without
    /// <c>SMP_OPT_ITERATE</c>), or null when not found.</summary>
    public Func<HttpExchange, SampleArgs, object?> Fetch { get; }

    /// <summary>Checks the arguments beyond their kinds when the configuration is read: the reason
    /// they are refused, or null.</summary>
    public Func<SampleArgs, string?>? Check { get; init; }

    /// <summary>Reads what its arguments name, once, when the configuration is read (a stick
    /// table); its result is <see cref="SampleArgs.Prepared"/>. Throws
    /// <see cref="SampleSyntaxException"/> to refuse them.</summary>
    public Func<SampleArgs, SampleFiles, object>? Prepare { get; init; }

    /// <summary>True when it reads the request body, which the frontend must then read first (as
    /// HAProxy's <c>option http-buffer-request</c> does).</summary>
    public bool NeedsBody { get; init; }

    /// <summary>True for a fetch of a TCP connection's request contents (<c>req.len</c>,
    /// <c>req.payload</c>…), which a <c>tcp-request connection</c> rule runs too early to see.</summary>
    public bool ReadsContent { get; init; }

    /// <summary>Why the fetch is refused in mode http (HAProxy gives it a meaning there that
    /// ActorProxy has no counterpart for), or null.</summary>
    public string? RefusedInHttp { get; init; }

    /// <summary>How the fetch's ACL keyword reads a pattern into the one its match method reads
    /// (HAProxy's acl keyword parse function, as pat_parse_dotted_ver), or null for the method's own.</summary>
    public Func<string, string>? AclPattern { get; init; }

    /// <summary>For fetches with several values (headers, cookies), every value in turn, as an
    /// ACL tries them (<c>SMP_F_NOT_LAST</c>); null when the fetch has only one.</summary>
    public Func<HttpExchange, SampleArgs, IEnumerable<object>>? Each { get; }
}

/// <summary>One built-in converter (HAProxy's <c>struct sample_conv</c>).</summary>
public sealed class SampleConverterDefinition
{
    /// <summary>Creates a converter.</summary>
    public SampleConverterDefinition(string name, SampleType input, SampleType output, SampleArgSpec args,
        Func<object, SampleArgs, HttpExchange, object?> convert)
    {
        Name = name;
        Input = input;
        Output = output;
        Args = args;
        Convert = convert;
    }

    /// <summary>The keyword.</summary>
    public string Name { get; }

    /// <summary>The type it takes; the sample is cast to it first.</summary>
    public SampleType Input { get; }

    /// <summary>The type it returns.</summary>
    public SampleType Output { get; }

    /// <summary>Its arguments.</summary>
    public SampleArgSpec Args { get; }

    /// <summary>Checks the arguments beyond their kinds: the reason they are refused, or null.</summary>
    public Func<SampleArgs, string?>? Check { get; init; }

    /// <summary>Options for its regular expression arguments, from the arguments as written.</summary>
    public Func<IReadOnlyList<string>, System.Text.RegularExpressions.RegexOptions>? RegexOptions { get; init; }

    /// <summary>Reads what its arguments name, once, when the configuration is read (a map file,
    /// from the configuration's files); its result is <see cref="SampleArgs.Prepared"/>. Throws
    /// <see cref="SampleSyntaxException"/> to refuse them.</summary>
    public Func<SampleArgs, SampleFiles, object>? Prepare { get; init; }

    /// <summary>(input already cast to <see cref="Input"/>, arguments, transaction) → sample, or null when it fails.</summary>
    public Func<object, SampleArgs, HttpExchange, object?> Convert { get; }
}
