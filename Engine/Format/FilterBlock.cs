using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using SlateFast.Sst;

namespace SlateFast.Format;

/// <summary>What an SST's filter section holds, as far as SlateFast can use it.</summary>
/// <param name="Filter">The whole-key bloom filter point reads consult; null: every point read goes to the blocks.</param>
/// <param name="Names">
/// The names of every filter of a composite block, in block order, the ignored ones included;
/// empty for a legacy block, whose single bloom filter carries no name.
/// </param>
/// <param name="RetainedBytes">Bytes <paramref name="Filter"/> keeps alive, for the metadata charge.</param>
internal readonly record struct FilterSection(BloomFilter? Filter, IReadOnlyList<string> Names, long RetainedBytes)
{
    public static FilterSection None => new(null, [], 0);

    /// <summary>The prefix blooms of a composite block (<c>_bf:p=NAME</c>, SlateDB 0.13+), by extractor name; empty otherwise.</summary>
    public IReadOnlyList<PrefixBloom> PrefixFilters { get; init; } = [];

    /// <summary>
    /// False only when a filter proves <paramref name="key"/> is not in the SST: the whole-key
    /// bloom, else a prefix bloom of <paramref name="extractor"/>'s name (its whole-key hashes, or
    /// with <c>:wh=0</c> the key's prefix). A prefix bloom with whole keys answers without the
    /// extractor, since those hashes are the key's own.
    /// </summary>
    public bool MayContainKey(ReadOnlySpan<byte> key, IPrefixExtractor? extractor)
    {
        if (Filter is { } whole)
        {
            return whole.MightContain(key);
        }

        foreach (var p in PrefixFilters)
        {
            if (p.WholeKeys)
            {
                return p.Bloom.MightContain(key);
            }
        }

        if (extractor is not null && Find(extractor) is { } prefixOnly)
        {
            int n = extractor.PrefixLength(key, PrefixTarget.Point);
            return n < 0 || n > key.Length || prefixOnly.Bloom.MightContain(key[..n]);
        }

        return true;
    }

    /// <summary>
    /// False only when the prefix bloom of <paramref name="extractor"/>'s name proves no key starts
    /// with <paramref name="prefix"/>: the extractor must give the scan prefix a length (SlateDB's
    /// rule for <c>PrefixTarget::Prefix</c>), and its first that many bytes must be absent.
    /// </summary>
    public bool MayContainPrefix(ReadOnlySpan<byte> prefix, IPrefixExtractor extractor)
    {
        if (Find(extractor) is not { } bloom)
        {
            return true;
        }

        int n = extractor.PrefixLength(prefix, PrefixTarget.Prefix);
        return n < 0 || n > prefix.Length || bloom.Bloom.MightContain(prefix[..n]);
    }

    private PrefixBloom? Find(IPrefixExtractor extractor)
    {
        foreach (var p in PrefixFilters)
        {
            if (p.ExtractorName == extractor.Name)
            {
                return p;
            }
        }

        return null;
    }
}

/// <summary>A bloom filter holding the prefixes an extractor gave an SST's keys, and with <paramref name="WholeKeys"/> the keys too.</summary>
internal sealed record PrefixBloom(string ExtractorName, bool WholeKeys, BloomFilter Bloom);

/// <summary>
/// The payload of an SST's filter section (after CRC check and decompression) in both layouts
/// SlateDB writes: <see cref="FilterFormat.Legacy"/> (0.12: one bloom filter,
/// <c>u16 BE probes</c> then bits) and <see cref="FilterFormat.Composite"/> (0.13+:
/// <c>u16 BE count</c>, then per filter <c>u16 BE name length, UTF-8 name, u64 BE data length, data</c>).
/// </summary>
/// <remarks>
/// Of a composite block, SlateFast keeps the bloom filters SlateDB's <c>BloomFilterPolicy</c> names:
/// <see cref="WholeKeyBloomName"/> (whole keys), and <c>_bf:p=NAME</c> (also the prefixes extractor
/// NAME gave the keys), with <c>:wh=0</c> when whole keys were left out. Which prefix bloom a query
/// may use is decided at query time by the extractor's name (<see cref="FilterSection"/>); any other
/// name is a policy SlateFast does not know and is skipped, as SlateDB skips it. Ignoring a filter
/// only costs block reads, whereas guessing could hide a key.
/// </remarks>
internal static class FilterBlock
{
    /// <summary>SlateDB's name for a whole-key bloom filter without a prefix extractor.</summary>
    public const string WholeKeyBloomName = "_bf";

