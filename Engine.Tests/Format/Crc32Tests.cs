using System.Text;
using SlateFast.Format;
using Xunit.Abstractions;

namespace SlateFast.Tests.Format;

public sealed class Crc32Tests(ITestOutputHelper output)
{
    [Fact]
    public void Crc32_of_known_vector_matches_zlib()
    {
        byte[] check = Encoding.ASCII.GetBytes("123456789");

        Assert.Equal(0xCBF43926u, Crc32.Compute(check));
    }

    [Fact]
    public void Crc32_of_nothing_is_zero()
    {
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Crc32_of_the_spec_wal_block_matches_its_stored_trailer()
    {
        // Spec §6: the 32-byte data block of a WAL SST holding one put, followed by CRC ea dc a3 03.
        byte[] block = Convert.FromHexString(
            "0005036170706c65726564" + "000000000000000104" + "000001a1fc03fccd" + "00000001");

        Assert.Equal(0xEADCA303u, Crc32.Compute(block));
    }

    [Fact]
    public void Crc32_agrees_with_a_bitwise_reference_for_every_length_up_to_4096()
    {
        int seed = TestSeed.Next(output);
        var random = new Random(seed);
        byte[] data = new byte[4096];
        random.NextBytes(data);

        for (int length = 0; length <= data.Length; length++)
        {
            ReadOnlySpan<byte> slice = data.AsSpan(0, length);
            uint expected = BitwiseCrc32(slice);
            Assert.True(expected == Crc32.Compute(slice), $"differs at length {length}, seed {seed}");
        }
    }

    [Fact]
    public void Crc32_agrees_with_the_reference_at_every_alignment()
    {
        int seed = TestSeed.Next(output);
        var random = new Random(seed);
        byte[] data = new byte[4096 + 64];
        random.NextBytes(data);

        for (int start = 0; start < 64; start++)
        {
            int length = random.Next(0, 4096);
            ReadOnlySpan<byte> slice = data.AsSpan(start, length);
            uint expected = BitwiseCrc32(slice);
            Assert.True(expected == Crc32.Compute(slice), $"differs at offset {start} length {length}, seed {seed}");
        }
    }

    [Fact]
    public void Computing_over_two_pieces_equals_computing_the_whole()
    {
        int seed = TestSeed.Next(output);
        var random = new Random(seed);
        byte[] data = new byte[random.Next(1, 20_000)];
        random.NextBytes(data);
        uint whole = Crc32.Compute(data);

        for (int trial = 0; trial < 100; trial++)
        {
            int split = random.Next(0, data.Length + 1);
            uint pieces = Crc32.Compute(data.AsSpan(0, split), data.AsSpan(split));
            Assert.True(whole == pieces, $"split at {split} of {data.Length} differs, seed {seed}");
        }
    }

    [Fact]
    public void Large_inputs_agree_with_the_reference()
    {
        int seed = TestSeed.Next(output);
        var random = new Random(seed);
        byte[] data = new byte[(1 << 20) + 13];
        random.NextBytes(data);

        Assert.Equal(BitwiseCrc32(data), Crc32.Compute(data));
    }

    /// <summary>One bit at a time, straight from the definition; slow and obviously right.</summary>
    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
