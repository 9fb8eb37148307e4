namespace ActorProxy.Runtime.Rules;

/// <summary>
/// HAProxy 2.6's ACL keywords (http_acl.c): names such as <c>path_beg</c> that stand for a
/// sample fetch with a match method. Only these exist: <c>src_beg</c>, say, is no keyword in
/// HAProxy either, and is refused as an unknown fetch.
/// </summary>
internal static class AclKeywords
{
    private static readonly Dictionary<string, (string Fetch, AclMatchMethod Method)> s_keywords = Build();

    /// <summary>The fetch and method <paramref name="keyword"/> stands for, if it is an ACL keyword.</summary>
    public static bool TryFind(string keyword, out (string Fetch, AclMatchMethod Method) meaning) =>
        s_keywords.TryGetValue(keyword, out meaning);

    private static Dictionary<string, (string, AclMatchMethod)> Build()
    {
        var keywords = new Dictionary<string, (string, AclMatchMethod)>(StringComparer.Ordinal);
        (string Keyword, string Fetch)[] derived =
        [
            ("base", "base"), ("cook", "req.cook"), ("hdr", "req.hdr"), ("path", "path"),
            ("scook", "res.cook"), ("shdr", "res.hdr"), ("url", "url"), ("urlp", "urlp"),
        ];
        (string Suffix, AclMatchMethod Method)[] suffixes =
        [
            ("", AclMatchMethod.Str), ("_beg", AclMatchMethod.Beg), ("_dir", AclMatchMethod.Dir), ("_dom", AclMatchMethod.Dom),
            ("_end", AclMatchMethod.End), ("_len", AclMatchMethod.Len), ("_reg", AclMatchMethod.Reg), ("_sub", AclMatchMethod.Sub),
        ];
        foreach (var (keyword, fetch) in derived)
        {
            foreach (var (suffix, method) in suffixes)
            {
                keywords.Add(keyword + suffix, (fetch, method));
            }
        }
        keywords.Add("req_ver", ("req.ver", AclMatchMethod.Str));
        return keywords;
    }
}
