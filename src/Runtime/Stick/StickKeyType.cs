namespace ActorProxy.Runtime.Stick;

/// <summary>A stick table's key type (HAProxy's <c>type</c> keywords).</summary>
public enum StickKeyType
{
    /// <summary><c>ip</c>: an IPv4 address.</summary>
    Ip,
    /// <summary><c>ipv6</c>: an IPv6 address; IPv4 ones are stored mapped.</summary>
    Ipv6,
    /// <summary><c>integer</c>: a 32-bit integer.</summary>
    Number,
    /// <summary><c>string [len N]</c>: up to N bytes (32 by default).</summary>
    Text,
    /// <summary><c>binary [len N]</c>: N bytes, padded with zeros (32 by default).</summary>
    Binary,
}
