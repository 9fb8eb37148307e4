namespace ActorProxy.Runtime.Samples;

/// <summary>One key and value of a map (HAProxy's <c>pat_ref_elt</c>).</summary>
/// <param name="Id">Its number, unique in the process: <c>#0x…</c> names it on the admin channel.</param>
/// <param name="Key">The key, a pattern of the map's match method.</param>
/// <param name="Value">The value, as text.</param>
/// <param name="Line">Its line in the map file; 0 when added at run time.</param>
public sealed record MapEntry(long Id, string Key, string Value, int Line);
