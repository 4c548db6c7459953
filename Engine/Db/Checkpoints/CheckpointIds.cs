namespace SlateFast.Db.Checkpoints;

/// <summary>Checkpoint ids are UUIDs: public API uses <see cref="Guid"/>, the manifest its big-endian halves.</summary>
internal static class CheckpointIds
{
    public static Guid ToGuid(Manifest.Uuid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.WriteBytes(bytes);
        return new Guid(bytes, bigEndian: true);
    }

    public static Manifest.Uuid FromGuid(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return Manifest.Uuid.FromBytes(bytes);
    }
}
