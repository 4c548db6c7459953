using SlateFast.Format.FlatBuffers;

namespace SlateFast.Tests.Format.FlatBuffers;

public class FlatBufferBuilderTests
{
    private static readonly FlatTableSchema Pair = new(
        "Pair",
        FlatField.Scalar("a", 0, FlatKind.U64),
        FlatField.Scalar("b", 1, FlatKind.U16));

    private static readonly FlatTableSchema Holder = new(
        "Holder",
        FlatField.VectorOf("pairs", 0, Pair, required: true),
        FlatField.Vector("name", 1, FlatKind.String),
        FlatField.Vector("blob", 2, FlatKind.Bytes),
        FlatField.Scalar("flag", 3, FlatKind.Bool));

    [Fact]
    public void Fields_equal_to_their_default_are_not_written()
    {
        var b = new FlatBufferBuilder();
        int t = b.StartTable();
        b.AddU64(0, 0);
        b.AddU16(1, 0);
        var bytes = b.Finish(b.EndTable(t)).ToArray();

        // root offset, then an empty 4-byte vtable and a table holding only its vtable offset.
        Assert.Equal(Convert.FromHexString("0800000004000400" + "04000000"), bytes);
        Assert.False(FlatTable.Root(bytes).Has(0));
    }

    [Fact]
    public void ForceDefaults_writes_fields_equal_to_their_default()
    {
        var b = new FlatBufferBuilder { ForceDefaults = true };
        int t = b.StartTable();
        b.AddU64(0, 0);
        var bytes = b.Finish(b.EndTable(t)).ToArray();
        FlatBufferVerifier.Verify(bytes, Pair, "test");
        Assert.True(FlatTable.Root(bytes).Has(0));
    }

    [Fact]
    public void Identical_vtables_are_written_once()
    {
        var b = new FlatBufferBuilder();
        var offsets = new int[3];
        for (int i = 0; i < 3; i++)
        {
            int t = b.StartTable();
            b.AddU64(0, (ulong)(i + 1));
            b.AddU16(1, 7);
            offsets[i] = b.EndTable(t);
        }

        int vec = b.CreateOffsetVector(offsets);
        int root = b.StartTable();
        b.AddOffset(0, vec);
        var bytes = b.Finish(b.EndTable(root)).ToArray();

        FlatBufferVerifier.Verify(bytes, Holder, "test");
        var pairs = FlatTable.Root(bytes).GetTableVector(0);
        Assert.Equal(3, pairs.Count);
        var vtables = new HashSet<int>();
        for (int i = 0; i < 3; i++)
        {
            vtables.Add(pairs[i].Position - BitConverter.ToInt32(bytes, pairs[i].Position));
        }

        Assert.Single(vtables);
        Assert.Equal(2UL, pairs[1].GetU64(0));
        Assert.Equal((ushort)7, pairs[2].GetU16(1));
    }

    [Fact]
    public void Scalars_and_vector_bodies_are_aligned_to_their_size_from_the_buffer_start()
    {
        var b = new FlatBufferBuilder();
        int blob = b.CreateByteVector([1, 2, 3]);
        int name = b.CreateString("héllo");
        int t = b.StartTable();
        b.AddU64(0, ulong.MaxValue);
        int pair = b.EndTable(t);
        int vec = b.CreateOffsetVector([pair]);
        int root = b.StartTable();
        b.AddOffset(0, vec);
        b.AddOffset(1, name);
        b.AddOffset(2, blob);
        b.AddBool(3, true);
        var bytes = b.Finish(b.EndTable(root)).ToArray();

        FlatBufferVerifier.Verify(bytes, Holder, "test");
        var r = FlatTable.Root(bytes);
        Assert.Equal("héllo", r.GetString(1));
        Assert.True(r.TryGetBytes(2, out var got));
        Assert.Equal(new byte[] { 1, 2, 3 }, got.ToArray());
        Assert.True(r.GetBool(3));
        Assert.Equal(ulong.MaxValue, r.GetTableVector(0)[0].GetU64(0));
        Assert.Equal(0, bytes.Length % 8);
    }

    [Fact]
    public void Nesting_a_table_inside_a_table_under_construction_is_misuse()
    {
        var b = new FlatBufferBuilder();
        b.StartTable();
        var e = Assert.Throws<SlateFastException>(() => b.CreateByteVector([1]));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public void Clear_lets_the_builder_produce_the_same_bytes_again()
    {
        var b = new FlatBufferBuilder(16);
        byte[] Build()
        {
            int s = b.CreateString(new string('x', 100));
            int t = b.StartTable();
            b.AddOffset(1, s);
            b.AddU64(0, 5);
            return b.Finish(b.EndTable(t)).ToArray();
        }

        var first = Build();
        b.Clear();
        Assert.Equal(first, Build());
    }
}
