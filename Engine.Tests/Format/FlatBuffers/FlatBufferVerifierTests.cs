using FsCheck;
using FsCheck.Fluent;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Tests.Format.FlatBuffers;

public class FlatBufferVerifierTests
{
    private static readonly FlatTableSchema Leaf = new(
        "Leaf",
        FlatField.Scalar("value", 0, FlatKind.U32),
        FlatField.Vector("text", 1, FlatKind.String));

    private static readonly FlatTableSchema Root = new(
        "Root",
        FlatField.Of("leaf", 0, Leaf, required: true),
        FlatField.Union("choice", 1, required: false, null, Leaf),
        FlatField.Scalar("wide", 3, FlatKind.U64));

    // A recursive schema: a table whose field 0 is another Chain (the params array is filled in later).
    private static readonly FlatTableSchema Chain = MakeChain();

    private static FlatTableSchema MakeChain()
    {
        var fields = new FlatField[1];
        var chain = new FlatTableSchema("Chain", fields);
        fields[0] = FlatField.Of("next", 0, chain);
        return chain;
    }

    private static byte[] BuildRoot(string text = "ok", bool withLeaf = true, int unionParts = 0)
    {
        var b = new FlatBufferBuilder();
        int s = b.CreateString(text);
        int t = b.StartTable();
        b.AddU32(0, 42);
        b.AddOffset(1, s);
        int leaf = b.EndTable(t);
        int root = b.StartTable();
        b.AddU64(3, 0x0102030405060708);
        if (withLeaf)
        {
            b.AddOffset(0, leaf);
        }

        if ((unionParts & 1) != 0)
        {
            b.AddOffset(2, leaf);
        }

        if ((unionParts & 2) != 0)
        {
            b.AddU8(1, 1);
        }

        return b.Finish(b.EndTable(root)).ToArray();
    }

    private static SlateFastException Rejects(byte[] bytes, FlatTableSchema schema)
    {
        var e = Assert.Throws<SlateFastException>(() => FlatBufferVerifier.Verify(bytes, schema, "test"));
        Assert.Equal(ErrorKind.Data, e.Kind);
        return e;
    }

    [Fact]
    public void Builder_output_is_accepted_and_reads_back()
    {
        var bytes = BuildRoot(unionParts: 3);
        FlatBufferVerifier.Verify(bytes, Root, "test");
        var r = FlatTable.Root(bytes);
        Assert.Equal(42u, r.GetTable(0).GetU32(0));
        Assert.Equal("ok", r.GetTable(0).GetString(1));
        Assert.Equal((byte)1, r.GetUnionType(1, 2));
        Assert.Equal(42u, r.GetTable(2).GetU32(0));
    }

