namespace ActorProxy.Runtime.Rules;

/// <summary>How an ACL compares its sample to its patterns (HAProxy's <c>-m</c>, <c>PAT_MATCH_*</c>).</summary>
public enum AclMatchMethod
{
    /// <summary><c>found</c>: the sample exists; patterns are not compared.</summary>
    Found,

    /// <summary><c>bool</c>: the sample as an integer is not zero; patterns are ignored.</summary>
    Bool,

    /// <summary><c>int</c>: integers, ranges <c>a:b</c>, operators <c>eq ge gt le lt</c>.</summary>
    Number,

    /// <summary><c>ip</c>: IPv4 and IPv6 addresses and networks.</summary>
    Ip,

    /// <summary><c>bin</c>: bytes written in hexadecimal.</summary>
    Bin,

    /// <summary><c>len</c>: the sample's length, as <see cref="Number"/>.</summary>
    Len,

    /// <summary><c>str</c>: exact string.</summary>
    Str,

    /// <summary><c>sub</c>: substring.</summary>
    Sub,

    /// <summary><c>reg</c>: regular expression.</summary>
    Reg,

    /// <summary><c>beg</c>: prefix.</summary>
    Beg,

    /// <summary><c>end</c>: suffix.</summary>
    End,

    /// <summary><c>dir</c>: a slash-delimited part.</summary>
    Dir,

    /// <summary><c>dom</c>: a dot-delimited part.</summary>
    Dom,
}