    private const string PrefixMark = ":p=";
    private const string NoWholeKeys = ":wh=0";

    /// <summary>SlateDB's name of a bloom policy: <c>_bf</c>, then <c>:p=</c> and the extractor's name, then <c>:wh=0</c> without whole keys.</summary>
    public static string BloomName(string? extractorName, bool wholeKeys) =>
        WholeKeyBloomName + (extractorName is null ? string.Empty : PrefixMark + extractorName) + (wholeKeys ? string.Empty : NoWholeKeys);

    // The extractor name and whole-key flag of a prefix bloom's name; false for any other name.
    private static bool TryParsePrefixBloom(string name, out string extractorName, out bool wholeKeys)
    {
        extractorName = string.Empty;
        wholeKeys = true;
        if (!name.StartsWith(WholeKeyBloomName + PrefixMark, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name[(WholeKeyBloomName.Length + PrefixMark.Length)..];
        if (rest.EndsWith(NoWholeKeys, StringComparison.Ordinal))
        {
            wholeKeys = false;
            rest = rest[..^NoWholeKeys.Length];
        }

        extractorName = rest;
        return rest.Length > 0;
    }

    /// <summary>Bytes before the first filter of a composite block.</summary>
    public const int CountLength = 2;

    /// <summary>The framing of one composite entry around its name and data.</summary>
    public const int EntryOverhead = 2 + 8;

    // Strict: a name that is not UTF-8 is a corrupt block (SlateDB refuses it too), not a name to patch up.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads a filter section payload. Anything malformed is <see cref="ErrorKind.Data"/> naming
    /// <paramref name="path"/> and the section's <paramref name="offset"/> in the file. Filters
    /// taken from a composite block are copied out, so the rest of the block is not kept alive.
    /// </summary>
    public static FilterSection Decode(ReadOnlyMemory<byte> payload, FilterFormat format, string path, long offset)
    {
        return format switch
        {
            FilterFormat.Legacy => new FilterSection(ParseBloom(payload, path, offset, "legacy filter block"), [], payload.Length),
            FilterFormat.Composite => DecodeComposite(payload, path, offset),
            _ => ThrowHelper.Data<FilterSection>($"{path}: filter section at offset {offset} has unknown filter format {(byte)format}"),
        };
    }

    /// <summary>Payload length of a composite block holding one filter of <paramref name="dataLength"/> bytes.</summary>
    public static int CompositeLength(string name, int dataLength) =>
        checked(CountLength + EntryOverhead + Encoding.UTF8.GetByteCount(name) + dataLength);

    /// <summary>Writes the count that starts a composite block.</summary>
    public static void WriteCount(IBufferWriter<byte> output, int count)
    {
        if (count is < 0 or > ushort.MaxValue)
        {
            ThrowHelper.Invalid($"a composite filter block holds 0..{ushort.MaxValue} filters, not {count}");
        }

        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(CountLength), (ushort)count);
        output.Advance(CountLength);
    }

    /// <summary>Writes the name and data length of one composite entry; its <paramref name="dataLength"/> bytes of data follow.</summary>
    public static void WriteEntryHeader(IBufferWriter<byte> output, string name, long dataLength)
    {
        int nameLength = Encoding.UTF8.GetByteCount(name);
        if (nameLength > ushort.MaxValue || dataLength < 0)
        {
            ThrowHelper.Invalid($"composite filter entry '{name}': name of {nameLength} bytes or data length {dataLength} does not fit the framing");
        }

        Span<byte> span = output.GetSpan(EntryOverhead + nameLength);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)nameLength);
        Encoding.UTF8.GetBytes(name, span.Slice(2, nameLength));
        BinaryPrimitives.WriteUInt64BigEndian(span.Slice(2 + nameLength), (ulong)dataLength);
        output.Advance(EntryOverhead + nameLength);
    }

    private static FilterSection DecodeComposite(ReadOnlyMemory<byte> payload, string path, long offset)
    {
        ReadOnlySpan<byte> span = payload.Span;
        if (span.Length < CountLength)
        {
            Fail(path, offset, 0, $"{span.Length} bytes is too short for the filter count");
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(span);
        int pos = CountLength;

        // Every entry takes at least its framing: a count the bytes cannot hold is refused before
        // the name list is sized from it.
        if ((long)count * EntryOverhead > span.Length - pos)
        {
            Fail(path, offset, 0, $"{count} filters cannot fit in the {span.Length - pos} bytes after the count");
        }

        var names = new List<string>(count);
        var prefixBlooms = new List<PrefixBloom>();
        long retained = 0;
        int bloomStart = -1, bloomLength = 0;
        for (int i = 0; i < count; i++)
        {
            int entryStart = pos;
            if (span.Length - pos < 2)
            {
                Fail(path, offset, entryStart, $"filter {i} of {count}: {span.Length - pos} bytes left, too few for the name length");
            }

            int nameLength = BinaryPrimitives.ReadUInt16BigEndian(span[pos..]);
            pos += 2;
            if (nameLength > span.Length - pos)
            {
                Fail(path, offset, entryStart, $"filter {i} of {count}: name length {nameLength} exceeds the {span.Length - pos} bytes left");
            }

            string name;
            try
            {
                name = s_strictUtf8.GetString(span.Slice(pos, nameLength));
            }
            catch (DecoderFallbackException e)
            {
                throw new SlateFastException(ErrorKind.Data, Message(path, offset, entryStart, $"filter {i} of {count}: the name is not valid UTF-8"), e);
            }

            pos += nameLength;
            if (span.Length - pos < 8)
            {
                Fail(path, offset, entryStart, $"filter {i} of {count} ('{name}'): {span.Length - pos} bytes left, too few for the data length");
            }

            ulong dataLength = BinaryPrimitives.ReadUInt64BigEndian(span[pos..]);
            pos += 8;
            if (dataLength > (ulong)(span.Length - pos))
            {
                Fail(path, offset, entryStart, $"filter {i} of {count} ('{name}'): data length {dataLength} exceeds the {span.Length - pos} bytes left");
            }

            if (name == WholeKeyBloomName)
            {
                if (bloomStart >= 0)
                {
                    // SlateDB would AND both; two filters under one policy name is not something it
                    // writes, so which one is right cannot be known.
                    Fail(path, offset, entryStart, $"filter {i} of {count}: a second '{WholeKeyBloomName}' filter");
                }

                bloomStart = pos;
                bloomLength = (int)dataLength;
            }

            else if (TryParsePrefixBloom(name, out var extractorName, out var wholeKeys))
            {
                if (prefixBlooms.Any(p => p.ExtractorName == extractorName))
                {
                    Fail(path, offset, entryStart, $"filter {i} of {count}: a second prefix bloom for extractor '{extractorName}'");
                }

                // A bloom of no bits was built from no hashes; it can rule nothing out that blocks would not.
                if ((int)dataLength > BloomFilter.HeaderLength)
                {
                    var bytes = payload.Slice(pos, (int)dataLength).ToArray();
                    prefixBlooms.Add(new PrefixBloom(extractorName, wholeKeys, ParseBloom(bytes, path, offset, $"'{name}' filter at byte {pos} of the composite filter block")));
                    retained += bytes.Length;
                }
            }

            names.Add(name);
            pos += (int)dataLength;
        }

        // Bytes after the last filter are left unread, as SlateDB leaves them.
        // A whole-key bloom of no bits was built from no keys; SlateDB 0.15 answers "absent" to
        // everything (0.13/0.14 fail on it). Reading the blocks is right whatever the SST holds.
        if (bloomStart < 0 || bloomLength == BloomFilter.HeaderLength)
        {
            return new FilterSection(null, names, retained) { PrefixFilters = prefixBlooms };
        }

        var bloom = payload.Slice(bloomStart, bloomLength).ToArray();
        return new FilterSection(ParseBloom(bloom, path, offset, $"'{WholeKeyBloomName}' filter at byte {bloomStart} of the composite filter block"), names, bloom.Length + retained) { PrefixFilters = prefixBlooms };
    }

    private static BloomFilter ParseBloom(ReadOnlyMemory<byte> payload, string path, long offset, string what)
    {
        try
        {
            return BloomFilter.Parse(payload);
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            throw new SlateFastException(ErrorKind.Data, $"{path}: filter section at offset {offset}: bad {what}: {e.Message}", e);
        }
    }

    private static string Message(string path, long offset, int at, string detail) =>
        $"{path}: composite filter block at offset {offset}, byte {at} of its payload: {detail}";

    [DoesNotReturn]
    private static void Fail(string path, long offset, int at, string detail) =>
        throw new SlateFastException(ErrorKind.Data, Message(path, offset, at, detail));
}
