using System.Globalization;

namespace SlateFast.Manifest;

/// <summary>
/// Object names of a database: <c>&lt;db&gt;/manifest/&lt;20-digit id&gt;.manifest</c>,
/// <c>&lt;db&gt;/compactions/&lt;id&gt;.compactions</c>, <c>&lt;db&gt;/wal/&lt;id&gt;.sst</c> and
/// <c>&lt;db&gt;/compacted/&lt;ULID&gt;.sst</c>, and parsing of listed file names. A name that does
/// not parse is not an error: listings skip it, as SlateDB does.
/// </summary>
internal static class DbPaths
{
    public const string ManifestDir = "manifest";
    public const string CompactionsDir = "compactions";
    public const string WalDir = "wal";
    public const string CompactedDir = "compacted";
    public const string ManifestExtension = "manifest";
    public const string CompactionsExtension = "compactions";

    public static string ManifestPath(string db, ulong id) => VersionedPath(db, ManifestDir, ManifestExtension, id);

    public static string CompactionsPath(string db, ulong id) => VersionedPath(db, CompactionsDir, CompactionsExtension, id);

    /// <summary>A version of a versioned namespace (manifest, compactions): 20-digit id and extension.</summary>
    public static string VersionedPath(string db, string dir, string extension, ulong id) => Join(db, dir, $"{Id(id)}.{extension}");

    public static string WalSstPath(string db, ulong id) => Join(db, WalDir, $"{Id(id)}.sst");

    public static string CompactedSstPath(string db, Ulid id) => Join(db, CompactedDir, $"{id}.sst");

    /// <summary>
    /// Where compacted SST <paramref name="id"/> of a database lives: under the path of the external
    /// database (a clone's parent) whose list holds it, else under <paramref name="db"/> (spec §2, §9.7).
    /// </summary>
    public static string CompactedSstPath(string db, System.Collections.Immutable.ImmutableArray<ExternalDb> externalDbs, Ulid id)
    {
        foreach (var external in externalDbs)
        {
            if (external.SstIds.Contains(id))
            {
                return CompactedSstPath(external.Path, id);
            }
        }

        return CompactedSstPath(db, id);
    }

    /// <summary>The directory prefix (with trailing slash) to list for <paramref name="dir"/>.</summary>
    public static string DirPrefix(string db, string dir) => Join(db, dir, string.Empty);

    /// <summary>A manifest file name: extension <c>manifest</c>, part before the first dot a u64.</summary>
    public static bool TryParseManifestName(string fileName, out ulong id) => TryParseVersionedName(fileName, ManifestExtension, out id);

    public static bool TryParseCompactionsName(string fileName, out ulong id) => TryParseVersionedName(fileName, CompactionsExtension, out id);

    public static bool TryParseVersionedName(string fileName, string extension, out ulong id) =>
        TryParseIdWithExtension(FileName(fileName), extension, out id);

    /// <summary>A WAL SST name: the part before the first dot is a u64 (the extension is not checked).</summary>
    public static bool TryParseWalSstName(string fileName, out ulong id) => TryParseU64(Stem(FileName(fileName)), out id);

    /// <summary>Whether <paramref name="path"/> names a WAL object of some database: a WAL SST name in a folder named <c>wal</c>.</summary>
    public static bool IsWalObjectPath(string path)
    {
        var slash = path.LastIndexOf('/');
        var dir = slash < 0 ? ReadOnlySpan<char>.Empty : path.AsSpan(0, slash);
        return (dir.SequenceEqual(WalDir) || dir.EndsWith("/" + WalDir, StringComparison.Ordinal)) && TryParseWalSstName(path, out _);
    }

    /// <summary>A compacted SST name: the part before the first dot is a ULID.</summary>
    public static bool TryParseCompactedSstName(string fileName, out Ulid id) => Ulid.TryParse(Stem(FileName(fileName)), out id);

    private static string Id(ulong id) => id.ToString("D20", CultureInfo.InvariantCulture);

    private static string Join(string db, string dir, string name)
    {
        var root = db.TrimEnd('/');
        return root.Length == 0 ? $"{dir}/{name}" : $"{root}/{dir}/{name}";
    }

    private static ReadOnlySpan<char> FileName(string path)
    {
        int slash = path.LastIndexOf('/');
        return path.AsSpan(slash + 1);
    }

    private static ReadOnlySpan<char> Stem(ReadOnlySpan<char> name)
    {
        int dot = name.IndexOf('.');
        return dot < 0 ? name : name[..dot];
    }

    private static bool TryParseIdWithExtension(ReadOnlySpan<char> name, string extension, out ulong id)
    {
        id = 0;
        int lastDot = name.LastIndexOf('.');
        return lastDot >= 0 && name[(lastDot + 1)..].SequenceEqual(extension) && TryParseU64(Stem(name), out id);
    }

    // Rust's u64 parsing: optional '+', then one or more ASCII digits, no overflow.
    private static bool TryParseU64(ReadOnlySpan<char> text, out ulong id)
    {
        if (text.Length > 0 && text[0] == '+')
        {
            text = text[1..];
        }

        id = 0;
        return text.Length > 0
            && !text.ContainsAnyExcept("0123456789")
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}
