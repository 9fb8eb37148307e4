using System.Security.Cryptography;
using ActorProxy.Runtime.Config;

namespace ActorProxy.Actors.Lua;

/// <summary>The SHA-256 of a state's files, in their configured order: nodes of one cluster must
/// have the same <c>lua-load</c> files, since any of them may host the shared state.</summary>
internal static class LuaFilesDigest
{
    /// <summary>The digest of <paramref name="files"/> as they are on disk now, in hex.</summary>
    public static string Of(IReadOnlyList<LuaFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file.Name + "\n"));
            hash.AppendData(File.Exists(file.Path) ? File.ReadAllBytes(file.Path) : []);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
