namespace ActorProxy.Runtime.Rules;

/// <summary>
/// An ACL's or a condition's result (HAProxy's enum acl_test_res): the values are HAProxy's, so
/// that AND is <c>&amp;</c> and OR is <c>|</c> over the three states.
/// </summary>
public enum AclResult
{
    /// <summary>It does not hold.</summary>
    Fail = 0,

    /// <summary>Not known yet: it does not hold on the data so far, and more data could change that.</summary>
    Miss = 1,

    /// <summary>It holds.</summary>
    Pass = 3,
}
