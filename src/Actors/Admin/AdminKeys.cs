using System.Security.Cryptography;
using System.Text;

namespace ActorProxy.Actors.Admin;

/// <summary>
/// The keys an admin tool presents with a command from another process, each granting one
/// <see cref="AdminLevel"/>. Only their SHA-256 digests are kept, and a key is compared in
/// constant time, so a wrong key tells nothing about a right one.
/// </summary>
public sealed class AdminKeys
{
    private readonly (AdminLevel Level, byte[] Digest)[] _keys;

    /// <summary>Creates the set from each level's key.</summary>
    public AdminKeys(IEnumerable<KeyValuePair<AdminLevel, string>> keys)
    {
        _keys = keys.Select(k => (k.Key, Digest(k.Value))).ToArray();
    }

    /// <summary>No keys: only commands sent from inside the node's own process are run.</summary>
    public static AdminKeys None { get; } = new([]);

    /// <summary>The level <paramref name="key"/> grants, or null when it matches none.</summary>
    public AdminLevel? LevelOf(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }
        byte[] digest = Digest(key);
        AdminLevel? level = null;
        // Every digest is compared, whatever matches first, so the time taken does not say which.
        foreach (var (keyLevel, keyDigest) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, keyDigest) && (level is null || keyLevel > level))
            {
                level = keyLevel;
            }
        }
        return level;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));
}
