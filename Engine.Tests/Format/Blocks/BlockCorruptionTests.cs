using SlateFast.Fuzz.Seeds;
using SlateFast.Format;
using Xunit.Abstractions;
using SlateFast.Format.Rows;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Format;

public sealed class BlockCorruptionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_truncation_of_a_block_is_a_data_error_or_a_readable_block(int version)
    {
        var format = (BlockFormat)version;
        byte[] block = SampleBlock(format);
        int dataErrors = 0;
        for (int length = 0; length < block.Length; length++)
        {
            dataErrors += ReadFully(block[..length], format) ? 0 : 1;
        }

        // A cut leaves a random u16 as the count; only rare cuts read as a block at all.
        output.WriteLine($"{dataErrors} of {block.Length} truncations were data errors");
        Assert.True(dataErrors >= block.Length * 9 / 10);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Flipped_trailer_bits_give_a_data_error_or_a_readable_block(int version)
    {
        var format = (BlockFormat)version;
        byte[] block = SampleBlock(format);
        int trailer = 2 + (2 * ((block[^2] << 8) | block[^1]));
        for (int i = block.Length - trailer; i < block.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] copy = (byte[])block.Clone();
                copy[i] ^= (byte)(1 << bit);
                ReadFully(copy, format);
            }
        }
    }

    [SeededProperty(MaxTest = 2000)]
    public void Random_mutations_never_escape_as_anything_but_data_errors_V1(CaseSeed seed) =>
        Random_mutations_never_escape_as_anything_but_data_errors(BlockFormat.V1, seed);

    [SeededProperty(MaxTest = 2000)]
    public void Random_mutations_never_escape_as_anything_but_data_errors_V2(CaseSeed seed) =>
        Random_mutations_never_escape_as_anything_but_data_errors(BlockFormat.V2, seed);

    private static void Random_mutations_never_escape_as_anything_but_data_errors(BlockFormat format, CaseSeed seed)
    {
        byte[] copy = SampleBlock(format);
        var rng = seed.NewRandom();
        for (int i = rng.Next(1, 5); i > 0; i--)
        {
            copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
        }

        ReadFully(copy, format);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("AA0000")]           // rows but a count of 0
    [InlineData("0000000005")]       // 5 offsets need 12 bytes
    [InlineData("AABB00000000" + "0002")] // offsets not increasing
    [InlineData("AABB0001" + "0001")]     // first offset not 0
    [InlineData("AABB0000" + "0004" + "0002")] // offset beyond the rows
    public void Malformed_trailer_is_a_data_error(string hex)
    {
        var it = new BlockIterator();
        foreach (BlockFormat format in new[] { BlockFormat.V1, BlockFormat.V2 })
        {
            var e = Assert.Throws<SlateFastException>(() => it.Reset(Convert.FromHexString(hex), format));
            Assert.Equal(ErrorKind.Data, e.Kind);
        }
    }

    [Fact]
    public void Row_with_bad_flags_is_a_data_error()
    {
        byte[] block = Convert.FromHexString("000100" + "6B" + "0000000000000001" + "10" + "0000" + "0001");
        AssertDataErrorOnRead(block, BlockFormat.V2);
    }

    [Fact]
    public void Row_with_an_overflowing_varint_is_a_data_error()
    {
        byte[] block = Convert.FromHexString("00FFFFFFFF1F00" + "6B" + "0000000000000001" + "00" + "0000" + "0001");
        AssertDataErrorOnRead(block, BlockFormat.V2);
    }

    [Fact]
    public void Restart_row_sharing_key_bytes_is_a_data_error()
    {
        byte[] block = Convert.FromHexString("010100" + "6B" + "0000000000000001" + "00" + "0000" + "0001");
        AssertDataErrorOnRead(block, BlockFormat.V2);
    }

    [Fact]
    public void Row_sharing_more_than_the_previous_key_is_a_data_error()
    {
        byte[] block = Convert.FromHexString(
            "000100" + "6B" + "0000000000000002" + "00"
            + "030100" + "6C" + "0000000000000001" + "00"
            + "0000" + "0001");
        AssertDataErrorOnRead(block, BlockFormat.V2);
    }

    [Fact]
    public void V1_row_that_does_not_end_at_the_next_offset_is_a_data_error()
    {
        using var builder = new BlockBuilderV1(4096);
        builder.TryAdd(RowEntry.Put("a"u8, "1"u8, 2));
        builder.TryAdd(RowEntry.Put("b"u8, "2"u8, 1));
        byte[] block = builder.Finish().ToArray();
        block[^3] -= 1; // second offset one byte early
        AssertDataErrorOnRead(block, BlockFormat.V1);
    }

    private static void AssertDataErrorOnRead(byte[] block, BlockFormat format)
    {
        Assert.False(ReadFully(block, format));
    }

    /// <summary>Reads every row forward and backward and seeks; true if it all worked, false on a Data error.</summary>
    private static bool ReadFully(byte[] block, BlockFormat format)
    {
        var it = new BlockIterator();
        try
        {
            it.Reset(block, format);
            for (bool ok = it.SeekToFirst(); ok; ok = it.MoveNext())
            {
                _ = it.Current;
            }

            for (bool ok = it.SeekToLast(); ok; ok = it.MovePrev())
            {
                _ = it.Key;
            }

            it.Seek("m"u8);
            it.Seek([]);
            return true;
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
        {
            return false;
        }
    }

    [Fact]
    public void A_seek_refuses_unknown_flags_in_every_restart_row_its_binary_search_reads()
    {
        var rows = RandomRows.Sorted(new Random(42), 60, maxKeyLength: 10, maxValueLength: 20);
        byte[] block = SampleBlock(BlockFormat.V2);
        var probe = new BlockIterator();
        probe.Reset(block, BlockFormat.V2);
        Assert.True(probe.OffsetCount >= 3);
        int dataEnd = probe.DataLength;
        for (int restart = 1; restart < probe.OffsetCount; restart++)
        {
            // Unknown bit 0x80 in the flags byte of this restart row (after suffix, value and seq).
            byte[] copy = (byte[])block.Clone();
            int offset = (copy[dataEnd + (2 * restart)] << 8) | copy[dataEnd + (2 * restart) + 1];
            RowParts row = RowCodecV2.Decode(copy.AsSpan(offset, dataEnd - offset));
            copy[offset + row.ValueStart + row.Value.Length + sizeof(ulong)] |= 0x80;
            var it = new BlockIterator();
            it.Reset(copy, BlockFormat.V2);

            // Every seek reads the middle restart row first; the last key reads the later ones too.
            var e = Assert.Throws<SlateFastException>(() => it.Seek(rows[^1].Key));
            Assert.Equal(ErrorKind.Data, e.Kind);
        }
    }

    private static byte[] SampleBlock(BlockFormat format)
    {
        var rows = RandomRows.Sorted(new Random(42), 60, maxKeyLength: 10, maxValueLength: 20);
        return Blocks.Build(rows, format, 65536).Single().Payload;
    }
}
