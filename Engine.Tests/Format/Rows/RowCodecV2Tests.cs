using SlateFast.Format;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Format;

public sealed class RowCodecV2Tests
{
    [Fact]
    public void Row_of_the_spec_worked_example_encodes_to_the_exact_bytes()
    {
        // Spec §6: put apple=red, seq 1, create_ts 1795229482189, no expiry.
        var row = RowEntry.Put("apple"u8, "red"u8, 1, createTs: 1795229482189);
        byte[] buffer = new byte[RowCodecV2.EncodedLength(row, 0)];
        int written = RowCodecV2.Encode(buffer, row, 0);

        Assert.Equal(buffer.Length, written);
        Assert.Equal("000503" + "6170706C65" + "726564" + "0000000000000001" + "04" + "000001A1FC03FCCD", Convert.ToHexString(buffer));
    }

    [Fact]
    public void Expire_ts_is_written_before_create_ts()
    {
        var row = RowEntry.Put("k"u8, ""u8, 7, createTs: 2, expireTs: 1);
        byte[] buffer = new byte[RowCodecV2.EncodedLength(row, 0)];
        RowCodecV2.Encode(buffer, row, 0);

        Assert.Equal("000100" + "6B" + "0000000000000007" + "06" + "0000000000000001" + "0000000000000002", Convert.ToHexString(buffer));
    }

    [SeededProperty(MaxTest = 300)]
    public void Encode_then_decode_is_the_identity_for_random_rows(CaseSeed seed)
    {
        var rng = seed.NewRandom();
        TestRow row = RandomRows.Next(rng, maxKeyLength: rng.Next(10) == 0 ? ushort.MaxValue : 40, maxValueLength: 300);
        int shared = rng.Next(row.Key.Length + 1);
        var entry = row.ToEntry();
        byte[] buffer = new byte[RowCodecV2.EncodedLength(entry, shared) + rng.Next(3)];
        int written = RowCodecV2.Encode(buffer, entry, shared);
        Assert.Equal(RowCodecV2.EncodedLength(entry, shared), written);

        RowParts parts = RowCodecV2.Decode(buffer);
        Assert.Equal(written, parts.Length);
        Assert.Equal(shared, parts.Shared);
        Assert.True(parts.KeySuffix.SequenceEqual(row.Key.AsSpan(shared)));
        Assert.True(parts.Value.SequenceEqual(row.Value));
        Assert.Equal(row.Seq, parts.Seq);
        Assert.Equal(row.Kind, parts.Kind);
        Assert.Equal(row.ExpireTs, parts.ExpireTs);
        Assert.Equal(row.CreateTs, parts.CreateTs);
        Assert.Equal(entry.Flags, parts.Flags);
    }

    [Fact]
    public void Every_truncation_of_a_row_is_a_data_error()
    {
        var row = RowEntry.Put("some-key"u8, "some-value"u8, ulong.MaxValue, createTs: long.MinValue, expireTs: -1);
        byte[] buffer = new byte[RowCodecV2.EncodedLength(row, 0)];
        RowCodecV2.Encode(buffer, row, 0);

        for (int length = 0; length < buffer.Length; length++)
        {
            byte[] truncated = buffer[..length];
            var e = Assert.Throws<SlateFastException>(() => RowCodecV2.Decode(truncated));
            Assert.Equal(ErrorKind.Data, e.Kind);
        }
    }

    [Fact]
    public void Every_flags_byte_decodes_only_if_it_is_a_known_combination()
    {
        for (int flags = 0; flags < 256; flags++)
        {
            byte[] row = Convert.FromHexString("000100" + "6B" + "0000000000000001" + flags.ToString("X2") + new string('0', 32));
            bool valid = (flags & ~0x0F) == 0 && (flags & 0x09) != 0x09;
            if (valid)
            {
                RowParts parts = RowCodecV2.Decode(row);
                Assert.Equal((byte)flags, parts.Flags);
                Assert.Equal(
                    (flags & 1) != 0 ? RowKind.Tombstone : (flags & 8) != 0 ? RowKind.Merge : RowKind.Value,
                    parts.Kind);
            }
            else
            {
                var e = Assert.Throws<SlateFastException>(() => RowCodecV2.Decode(row));
                Assert.Equal(ErrorKind.Data, e.Kind);
            }
        }
    }

    [Fact]
    public void Tombstone_row_with_a_value_length_is_a_data_error()
    {
        byte[] row = Convert.FromHexString("000101" + "6B" + "76" + "0000000000000001" + "01");
        var e = Assert.Throws<SlateFastException>(() => RowCodecV2.Decode(row));
        Assert.Equal(ErrorKind.Data, e.Kind);
    }

    [Theory]
    [InlineData("FFFFFFFF1F0100")]
    [InlineData("00FFFFFFFF10")]
    [InlineData("0001808080808001")]
    public void Row_with_an_overflowing_varint_is_a_data_error(string hex)
    {
        byte[] row = Convert.FromHexString(hex + "6B0000000000000001" + "00");
        var e = Assert.Throws<SlateFastException>(() => RowCodecV2.Decode(row));
        Assert.Equal(ErrorKind.Data, e.Kind);
    }

    [Fact]
    public void Row_whose_lengths_run_past_the_end_is_a_data_error()
    {
        byte[] row = Convert.FromHexString("00" + "FFFFFFFF0F" + "FFFFFFFF0F" + "6B0000000000000001" + "00");
        var e = Assert.Throws<SlateFastException>(() => RowCodecV2.Decode(row));
        Assert.Equal(ErrorKind.Data, e.Kind);
    }

    [Fact]
    public void Tombstone_with_a_value_is_invalid()
    {
        var e = Assert.Throws<SlateFastException>(() => new RowEntry("k"u8, "v"u8, 1, RowKind.Tombstone));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }
}
