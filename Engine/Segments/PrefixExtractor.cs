using System.Globalization;

namespace SlateFast;

/// <summary>
/// The prefix extractors SlateFast ships, and their spec strings for the C ABI, Python and the CLI
/// (<c>fixed:N</c>, <c>delimiter:C</c>). A program may implement <see cref="IPrefixExtractor"/> itself.
/// </summary>
public static class PrefixExtractor
{
    /// <summary>
    /// The first <paramref name="length"/> bytes; a shorter key or scan prefix has none. Named
    /// <c>fixed:N</c> unless <paramref name="name"/> says otherwise (give the name of the SlateDB
    /// extractor it stands in for).
    /// </summary>
    public static IPrefixExtractor FixedLength(int length, string? name = null)
    {
        if (length < 1)
        {
            ThrowHelper.Invalid($"a fixed-length prefix extractor needs a length of at least 1, not {length}");
        }

        return new FixedLengthExtractor(length, CheckName(name) ?? string.Create(CultureInfo.InvariantCulture, $"fixed:{length}"));
    }

    /// <summary>
    /// Everything up to and including the first <paramref name="delimiter"/>; bytes without one
    /// have none. Named <c>first-delim-C</c> (the name SlateDB's own test workloads give this
    /// logic for <c>/</c>) unless <paramref name="name"/> says otherwise.
    /// </summary>
    public static IPrefixExtractor UpToDelimiter(byte delimiter, string? name = null) =>
        new DelimiterExtractor(delimiter, CheckName(name) ?? "first-delim-" + (char)delimiter);

    /// <summary>
    /// Builds a shipped extractor from its spec: <c>fixed:N</c> or <c>delimiter:C</c> (C one ASCII
    /// character), either optionally followed by <c>@NAME</c> to set its name. Anything else is
    /// <see cref="ErrorKind.Invalid"/>.
    /// </summary>
    public static IPrefixExtractor Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string? name = null;
        string body = spec;
        int at = spec.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            name = spec[(at + 1)..];
            body = spec[..at];
        }

        if (body.StartsWith("fixed:", StringComparison.Ordinal)
            && int.TryParse(body.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int length))
        {
            return FixedLength(length, name);
        }

        if (body.StartsWith("delimiter:", StringComparison.Ordinal) && body.Length == 11 && body[10] is > '\0' and < (char)0x80)
        {
            return UpToDelimiter((byte)body[10], name);
        }

        return ThrowHelper.Invalid<IPrefixExtractor>($"prefix extractor spec '{spec}': expected fixed:N or delimiter:C, optionally followed by @NAME");
    }

    private static string? CheckName(string? name)
    {
        if (name is not null && (name.Length == 0 || name.Length > 1024))
        {
            ThrowHelper.Invalid($"a prefix extractor name must be 1..1024 characters, not {name.Length}");
        }

        return name;
    }

    private sealed class FixedLengthExtractor(int length, string name) : IPrefixExtractor
    {
        public string Name => name;

        // Any bytes extending a scan prefix of at least N bytes keep its first N: safe for both targets.
        public int PrefixLength(ReadOnlySpan<byte> bytes, PrefixTarget target) => bytes.Length >= length ? length : -1;

        public override string ToString() => name;
    }

    private sealed class DelimiterExtractor(byte delimiter, string name) : IPrefixExtractor
    {
        public string Name => name;

        // A scan prefix that holds the delimiter fixes where every matching key's first one is; one
        // without it does not (a longer key may place it anywhere after), so it gets none.
        public int PrefixLength(ReadOnlySpan<byte> bytes, PrefixTarget target)
        {
            int i = bytes.IndexOf(delimiter);
            return i < 0 ? -1 : i + 1;
        }

        public override string ToString() => name;
    }
}