    [Fact]
    public void Missing_required_field_is_rejected_naming_the_field()
    {
        var e = Rejects(BuildRoot(withLeaf: false), Root);
        Assert.Contains("Root.leaf", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Union_with_only_type_or_only_value_is_rejected(int parts)
    {
        var e = Rejects(BuildRoot(unionParts: parts), Root);
        Assert.Contains("union", e.Message);
    }

    [Fact]
    public void A_field_the_schema_does_not_list_is_refused_as_written_by_a_newer_schema()
    {
        var b = new FlatBufferBuilder();
        int t = b.StartTable();
        b.AddU32(0, 42);
        int leaf = b.EndTable(t);
        int root = b.StartTable();
        b.AddOffset(0, leaf);
        b.AddU8(7, 1);
        var bytes = b.Finish(b.EndTable(root)).ToArray();

        var e = Rejects(bytes, Root);
        Assert.Contains("Root has field id 7", e.Message);
        Assert.Contains("newer SlateDB", e.Message);
    }

    [Fact]
    public void A_gap_in_the_schema_ids_is_also_unknown()
    {
        var gapped = new FlatTableSchema("Gapped", FlatField.Scalar("a", 0, FlatKind.U32), FlatField.Scalar("c", 2, FlatKind.U32));
        var b = new FlatBufferBuilder();
        int t = b.StartTable();
        b.AddU32(1, 5);
        var bytes = b.Finish(b.EndTable(t)).ToArray();
        Assert.Contains("Gapped has field id 1", Rejects(bytes, gapped).Message);
    }

    [Fact]
    public void A_union_type_the_schema_does_not_list_is_refused_as_newer()
    {
        var bytes = BuildRoot(unionParts: 3);
        int at = IndexOfUnionTag(bytes);
        bytes[at] = 2;
        var e = Rejects(bytes, Root);
        Assert.Contains("Root.choice has union type 2", e.Message);
        Assert.Contains("newer SlateDB", e.Message);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(-1, true)]
    public void An_enum_value_beyond_the_schema_is_refused_as_newer(sbyte value, bool refused)
    {
        var schema = new FlatTableSchema("WithEnum", FlatField.Enum("kind", 0, max: 3));
        var b = new FlatBufferBuilder();
        int t = b.StartTable();
        b.AddI8(0, value);
        var bytes = b.Finish(b.EndTable(t)).ToArray();
        if (refused)
        {
            Assert.Contains("WithEnum.kind has value", Rejects(bytes, schema).Message);
        }
        else
        {
            FlatBufferVerifier.Verify(bytes, schema, "test");
        }
    }

    private static int IndexOfUnionTag(byte[] bytes)
    {
        var r = FlatTable.Root(bytes);
        int vtable = r.Position - BitConverter.ToInt32(bytes, r.Position);
        return r.Position + BitConverter.ToUInt16(bytes, vtable + 4 + 2);
    }

    [Fact]
    public void String_without_nul_terminator_is_rejected()
    {
        var bytes = BuildRoot("abc");
        int at = IndexOf(bytes, "abc"u8) + 3;
        bytes[at] = (byte)'d';
        Assert.Contains("NUL", Rejects(bytes, Root).Message);
    }

    [Fact]
    public void String_with_invalid_utf8_is_rejected()
    {
        var bytes = BuildRoot("abc");
        bytes[IndexOf(bytes, "abc"u8)] = 0xC3;
        Assert.Contains("UTF-8", Rejects(bytes, Root).Message);
    }

    [Fact]
    public void Misaligned_root_offset_target_is_rejected()
    {
        var bytes = BuildRoot();
        bytes[0] += 2;
        Assert.Contains("aligned", Rejects(bytes, Root).Message);
    }

    [Fact]
    public void Misaligned_u64_field_is_rejected()
    {
        var bytes = BuildRoot();
        var r = FlatTable.Root(bytes);
        int vtable = r.Position - BitConverter.ToInt32(bytes, r.Position);
        int slot = vtable + 4 + (2 * 3);
        bytes[slot] += 4;
        Assert.Contains("aligned", Rejects(bytes, Root).Message);
    }

    [Fact]
    public void Vtable_offset_pointing_outside_the_buffer_is_rejected()
    {
        var bytes = BuildRoot();
        int root = BitConverter.ToInt32(bytes, 0);
        BitConverter.TryWriteBytes(bytes.AsSpan(root), -4096);
        Assert.Contains("out of bounds", Rejects(bytes, Root).Message);
    }

    [Fact]
    public void A_zero_offset_pointing_at_itself_ends_as_an_empty_table_instead_of_looping()
    {
        // uoffsets only point forward, so the only "cycle" is a zero offset: the field's target is
        // the field itself, read as a table whose soffset (0) makes it its own empty vtable.
        var b = new byte[20];
        BitConverter.TryWriteBytes(b.AsSpan(0), 12);        // root -> table at 12
        BitConverter.TryWriteBytes(b.AsSpan(4), (ushort)6); // vtable at 4: length 6
        BitConverter.TryWriteBytes(b.AsSpan(6), (ushort)8); // inline size 8
        BitConverter.TryWriteBytes(b.AsSpan(8), (ushort)4); // field 0 at +4
        BitConverter.TryWriteBytes(b.AsSpan(12), 8);        // table at 12 -> vtable at 4
        BitConverter.TryWriteBytes(b.AsSpan(16), 0);        // field 0 at 16: uoffset 0 -> 16

        FlatBufferVerifier.Verify(b, Chain, "test");
        Assert.True(FlatTable.Root(b).TryGetTable(0, out var next));
        Assert.False(next.Has(0));
    }

    [Fact]
    public void Nesting_deeper_than_64_tables_is_rejected()
    {
        var b = new FlatBufferBuilder();
        int inner = 0;
        for (int i = 0; i < 70; i++)
        {
            int t = b.StartTable();
            if (inner != 0)
            {
                b.AddOffset(0, inner);
            }

            inner = b.EndTable(t);
        }

        var bytes = b.Finish(inner).ToArray();
        Assert.Contains("deeper than 64", Rejects(bytes, Chain).Message);
    }

    [Fact]
    public void Nesting_64_tables_deep_is_accepted()
    {
        var b = new FlatBufferBuilder();
        int inner = 0;
        for (int i = 0; i < 64; i++)
        {
            int t = b.StartTable();
            if (inner != 0)
            {
                b.AddOffset(0, inner);
            }

            inner = b.EndTable(t);
        }

        FlatBufferVerifier.Verify(b.Finish(inner), Chain, "test");
    }

    [Fact]
    public void Offsets_shared_many_times_hit_the_apparent_size_limit()
    {
        // Each level is a vector of 64 references to the same child: 64^depth apparent tables.
        var schemaLevels = new FlatTableSchema[6];
        schemaLevels[0] = Leaf;
        for (int i = 1; i < schemaLevels.Length; i++)
        {
            schemaLevels[i] = new FlatTableSchema("Level" + i, FlatField.VectorOf("children", 0, schemaLevels[i - 1]));
        }

        var b = new FlatBufferBuilder();
        int t0 = b.StartTable();
        b.AddU32(0, 1);
        int child = b.EndTable(t0);
        for (int level = 1; level < schemaLevels.Length; level++)
        {
            int vec = b.CreateOffsetVector(Enumerable.Repeat(child, 64).ToArray());
            int t = b.StartTable();
            b.AddOffset(0, vec);
            child = b.EndTable(t);
        }

        var bytes = b.Finish(child).ToArray();
        Assert.Contains("apparent size", Rejects(bytes, schemaLevels[^1]).Message);
    }

    [SeededProperty]
    public Property Random_bytes_yield_a_value_or_Data_never_another_exception()
    {
        var gen = Gen.Choose(0, 64).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(x => (byte)x), n));
        return Prop.ForAll(gen.ToArbitrary(), bytes =>
        {
            try
            {
                FlatBufferVerifier.Verify(bytes, Root, "test");
                var r = FlatTable.Root(bytes);
                _ = r.GetTable(0).GetString(1);
                _ = r.GetU64(3);
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
            }
        });
    }

    [Fact]
    public void Every_single_byte_corruption_yields_a_value_or_Data()
    {
        var valid = BuildRoot(unionParts: 3);
        for (int i = 0; i < valid.Length; i++)
        {
            foreach (byte v in new byte[] { 0x00, 0x01, 0x7F, 0x80, 0xFF })
            {
                var bytes = (byte[])valid.Clone();
                bytes[i] = v;
                try
                {
                    FlatBufferVerifier.Verify(bytes, Root, "test");
                    var r = FlatTable.Root(bytes);
                    _ = r.GetTable(0).GetString(1);
                    if (r.GetUnionType(1, 2) == 1)
                    {
                        _ = r.GetTable(2).GetU32(0);
                    }
                }
                catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
                {
                }
            }
        }
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
