using System.Buffers.Binary;

namespace SlateFast.Tests.Support;

/// <summary>
/// Golden files under <c>Engine.Tests/testdata/</c> (its README says where each came from and
/// how to make it again). Files under <c>slatedb-*/</c> are what SlateDB wrote: tests only read
/// them. Files under <c>slatefast/</c> are what SlateFast writes for fixed inputs: a test compares
/// its output with them, and rewrites them only when <see cref="UpdateVariable"/> is 1, so a
/// change of bytes on storage is always a reviewed diff, never an accident.
/// </summary>
public static class Golden
{
    public const string UpdateVariable = "SLATEFAST_UPDATE_GOLDEN";

    public static string Folder => Path.Combine(RepoPaths.Root, "Engine.Tests", "testdata");

    /// <summary>The bytes of golden file <paramref name="name"/> (a path under testdata/).</summary>
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    /// <summary>
    /// Asserts that SlateFast's <paramref name="written"/> bytes are golden file
    /// <paramref name="name"/>, or writes them there when <see cref="UpdateVariable"/> is 1.
    /// </summary>
    public static void AssertWritten(string name, ReadOnlySpan<byte> written)
    {
        Assert.StartsWith("slatefast/", name, StringComparison.Ordinal); // SlateDB's bytes are never rewritten
        var path = Path.Combine(Folder, name);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllBytes(path, written.ToArray());
            return;
        }

        Assert.True(File.Exists(path), $"golden file {name} is missing: run the test with {UpdateVariable}=1 to write it, then review and commit it");
        var expected = File.ReadAllBytes(path);
        var at = expected.AsSpan().CommonPrefixLength(written);
        Assert.True(
            at == expected.Length && at == written.Length,
            $"SlateFast now writes {written.Length} bytes where {name} holds {expected.Length}, first different at byte {at}. " +
            $"If the format change is meant, rerun with {UpdateVariable}=1 and commit the new file with the change (Engine.Tests/testdata/README.md).");
    }

    /// <summary>The sections of an SST as the footer locates them (spec §5.1): each payload without its checksum.</summary>
    public static (byte[] Info, ushort Version) SstInfo(byte[] sst)
    {
        var footer = sst.AsSpan(sst.Length - 10);
        var infoOffset = checked((int)BinaryPrimitives.ReadUInt64BigEndian(footer));
        return (sst[infoOffset..(sst.Length - 10 - 4)], BinaryPrimitives.ReadUInt16BigEndian(footer[8..]));
    }

    /// <summary>A section's payload at <paramref name="offset"/>, <paramref name="length"/> bytes stored (checksum included).</summary>
    public static byte[] Section(byte[] sst, ulong offset, ulong length) => sst[checked((int)offset)..checked((int)(offset + length - 4))];
}
