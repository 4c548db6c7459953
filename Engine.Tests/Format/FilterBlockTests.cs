using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using SlateFast.Format;
using SlateFast.Memory;
using SlateFast.Sst;
using Xunit.Abstractions;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Format;

/// <summary>
/// The filter section in SlateDB 0.12's legacy and 0.13+'s composite layout. The byte vectors
/// are the example bytes of spec §5.8.5, recomputed here with
/// SlateFast's own SipHash-1-3, bloom builder and CRC before being pinned.
/// </summary>
public sealed class FilterBlockTests(ITestOutputHelper output)
{
    private const string Path = "db/compacted/01TEST.sst";
    private const long Offset = 4242;

    // Example 1: the default policy `_bf`, 10 bits per key, rows key1, key2, key3.
    private const string Example1Bloom = "00068d0ab389";
    private const string Example1LegacySection = Example1Bloom + "77aa79cc";
    private const string Example1CompositePayload = "0001" + "0003" + "5f6266" + "0000000000000006" + Example1Bloom;
    private const string Example1CompositeSection = Example1CompositePayload + "39ed3853";

    // Example 2: policies [_bf, _bf:p=fixed3] over rows aaa1, aaa2, bbb1.
    private const string Example2Bloom = "000632b042c2";
    private const string Example2PrefixBloom = "0006a022d4111ac153";
    private const string Example2CompositePayload =
        "0002" + "0003" + "5f6266" + "0000000000000006" + Example2Bloom +
        "000c" + "5f62663a703d666978656433" + "0000000000000009" + Example2PrefixBloom;
    private const string Example2CompositeSection = Example2CompositePayload + "8134a058";

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static byte[] Bloom(IEnumerable<ulong> hashes)
    {
        var builder = new BloomFilterBuilder();
        foreach (var hash in hashes)
        {
            builder.AddHash(hash);
        }

        var buffer = new ArrayBufferWriter<byte>();
        builder.Build(10, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] BloomOfKeys(params string[] keys) => Bloom(keys.Select(k => SipHash13.Hash(Ascii(k))));

    private static byte[] Section(ReadOnlySpan<byte> payload)
    {
        using var buffer = new PooledBufferWriter(256);
        SstSections.Write(payload, CompressionCodec.None, null, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Composite(params (string Name, byte[] Data)[] filters) => CompositeWithCount(filters.Length, filters);

    private static byte[] CompositeWithCount(int count, params (string Name, byte[] Data)[] filters)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FilterBlock.WriteCount(buffer, count);
        foreach (var (name, data) in filters)
        {
            FilterBlock.WriteEntryHeader(buffer, name, data.Length);
            buffer.Write(data);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static FilterSection Decode(byte[] payload) => FilterBlock.Decode(payload, FilterFormat.Composite, Path, Offset);

    private static SlateFastException AssertData(byte[] payload)
    {
        var e = Assert.Throws<SlateFastException>(() => Decode(payload));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains(Path, e.Message, StringComparison.Ordinal);
        Assert.Contains($"offset {Offset}", e.Message, StringComparison.Ordinal);
        return e;
    }

    [Theory]
    [InlineData("key1", 0x1d69258c06d49bf7UL)]
    [InlineData("key2", 0x6c4ae3088eed8fd8UL)]
    [InlineData("key3", 0x635f23e6d25c89b5UL)]
    [InlineData("aaa", 0xf752893a6c769652UL)]
    [InlineData("bbb", 0x3f7698fd16be96fbUL)]
    public void The_research_hashes_are_SipHash_1_3_with_a_zero_key(string key, ulong expected)
    {
        Assert.Equal(expected, SipHash13.Hash(Ascii(key)));
    }

    [Fact]
    public void Example_1_bloom_and_legacy_section_match_the_engine()
    {
        var bloom = BloomOfKeys("key1", "key2", "key3");
        Assert.Equal(Example1Bloom, ToHex(bloom));
        Assert.Equal(Example1LegacySection, ToHex(Section(bloom)));
    }

    [Fact]
    public void Example_1_composite_block_wraps_the_same_bloom_as_the_one_filter_named_bf()
    {
        var payload = Composite(("_bf", Hex(Example1Bloom)));
        Assert.Equal(Example1CompositePayload, ToHex(payload));
        Assert.Equal(Example1CompositeSection, ToHex(Section(payload)));
        Assert.Equal(payload.Length, FilterBlock.CompositeLength("_bf", Hex(Example1Bloom).Length));

        var section = Decode(payload);
        Assert.Equal(["_bf"], section.Names);
        var filter = Assert.NotNull(section.Filter);
        Assert.Equal(6, filter.NumProbes);
        Assert.Equal(32UL, filter.BitCount);
        Assert.All(["key1", "key2", "key3"], k => Assert.True(filter.MightContain(Ascii(k))));
    }

    [Fact]
    public void Example_1_is_what_the_sst_builder_writes_in_composite_mode()
    {
        byte[] Build(FilterFormat format)
        {
            using var builder = new SstBuilder(new SstBuildSettings(4096, CompressionCodec.None, 10, 1, SstType.Compacted, format));
            ulong seq = 3;
            foreach (var key in new[] { "key1", "key2", "key3" })
            {
                builder.Add(new RowEntry(Ascii(key), Ascii("v"), seq--, RowKind.Value));
            }

            var info = builder.Finish();
            Assert.Equal(format, info.FilterFormat);
            return builder.Pending.Span.Slice((int)info.FilterOffset, (int)info.FilterLength).ToArray();
        }

        Assert.Equal(Example1LegacySection, ToHex(Build(FilterFormat.Legacy)));
        Assert.Equal(Example1CompositeSection, ToHex(Build(FilterFormat.Composite)));
    }

    [Fact]
    public void Example_2_two_policies_match_the_engine_and_each_serves_its_queries()
    {
        var bloom = BloomOfKeys("aaa1", "aaa2", "bbb1");
        Assert.Equal(Example2Bloom, ToHex(bloom));

        // SlateDB's prefix policy hashes a key's prefix when it differs from the previous row's,
        // then the whole key: aaa, aaa1, aaa2, bbb, bbb1.
        var prefixBloom = BloomOfKeys("aaa", "aaa1", "aaa2", "bbb", "bbb1");
        Assert.Equal(Example2PrefixBloom, ToHex(prefixBloom));

        var payload = Composite(("_bf", bloom), ("_bf:p=fixed3", prefixBloom));
        Assert.Equal(Example2CompositePayload, ToHex(payload));
        Assert.Equal(Example2CompositeSection, ToHex(Section(payload)));

        var section = Decode(payload);
        Assert.Equal(["_bf", "_bf:p=fixed3"], section.Names);
        var filter = Assert.NotNull(section.Filter);
        var expected = BloomFilter.Parse(bloom);
        Assert.Equal(expected.BitCount, filter.BitCount);
        for (int i = 0; i < 2000; i++)
        {
            var hash = SipHash13.Hash(Ascii($"probe-{i}"));
            Assert.Equal(expected.MightContain(hash), filter.MightContain(hash));
        }

        // The prefix bloom is kept too, for queries whose extractor is named fixed3.
        var kept = Assert.Single(section.PrefixFilters);
        Assert.Equal(("fixed3", true), (kept.ExtractorName, kept.WholeKeys));
        Assert.Equal(bloom.Length + prefixBloom.Length, section.RetainedBytes);
        Assert.False(section.MayContainPrefix(Ascii("zzz"), PrefixExtractor.FixedLength(3, "fixed3")));
        Assert.True(section.MayContainPrefix(Ascii("bbb"), PrefixExtractor.FixedLength(3, "fixed3")));
    }

    [Fact]
    public void The_bf_filter_is_found_wherever_it_is_in_the_block()
    {
        var section = Decode(Composite(("_bf:p=fixed3", Hex(Example2PrefixBloom)), ("other", [1, 2, 3]), ("_bf", Hex(Example2Bloom))));
        Assert.Equal(["_bf:p=fixed3", "other", "_bf"], section.Names);
        Assert.Equal(32UL, Assert.NotNull(section.Filter).BitCount);
    }

    [Fact]
    public void A_prefix_filter_alone_is_ignored_and_the_sst_reads_as_having_no_filter()
    {
        var section = Decode(Composite(("_bf:p=fixed3", Hex(Example2PrefixBloom))));
        Assert.Null(section.Filter);
        Assert.Equal(["_bf:p=fixed3"], section.Names);
    }

    [Theory]
    [InlineData("_bf:wh=0")]
    [InlineData("_bf:p=fixed3:wh=0")]
    [InlineData("_BF")]
    [InlineData("_bf ")]
    [InlineData("slatedb.BloomFilter")]
    [InlineData("")]
    public void Filters_not_named_exactly_bf_are_ignored(string name)
    {
        var section = Decode(Composite((name, Hex(Example2Bloom))));
        Assert.Null(section.Filter);
        Assert.Equal([name], section.Names);
    }

    [Fact]
    public void A_block_of_zero_filters_is_no_filter()
    {
        var section = Decode(Composite());
        Assert.Null(section.Filter);
        Assert.Empty(section.Names);
    }

    [Fact]
    public void A_bf_filter_of_no_bits_is_no_filter_rather_than_absent_everything()
    {
        // SlateDB 0.15 answers "absent" for a zero-bit bloom; reading the blocks is right whatever the SST holds.
        var section = Decode(Composite(("_bf", [0x00, 0x06])));
        Assert.Null(section.Filter);
        Assert.Equal(["_bf"], section.Names);
    }

    [Fact]
    public void A_bf_filter_shorter_than_its_probe_count_is_data_corruption()
    {
        AssertData(Composite(("_bf", [0x00])));
        AssertData(Composite(("_bf", [])));
        AssertData(Composite(("_bf", [0x00, 0x00, 0xFF])));
    }

    [Fact]
    public void Two_bf_filters_are_data_corruption()
    {
        var e = AssertData(Composite(("_bf", Hex(Example2Bloom)), ("_bf", Hex(Example1Bloom))));
        Assert.Contains("second '_bf'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_is_data_corruption()
    {
        foreach (var full in new[] { Hex(Example1CompositePayload), Hex(Example2CompositePayload) })
        {
            for (int length = 0; length < full.Length; length++)
            {
                AssertData(full[..length]);
            }

            Assert.NotNull(Decode(full).Filter);
        }
    }

    [Fact]
    public void Bytes_after_the_last_filter_are_ignored_as_SlateDB_ignores_them()
    {
        var section = Decode([.. Hex(Example1CompositePayload), 0xDE, 0xAD]);
        Assert.Equal(["_bf"], section.Names);
        Assert.NotNull(section.Filter);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0xFFFF)]
    public void A_count_beyond_the_filters_present_is_data_corruption(int count)
    {
        var payload = Hex(Example2CompositePayload);
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)count);
        AssertData(payload);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(60)]
    [InlineData(0xFFFF)]
    public void A_name_length_beyond_the_block_or_misaligning_it_is_data_corruption(int nameLength)
    {
        var payload = Hex(Example1CompositePayload);
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), (ushort)nameLength);
        AssertData(payload);
    }

    [Theory]
    [InlineData(7UL)]
    [InlineData(0x7FFF_FFFFUL)]
    [InlineData(0x8000_0000UL)]
    [InlineData(0x1_0000_0006UL)]
    [InlineData(ulong.MaxValue)]
    public void A_data_length_beyond_the_block_is_data_corruption(ulong dataLength)
    {
        var payload = Hex(Example1CompositePayload);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(7), dataLength);
        var e = AssertData(payload);
        Assert.Contains($"data length {dataLength}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_entry_whose_data_length_runs_past_the_end_is_data_corruption()
    {
        var payload = Hex(Example2CompositePayload);
        int at = 2 + 2 + 3 + 8 + 6 + 2 + 12;
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(at), 10);
        AssertData(payload);
    }

    [Fact]
    public void A_name_that_is_not_UTF_8_is_data_corruption()
    {
        var payload = Hex(Example1CompositePayload);
        payload[4] = 0xFF;
        payload[5] = 0xC0;
        var e = AssertData(payload);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_legacy_section_is_one_unnamed_bloom_filter_as_before()
    {
        var section = FilterBlock.Decode(Hex(Example1Bloom), FilterFormat.Legacy, Path, Offset);
        Assert.Empty(section.Names);
        var filter = Assert.NotNull(section.Filter);
        Assert.True(filter.MightContain(Ascii("key2")));
        Assert.Equal(6, section.RetainedBytes);

        // A composite block read as legacy would be a bloom of probe count 1: the format decides, never the bytes.
        var misread = FilterBlock.Decode(Hex(Example1CompositePayload), FilterFormat.Legacy, Path, Offset);
        Assert.Equal(1, Assert.NotNull(misread.Filter).NumProbes);

        var e = Assert.Throws<SlateFastException>(() => FilterBlock.Decode(Hex("0006"), FilterFormat.Legacy, Path, Offset));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains(Path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_corruption_is_data_corruption_or_a_decoded_block_never_another_error()
    {
        var random = new Random(TestSeed.Next(output));
        var original = Hex(Example2CompositePayload);
        for (int i = 0; i < 5000; i++)
        {
            var payload = original.ToArray();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                payload[random.Next(payload.Length)] = (byte)random.Next(256);
            }

            try
            {
                Decode(payload);
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
            }
        }
    }
}
