using System.Text;
using SlateFast.Format;
using SlateFast.Retention;

namespace SlateFast.Tests.Retention;

public sealed class KeyVersionBufferTests
{
    [Fact]
    public void Values_added_before_the_buffer_grows_keep_their_bytes()
    {
        var buffer = new KeyVersionBuffer();
        buffer.Start("k"u8);
        var small = Encoding.UTF8.GetBytes("first");
        var big = new byte[5000];
        Array.Fill(big, (byte)'x');

        buffer.Add(3, RowKind.Value, 30, null, small);
        buffer.Add(2, RowKind.Merge, 20, 99, big);
        buffer.Add(1, RowKind.Tombstone, 10, null, default);

        Assert.Equal([(3ul, "first"), (2ul, new string('x', 5000)), (1ul, "")], buffer.Versions.ToArray().Select(v => (v.Seq, Encoding.UTF8.GetString(v.Value.Span))));
        Assert.Equal((RowKind.Merge, 20L, 99L), (buffer[1].Kind, buffer[1].CreateTs!.Value, buffer[1].ExpireTs!.Value));
    }

    [Fact]
    public void Starting_the_next_key_forgets_the_previous_versions()
    {
        var buffer = new KeyVersionBuffer();
        buffer.Start("a"u8);
        buffer.Add(1, RowKind.Value, null, null, "1"u8);
        var longKey = new string('b', 300);

        buffer.Start(Encoding.UTF8.GetBytes(longKey));

        Assert.Equal(0, buffer.Count);
        Assert.Equal(longKey, Encoding.UTF8.GetString(buffer.Key));
    }
}
