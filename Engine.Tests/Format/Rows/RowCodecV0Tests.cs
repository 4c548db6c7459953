using SlateFast.Format;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Format;

public sealed class RowCodecV0Tests
{
    [Fact]
    public void Tombstone_row_omits_value_length_and_value()
    {
        var row = RowEntry.Delete("key2"u8, 5, createTs: 9);
        byte[] buffer = new byte[RowCodecV0.EncodedLength(row, 3)];
        RowCodecV0.Encode(buffer, row, 3);

        Assert.Equal("0003" + "0001" + "32" + "0000000000000005" + "05" + "0000000000000009", Convert.ToHexString(buffer));
    }

    [Fact]
    public void Value_row_ends_with_u32_length_and_value()
    {
        var row = RowEntry.MergeOperand("ab"u8, "xyz"u8, 1, createTs: null, expireTs: -2);
        byte[] buffer = new byte[RowCodecV0.EncodedLength(row, 0)];
        RowCodecV0.Encode(buffer, row, 0);

        Assert.Equal("0000" + "0002" + "6162" + "0000000000000001" + "0A" + "FFFFFFFFFFFFFFFE" + "00000003" + "78797A", Convert.ToHexString(buffer));
    }

    [SeededProperty(MaxTest = 300)]
    public void Encode_then_decode_is_the_identity_for_random_rows(CaseSeed seed)
    {
        var rng = seed.NewRandom();
        TestRow row = RandomRows.Next(rng, maxKeyLength: rng.Next(10) == 0 ? ushort.MaxValue : 40, maxValueLength: 300);
        int prefix = rng.Next(row.Key.Length + 1);
        var entry = row.ToEntry();
        byte[] buffer = new byte[RowCodecV0.EncodedLength(entry, prefix)];
        int written = RowCodecV0.Encode(buffer, entry, prefix);
        Assert.Equal(buffer.Length, written);

        RowParts parts = RowCodecV0.Decode(buffer);
        Assert.Equal(written, parts.Length);
        Assert.Equal(prefix, parts.Shared);
        Assert.True(parts.KeySuffix.SequenceEqual(row.Key.AsSpan(prefix)));
        Assert.True(parts.Value.SequenceEqual(row.Value));
        Assert.Equal((row.Seq, row.Kind, row.ExpireTs, row.CreateTs), (parts.Seq, parts.Kind, parts.ExpireTs, parts.CreateTs));
    }

    [Fact]
    public void Every_truncation_of_a_row_is_a_data_error()
    {
        var row = RowEntry.Put("some-key"u8, "some-value"u8, 3, createTs: 1, expireTs: 2);
        byte[] buffer = new byte[RowCodecV0.EncodedLength(row, 0)];
        RowCodecV0.Encode(buffer, row, 0);

        for (int length = 0; length < buffer.Length; length++)
        {
            byte[] truncated = buffer[..length];
            var e = Assert.Throws<SlateFastException>(() => RowCodecV0.Decode(truncated));
            Assert.Equal(ErrorKind.Data, e.Kind);
        }
    }

    [Fact]
    public void Key_longer_than_65535_bytes_is_invalid()
    {
        byte[] key = new byte[ushort.MaxValue + 1];
        var e = Assert.Throws<SlateFastException>(() =>
            RowCodecV0.Encode(new byte[key.Length + 64], RowEntry.Put(key, default, 1), 0));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }
}
