namespace ActorProxy.Runtime.Samples;

/// <summary>
/// The type of a sample, as HAProxy's <c>SMP_T_*</c>. A sample's value is a <see cref="bool"/>,
/// a <see cref="long"/>, a <see cref="System.Net.IPAddress"/>, a <see cref="string"/> or a
/// <see cref="byte"/> array, in that order; null means "not found".
/// </summary>
public enum SampleType
{
    /// <summary><c>SMP_T_BOOL</c></summary>
    Bool,

    /// <summary><c>SMP_T_SINT</c>: a signed 64-bit integer.</summary>
    SInt,

    /// <summary><c>SMP_T_IPV4</c> or <c>SMP_T_IPV6</c>.</summary>
    Ip,

    /// <summary><c>SMP_T_STR</c></summary>
    Str,

    /// <summary><c>SMP_T_BIN</c>: bytes.</summary>
    Bin,

    /// <summary><c>SMP_T_ANY</c>: a converter that takes whatever it is given.</summary>
    Any,
}
