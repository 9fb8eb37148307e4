namespace ActorProxy.Runtime.Samples;

/// <summary>What uses a pattern reference (HAProxy's <c>PAT_REF_MAP</c>, <c>PAT_REF_ACL</c>): the
/// runtime's <c>show map</c> lists those of maps, <c>show acl</c> those of ACLs.</summary>
[Flags]
public enum PatternUsers
{
    /// <summary>Nothing yet.</summary>
    None = 0,

    /// <summary>A map: a converter, a set-map rule, an ACL's <c>-M</c>.</summary>
    Map = 1,

    /// <summary>An ACL expression, by its patterns or a <c>-f</c> file.</summary>
    Acl = 2,
}
